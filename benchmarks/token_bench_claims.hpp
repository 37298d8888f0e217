// The claim set every token benchmark handles (DESIGN §8: sub, iat, exp,
// jti, iss, aud and one custom claim, about 200 bytes of payload), and the
// token they all verify. libjwt and cpp-jwt cannot share a translation unit
// (libjwt's `struct jwt` clashes with cpp-jwt's `namespace jwt`), so each
// peer lives in its own file.
#ifndef AUTHCORE_BENCHMARKS_TOKEN_BENCH_CLAIMS_HPP
#define AUTHCORE_BENCHMARKS_TOKEN_BENCH_CLAIMS_HPP

#include <chrono>
#include <cstdint>
#include <string>

namespace bench {

inline const std::string kKey = "bench-key-0123456789abcdef-0123456789";
inline const std::string kSubject = "user-1234567890";
inline const std::string kIssuer = "https://auth.example.com";
inline const std::string kAudience = "orders-api";
inline const std::string kJwtId = "q5pB8mC2xY7nL4vR1tK9wA";
inline const std::string kRole = "admin";

inline std::int64_t now_seconds() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

inline const std::int64_t kIssuedAt = now_seconds();
inline const std::int64_t kExpiresAt = kIssuedAt + 3600;

/// The token issued by authcore with these claims; every verifier checks it.
const std::string& token();

}  // namespace bench

#endif
