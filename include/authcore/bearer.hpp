// authcore/bearer.hpp: RFC 6750 bearer credentials for any HTTP framework:
// taking the token out of an `Authorization` header, the `WWW-Authenticate`
// challenge of a refusal, and the HTTP status of each ErrorCode. Strings in,
// strings out: no HTTP library involved.
#ifndef AUTHCORE_BEARER_HPP
#define AUTHCORE_BEARER_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "authcore/error.hpp"
#include "authcore/export.hpp"
#include "authcore/result.hpp"
#include "authcore/scope.hpp"

namespace authcore {

/// Why an `Authorization` header holds no bearer token.
enum class BearerProblem : std::uint8_t {
  none,          ///< it holds one
  missing,       ///< no header, or an empty one: no credentials were sent
  wrong_scheme,  ///< credentials of another scheme (`Basic ...`, a bare token)
  malformed,     ///< the `Bearer` scheme without exactly one b64token after it
};

/// What bearer_token() found.
struct BearerToken {
  /// The token, a view into the header passed to bearer_token(); empty
  /// unless `problem` is BearerProblem::none.
  std::string_view token;
  /// Why there is no token.
  BearerProblem problem = BearerProblem::missing;

  /// True when a token was found.
  explicit operator bool() const noexcept { return problem == BearerProblem::none; }
};

/// The token of an `Authorization` header value (RFC 6750 §2.1):
/// `credentials = "Bearer" 1*SP b64token`, with b64token
/// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. The scheme
/// is case-insensitive (RFC 9110 §11.1); whitespace around the value is
/// ignored, as HTTP parsers strip it. Anything after the token (a second
/// credential, a parameter, a comma, `=` before the end) is malformed.
///
/// Pass the one `Authorization` field of the request. A request that sent
/// several combines them, as HTTP does, into one value joined by commas,
/// which is malformed: RFC 6750 §2 allows one way of sending one token.
[[nodiscard]] AUTHCORE_API BearerToken bearer_token(std::string_view authorization) noexcept;

/// The `WWW-Authenticate` value for a request that sent no usable bearer
/// credentials (no header, another scheme, a malformed one): `Bearer`, with
/// `realm` when it is not empty, and no error code (RFC 6750 §3: the client
/// may not have known that authentication is needed).
[[nodiscard]] AUTHCORE_API std::string challenge(std::string_view realm = {});

/// The `WWW-Authenticate` value for a presented token refused with `error`
/// (RFC 6750 §3):
///  - a token code, revoked, or not_found (the token's user is gone):
///    `Bearer error="invalid_token"`;
///  - insufficient_scope: `Bearer error="insufficient_scope", scope="..."`
///    naming `required_scopes` (space-separated);
///  - invalid_credentials: `Bearer` (a failed login: no token was presented);
///  - any other code (the store is down, a throttle): empty, since the
///    response is not a 401 or 403 and carries no challenge.
/// `realm`, when not empty, comes first. Quoted strings are escaped as
/// RFC 9110 §5.6.4 says.
[[nodiscard]] AUTHCORE_API std::string challenge(const Error& error, std::string_view realm = {},
                                                 const ScopeSet& required_scopes = {});

/// The HTTP status for a failure (docs/errors.md): 401 for the token codes,
/// revoked and invalid_credentials; 403 insufficient_scope; 400
/// account_disabled; 409 conflict; 404 not_found (an object the request
/// names; a service answering for a token's user uses 401); 422
/// invalid_argument; 429 too_many_attempts; 503 overloaded, the store codes
/// and invalid_key (the service cannot serve now: never 500).
[[nodiscard]] AUTHCORE_API int http_status(ErrorCode code) noexcept;

}  // namespace authcore

#endif  // AUTHCORE_BEARER_HPP
