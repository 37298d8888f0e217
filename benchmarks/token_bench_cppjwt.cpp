// cpp-jwt (Debian libcpp-jwt-dev 1.4) issuing and verifying the benchmark claims.
#include <benchmark/benchmark.h>

#include <jwt/jwt.hpp>

#include "token_bench_claims.hpp"

namespace {

using namespace bench;

void BM_cppjwt_issue(benchmark::State& state) {
  for (auto _ : state) {
    jwt::jwt_object object{jwt::params::algorithm("HS256"), jwt::params::secret(kKey)};
    object.add_claim("sub", kSubject)
        .add_claim("iat", kIssuedAt)
        .add_claim("exp", kExpiresAt)
        .add_claim("jti", kJwtId)
        .add_claim("iss", kIssuer)
        .add_claim("aud", kAudience)
        .add_claim("role", kRole);
    auto token = object.signature();
    benchmark::DoNotOptimize(token);
  }
}

void BM_cppjwt_verify(benchmark::State& state) {
  const std::string& token = bench::token();
  for (auto _ : state) {
    std::error_code error;
    auto decoded = jwt::decode(token, jwt::params::algorithms({"HS256"}), error, jwt::params::secret(kKey),
                               jwt::params::issuer(kIssuer), jwt::params::aud(kAudience), jwt::params::verify(true));
    if (error) state.SkipWithError("cpp-jwt rejected the token");
    auto subject = decoded.payload().get_claim_value<std::string>("sub");
    auto role = decoded.payload().get_claim_value<std::string>("role");
    benchmark::DoNotOptimize(subject);
    benchmark::DoNotOptimize(role);
  }
}

BENCHMARK(BM_cppjwt_issue);
BENCHMARK(BM_cppjwt_verify);

}  // namespace
