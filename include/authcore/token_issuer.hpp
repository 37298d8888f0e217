// authcore/token_issuer.hpp: HS256 JWT issuing.
#ifndef AUTHCORE_TOKEN_ISSUER_HPP
#define AUTHCORE_TOKEN_ISSUER_HPP

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "authcore/claims.hpp"
#include "authcore/clock.hpp"
#include "authcore/export.hpp"
#include "authcore/hmac_key.hpp"
#include "authcore/result.hpp"

namespace authcore {

/// What goes into one token.
struct IssueOptions {
  /// "sub": whom the token is about. Required and non-empty.
  std::string subject;
  /// The header `typ`: "at+jwt" for access, "rt+jwt" for refresh. Default access.
  TokenType type = TokenType::access;
  /// exp = iat + ttl. Must be positive. Default 15 minutes.
  std::chrono::seconds ttl{std::chrono::minutes(15)};
  /// "iss", when set.
  std::optional<std::string> issuer;
  /// "aud", when set (written as a single string).
  std::optional<std::string> audience;
  /// "sid", the session (refresh-token family) the token belongs to.
  std::optional<std::string> session_id;
  /// "jti". Default: 128 random bits, base64url (22 characters).
  std::optional<std::string> jwt_id;
  /// "iat", Unix seconds. Default: the clock's now. Given together with
  /// jwt_id, the same options give the same token byte for byte (HS256 is
  /// deterministic), which lets a token be handed out again without being
  /// stored. Must not be negative.
  std::optional<std::int64_t> issued_at;
  /// Other claims, as a JSON object (or null for none). A member named like a
  /// registered claim (sub exp iat nbf iss aud jti sid) is an error, never a
  /// silent overwrite.
  nlohmann::json custom;
};

/// Issues compact HS256 JWS tokens: header {"alg":"HS256","typ":T} plus
/// "kid" when the signing key has one; payload sub, iat, exp, jti and the
/// optional claims; no padding. Immutable and safe to share between threads.
class AUTHCORE_API TokenIssuer {
 public:
  /// Signs with `keys.current()`. `clock` must outlive the issuer: it keeps
  /// a reference, not a copy.
  explicit TokenIssuer(KeyRing keys, const Clock& clock = SystemClock::instance());
  /// Refused at compile time: a temporary clock would be destroyed while the
  /// issuer still reads it. Keep the clock in a variable that outlives the
  /// issuer.
  TokenIssuer(KeyRing keys, const Clock&& clock) = delete;

  /// The compact token. Fails with ErrorCode::invalid_argument when the
  /// subject is empty, ttl is not positive or would overflow, issued_at is
  /// negative, a string is
  /// not valid UTF-8, `custom` is not an object, or it names a registered
  /// claim. Never throws.
  Result<std::string> issue(const IssueOptions& options) const noexcept;

 private:
  KeyRing keys_;
  const Clock* clock_;
  std::string access_header_;   // base64url of the access-token header
  std::string refresh_header_;  // base64url of the refresh-token header
};

}  // namespace authcore

#endif  // AUTHCORE_TOKEN_ISSUER_HPP
