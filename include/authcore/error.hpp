// authcore/error.hpp: the error codes every authcore API reports.
#ifndef AUTHCORE_ERROR_HPP
#define AUTHCORE_ERROR_HPP

#include <string_view>
#include <system_error>
#include <type_traits>

#include "authcore/export.hpp"

namespace authcore {

/// Why an authcore operation failed. Callers `switch` on it; the enumerator
/// name is the stable wire string (`to_string`), the numeric value is stable
/// too. Messages that accompany a code are for people and may change.
///
/// The first fourteen are the token codes of DESIGN §2: everything
/// `TokenVerifier::verify()` can return. The codes after them belong to the
/// layers above the token core (keys, arguments, passwords, stores, the
/// Authenticator); `is_token_error()` tells the two groups apart. See
/// docs/errors.md for when each is returned and its HTTP (RFC 6750) mapping.
///
/// The set grows between releases: callers keep a `default:` branch. Code
/// inside authcore does not, so that the compiler names every `switch` a new
/// code must be added to.
enum class ErrorCode : int {
  // Token codes (DESIGN §2), in verification order where it matters.
  malformed = 1,              ///< not three strict base64url segments, not strict JSON, bad header
  algorithm_not_allowed = 2,  ///< `alg` missing, not a string, or not in the allow-list
  invalid_signature = 3,      ///< MAC mismatch, or a signature that is not 32 bytes
  unknown_key = 4,            ///< `kid` names no key; header carries `jwk`/`jku`/`x5u`/`x5c`
  expired = 5,                ///< now > exp + leeway
  not_yet_valid = 6,          ///< now < nbf - leeway
  issued_in_future = 7,       ///< iat > now + leeway
  invalid_issuer = 8,         ///< `iss` is not byte-for-byte the expected issuer
  invalid_audience = 9,       ///< expected audience absent from `aud`, or `aud` present and none expected
  missing_claim = 10,         ///< a required claim is absent
  invalid_claim = 11,         ///< wrong JSON type or range; duplicate names; unknown `crit`; `b64`
  wrong_token_type = 12,      ///< header `typ` is not the expected token type
  revoked = 13,               ///< session revoked, or a spent refresh token replayed
  token_too_large = 14,       ///< more than max_token_bytes; decided before any decoding

  // Codes of the layers above the token core.
  invalid_key = 15,          ///< key material refused (shorter than 32 bytes, bad encoding, duplicate kid)
  invalid_argument = 16,     ///< an argument failed validation (claims, username, password length, ...)
  invalid_credentials = 17,  ///< login failed: unknown user or wrong password (indistinguishable)
  conflict = 18,             ///< username taken, or a compare-and-set lost to another writer
  not_found = 19,            ///< no such user or session
  too_many_attempts = 20,    ///< login throttled; retry after the time the error carries
  overloaded = 21,           ///< password work refused: HashGate full or its deadline passed
  store_unavailable = 22,    ///< the database cannot be reached or is shut down
  store_busy = 23,           ///< the database stayed locked past the busy timeout
  store_full = 24,           ///< the database's disk or quota is full
  store_error = 25,          ///< any other store failure (I/O, corruption, unexpected constraint)
  account_disabled = 26,     ///< the right password for a disabled account (a wrong one stays invalid_credentials)
  insufficient_scope = 27,   ///< a valid token without a scope the request needs (RFC 6750 §3.1)
};

/// The enumerator name, e.g. "invalid_signature"; "unknown" for a value
/// outside the enumeration.
AUTHCORE_API std::string_view to_string(ErrorCode code) noexcept;

/// True for the fourteen codes that token verification returns.
[[nodiscard]] AUTHCORE_API bool is_token_error(ErrorCode code) noexcept;

/// The single category object of authcore error codes (name "authcore").
AUTHCORE_API const std::error_category& error_category() noexcept;

/// Lets an ErrorCode take part in `std::error_code` comparisons.
AUTHCORE_API std::error_code make_error_code(ErrorCode code) noexcept;

}  // namespace authcore

/// @cond
template <>
struct std::is_error_code_enum<authcore::ErrorCode> : std::true_type {};
/// @endcond

#endif  // AUTHCORE_ERROR_HPP
