// libjwt (Debian libjwt-dev 1.10) issuing and verifying the benchmark claims.
#include <benchmark/benchmark.h>
#include <jwt.h>

#include <cstdlib>

#include "token_bench_claims.hpp"

namespace {

using namespace bench;

// libjwt 1.10 has no claim validator: verify = decode with the key (which
// checks the MAC) plus the same claim reads and checks done by hand.
void BM_libjwt_issue(benchmark::State& state) {
  for (auto _ : state) {
    jwt_t* jwt = nullptr;
    jwt_new(&jwt);
    jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(kKey.data()), static_cast<int>(kKey.size()));
    jwt_add_grant(jwt, "sub", kSubject.c_str());
    jwt_add_grant_int(jwt, "iat", kIssuedAt);
    jwt_add_grant_int(jwt, "exp", kExpiresAt);
    jwt_add_grant(jwt, "jti", kJwtId.c_str());
    jwt_add_grant(jwt, "iss", kIssuer.c_str());
    jwt_add_grant(jwt, "aud", kAudience.c_str());
    jwt_add_grant(jwt, "role", kRole.c_str());
    char* token = jwt_encode_str(jwt);
    benchmark::DoNotOptimize(token);
    free(token);  // NOLINT: allocated by libjwt with malloc
    jwt_free(jwt);
  }
}

void BM_libjwt_verify(benchmark::State& state) {
  const std::string& token = bench::token();
  for (auto _ : state) {
    jwt_t* jwt = nullptr;
    const int status = jwt_decode(&jwt, token.c_str(), reinterpret_cast<const unsigned char*>(kKey.data()),
                                  static_cast<int>(kKey.size()));
    const bool valid = status == 0 && jwt_get_alg(jwt) == JWT_ALG_HS256 &&
                       jwt_get_grant_int(jwt, "exp") > now_seconds() && kIssuer == jwt_get_grant(jwt, "iss") &&
                       kAudience == jwt_get_grant(jwt, "aud");
    if (!valid) state.SkipWithError("libjwt rejected the token");
    const char* subject = jwt_get_grant(jwt, "sub");
    const char* role = jwt_get_grant(jwt, "role");
    benchmark::DoNotOptimize(subject);
    benchmark::DoNotOptimize(role);
    jwt_free(jwt);
  }
}

BENCHMARK(BM_libjwt_issue);
BENCHMARK(BM_libjwt_verify);

}  // namespace
