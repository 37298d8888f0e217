// authcore/token_verifier.hpp: strict HS256 JWT verification.
#ifndef AUTHCORE_TOKEN_VERIFIER_HPP
#define AUTHCORE_TOKEN_VERIFIER_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authcore/claims.hpp"
#include "authcore/clock.hpp"
#include "authcore/export.hpp"
#include "authcore/hmac_key.hpp"
#include "authcore/result.hpp"

namespace authcore {

namespace detail {
class KnownHeaders;
}  // namespace detail

/// JWS algorithms authcore implements (RFC 7518 §3.1). The enumerator is the
/// `alg` wire string.
enum class Algorithm : std::uint8_t {
  HS256,  ///< HMAC with SHA-256
};

/// What a TokenVerifier accepts. A plain struct: every field has a strict
/// default, and loosening one is an explicit choice.
struct VerifyOptions {
  /// The `alg` values accepted, compared case-sensitively. Default {HS256}.
  /// `none` is never accepted; an empty list rejects every token with
  /// ErrorCode::algorithm_not_allowed.
  std::vector<Algorithm> algorithms{Algorithm::HS256};

  /// Clock skew tolerated on exp, nbf and iat. Default 0. Clamped to
  /// [0, 1 day]: a larger leeway would make `exp` meaningless. Risk: every
  /// second of leeway is a second a stolen, expired token still works.
  std::chrono::seconds leeway{0};

  /// Require an `exp` claim (ErrorCode::missing_claim without one). Default
  /// true. Risk of false: a token without exp never expires.
  bool require_exp = true;

  /// When set, `iss` must be present (missing_claim) and byte-for-byte equal
  /// to it (invalid_issuer): no case folding, no trailing-slash or prefix
  /// matching. Default unset: `iss` is not checked.
  std::optional<std::string> issuer;

  /// When set, `aud` must be present (missing_claim) and be this string or
  /// an array containing it (invalid_audience). When unset, a token that
  /// has an `aud` is rejected with invalid_audience (RFC 7519 §4.1.3: a
  /// recipient that does not identify itself with the audience must reject).
  std::optional<std::string> audience;

  /// Further claims that must be present (ErrorCode::missing_claim).
  std::vector<std::string> required_claims;

  /// The token type the header `typ` must declare (ErrorCode::wrong_token_type).
  /// Default TokenType::access, which accepts "at+jwt" (RFC 9068), "JWT"
  /// or no `typ`, so tokens from other issuers (PyJWT) verify; refresh
  /// accepts only "rt+jwt". Compared case-insensitively, with an optional
  /// "application/" prefix (RFC 7515 §4.1.9). std::nullopt checks nothing.
  std::optional<TokenType> expected_type = TokenType::access;

  /// Tokens longer than this are rejected with ErrorCode::token_too_large
  /// before any decoding. Default 8192.
  std::size_t max_token_bytes = 8192;
};

/// Verifies compact HS256 JWS tokens (RFC 7515 §7.1) and the JWT claims in
/// them (RFC 7519 §7.2), stopping at the first failure, in this order:
///  1. size (token_too_large);
///  2. three strict base64url segments (malformed);
///  3. header: strict JSON object (malformed; duplicate names invalid_claim);
///     `alg` allowed (algorithm_not_allowed); `crit` or `b64` present
///     (invalid_claim); `jwk`, `jku`, `x5u`, `x5c` present (unknown_key);
///     `kid` or `typ` not a string (malformed);
///  4. key selection by `kid` (unknown_key);
///  5. HMAC-SHA256 over the received bytes, constant-time compare
///     (invalid_signature; also for a signature that is not 32 bytes);
///  6. payload: strict JSON object (malformed; duplicate names and wrongly
///     typed registered claims invalid_claim);
///  7. claims: typ (wrong_token_type), exp (missing_claim, expired), nbf
///     (not_yet_valid), iat (issued_in_future), iss, aud, required claims.
///
/// Immutable after construction and safe to share between threads.
class AUTHCORE_API TokenVerifier {
 public:
  /// `clock` must outlive the verifier: it keeps a reference, not a copy.
  explicit TokenVerifier(KeyRing keys, VerifyOptions options = {}, const Clock& clock = SystemClock::instance());
  /// Refused at compile time: a temporary clock would be destroyed while the
  /// verifier still reads it. Keep the clock in a variable that outlives
  /// the verifier.
  TokenVerifier(KeyRing keys, VerifyOptions options, const Clock&& clock) = delete;

  /// The token's claims, or the first failure. Never throws; allocates on
  /// the rejection path only for the error message.
  Result<Claims> verify(std::string_view token) const noexcept;

  /// The options in force, after clamping.
  const VerifyOptions& options() const noexcept { return options_; }

 private:
  Result<void> verify_into(std::string_view token, Claims& claims) const noexcept;

  KeyRing keys_;
  VerifyOptions options_;
  const Clock* clock_;
  std::shared_ptr<const detail::KnownHeaders> known_headers_;
};

}  // namespace authcore

#endif  // AUTHCORE_TOKEN_VERIFIER_HPP
