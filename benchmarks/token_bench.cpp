// Token issue and verify, authcore next to the floor and two peers, in one
// run on one core (DESIGN §8). Every benchmark handles the same ~200-byte
// claim set (sub, iat, exp, jti, iss, aud, one custom claim) with the same
// key. After the run the ratios the targets are stated in are printed.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "authcore/authcore.hpp"
#include "detail/base64url.hpp"
#include "detail/hmac_sha256.hpp"
#include "ratio_reporter.hpp"
#include "token_bench_claims.hpp"

namespace {

using namespace bench;

authcore::IssueOptions issue_options() {
  authcore::IssueOptions options;
  options.subject = kSubject;
  options.issuer = kIssuer;
  options.audience = kAudience;
  options.jwt_id = kJwtId;
  options.ttl = std::chrono::seconds(3600);
  options.custom = {{"role", kRole}};
  return options;
}

authcore::VerifyOptions verify_options() {
  authcore::VerifyOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  return options;
}

const authcore::HmacKey& key() {
  static const auto key = authcore::HmacKey::from_bytes(kKey).value();
  return key;
}

void BM_authcore_issue(benchmark::State& state) {
  const authcore::TokenIssuer issuer(key());
  const auto options = issue_options();
  for (auto _ : state) {
    auto token = issuer.issue(options);
    benchmark::DoNotOptimize(token);
  }
}

// Verify and read the claims a service uses: sub, exp and the custom role.
void BM_authcore_verify(benchmark::State& state) {
  const authcore::TokenVerifier verifier(key(), verify_options());
  const std::string& token = bench::token();
  for (auto _ : state) {
    auto claims = verifier.verify(token);
    if (!claims) state.SkipWithError("authcore rejected its own token");
    auto subject = claims->subject();
    auto expires = claims->expires_at();
    auto role = claims->get<std::string>("role");
    benchmark::DoNotOptimize(subject);
    benchmark::DoNotOptimize(expires);
    benchmark::DoNotOptimize(role);
  }
}

// The floor: what any HS256 verifier must do at least. Split, base64url-decode
// the three segments, HMAC from a precomputed key state, compare 32 bytes.
void BM_floor_verify(benchmark::State& state) {
  const authcore::detail::HmacSha256 mac(kKey);
  const std::string& token = bench::token();
  for (auto _ : state) {
    const std::string_view view(token);
    const auto first = view.find('.');
    const auto second = view.find('.', first + 1);
    unsigned char header[128], payload[512], signature[32];
    const bool decoded = authcore::detail::base64url_decode(view.substr(0, first), header) &&
                         authcore::detail::base64url_decode(view.substr(first + 1, second - first - 1), payload) &&
                         authcore::detail::base64url_decode(view.substr(second + 1), signature);
    const bool valid = decoded && mac.verify(view.substr(0, second), signature);
    if (!valid) state.SkipWithError("floor rejected the token");
    benchmark::DoNotOptimize(payload);
  }
}

void BM_authcore_reject_bad_mac(benchmark::State& state) {
  const authcore::TokenVerifier verifier(key(), verify_options());
  std::string token = bench::token();
  token[token.size() - 3] = token[token.size() - 3] == 'A' ? 'B' : 'A';
  for (auto _ : state) {
    auto claims = verifier.verify(token);
    if (claims) state.SkipWithError("a forged MAC verified");
    benchmark::DoNotOptimize(claims);
  }
}

void BM_authcore_reject_garbage(benchmark::State& state) {
  const authcore::TokenVerifier verifier(key(), verify_options());
  const std::string garbage(100 * 1024, 'x');
  for (auto _ : state) {
    auto claims = verifier.verify(garbage);
    if (claims) state.SkipWithError("garbage verified");
    benchmark::DoNotOptimize(claims);
  }
}

BENCHMARK(BM_floor_verify);
BENCHMARK(BM_authcore_verify);
BENCHMARK(BM_authcore_issue);
BENCHMARK(BM_authcore_reject_bad_mac);
BENCHMARK(BM_authcore_reject_garbage);

}  // namespace

// libjwt 1.10 and cpp-jwt refuse any header typ but "JWT" (so they cannot
// verify RFC 9068 "at+jwt" tokens); the common token therefore carries
// authcore's payload under {"alg":"HS256","typ":"JWT"}, which authcore
// accepts as an access token too.
const std::string& bench::token() {
  static const std::string token = [] {
    const std::string issued = authcore::TokenIssuer(key()).issue(issue_options()).value();
    const auto payload_start = issued.find('.');
    const auto payload_end = issued.rfind('.');
    std::string common = authcore::detail::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") +
                         issued.substr(payload_start, payload_end - payload_start);
    const auto mac = authcore::detail::HmacSha256(kKey).mac(common);
    common += '.';
    authcore::detail::base64url_append(common, {reinterpret_cast<const char*>(mac.data()), mac.size()});
    return common;
  }();
  return token;
}

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  using Bound = bench::RatioReporter::Bound;
  std::fprintf(reporter.table_stream(), "\nRatios (CPU time per operation; DESIGN §8 targets):\n");
  reporter.print_ratio("authcore verify / floor", "BM_authcore_verify", "BM_floor_verify", 2.0, Bound::at_most);
  reporter.print_ratio("libjwt verify / authcore verify", "BM_libjwt_verify", "BM_authcore_verify", 5.0,
                       Bound::at_least);
  reporter.print_ratio("cpp-jwt verify / authcore verify", "BM_cppjwt_verify", "BM_authcore_verify", 5.0,
                       Bound::at_least);
  reporter.print_ratio("libjwt issue / authcore issue", "BM_libjwt_issue", "BM_authcore_issue", 5.0, Bound::at_least);
  reporter.print_ratio("cpp-jwt issue / authcore issue", "BM_cppjwt_issue", "BM_authcore_issue", 5.0, Bound::at_least);
  reporter.print_ratio("bad-MAC reject / valid verify", "BM_authcore_reject_bad_mac", "BM_authcore_verify", 1.0,
                       Bound::at_most);
  reporter.print_ratio("100 KB garbage reject / valid verify", "BM_authcore_reject_garbage", "BM_authcore_verify", 1.0,
                       Bound::at_most);
  benchmark::Shutdown();
  return 0;
}
