// authcore/bearer.hpp: RFC 6750 bearer credentials for any HTTP framework:
// taking the token out of an `Authorization` header, the `WWW-Authenticate`
// challenge of a refusal, the HTTP status of each ErrorCode, and all three in
// one call, authenticate_header(). Strings in, strings out: no HTTP library
// involved.
#ifndef AUTHCORE_BEARER_HPP
#define AUTHCORE_BEARER_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "authcore/authenticator.hpp"
#include "authcore/claims.hpp"
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

/// Why authenticate_header() refused a request: everything its response
/// needs, computed from `code` by http_status() and challenge().
struct BearerRefusal {
  /// 401, 403 insufficient_scope, or 503 (the session could not be checked).
  int status = 401;
  /// The `WWW-Authenticate` value; empty for a 503, which carries none.
  std::string challenge;
  /// For the response body, FastAPI's words: "Not authenticated", "Could not
  /// validate credentials", "Not enough permissions" or "Service temporarily
  /// unavailable". Says nothing about the token (RFC 6750 §3: the details
  /// are for the log: `code` and `problem`).
  std::string detail;
  /// Why: the code Authenticator::authenticate() returned, or
  /// invalid_credentials when the request held no usable bearer token (then
  /// `problem` says why not).
  ErrorCode code = ErrorCode::invalid_credentials;
  /// BearerProblem::none when a token was presented and refused.
  BearerProblem problem = BearerProblem::none;
};

/// What authenticate_header() found: the token's claims, or a BearerRefusal.
/// Test it before use; claims() and refusal() throw BadResultAccess on the
/// other alternative (a programming error, as with Result).
class [[nodiscard]] BearerAuthentication {
 public:
  /// Authenticated: the token's claims.
  explicit BearerAuthentication(Claims claims) : outcome_(std::move(claims)) {}
  /// Refused.
  explicit BearerAuthentication(BearerRefusal refusal) : outcome_(std::move(refusal)) {}

  /// True when the request is authenticated.
  explicit operator bool() const noexcept { return std::holds_alternative<Claims>(outcome_); }
  /// The claims of the request's token.
  const Claims& claims() const& { return *checked(std::get_if<Claims>(&outcome_), "claims() called on a refusal"); }
  /// The claims, moved out (by value: `const auto& claims =
  /// authenticate_header(...).claims();` does not dangle).
  Claims claims() && { return std::move(*checked(std::get_if<Claims>(&outcome_), "claims() called on a refusal")); }
  /// claims()
  const Claims* operator->() const { return &claims(); }
  /// Why the request is refused.
  const BearerRefusal& refusal() const {
    return *checked(std::get_if<BearerRefusal>(&outcome_), "refusal() called on claims");
  }

 private:
  template <class T>
  static T* checked(T* alternative, const char* misuse) {
    if (alternative == nullptr) throw BadResultAccess(std::string("authcore::BearerAuthentication::") + misuse);
    return alternative;
  }

  std::variant<Claims, BearerRefusal> outcome_;
};

/// One call for a protected route: bearer_token() of the request's
/// `Authorization` value, then Authenticator::authenticate() with
/// `required_scopes` (default: none beyond a valid session). Refusals:
///  - no usable bearer token (no header, another scheme, a malformed one):
///    401, challenge(realm) (no error code, RFC 6750 §3), "Not
///    authenticated", code invalid_credentials;
///  - a refused token (a token code, revoked, or not_found: the token's user
///    is gone, which for a request made with the token is 401 and not
///    http_status()'s 404): 401, `error="invalid_token"`, "Could not
///    validate credentials";
///  - insufficient_scope: 403, `error="insufficient_scope"` with
///    `scope="..."` naming `required_scopes`, "Not enough permissions";
///  - a store error (the session could not be checked, so it fails closed):
///    503, no challenge, "Service temporarily unavailable".
/// `realm` (RFC 6750 §3, default none) goes into every challenge; pass the
/// same one a service uses elsewhere. Any header, however long or malformed,
/// is a refusal, never an exception.
[[nodiscard]] AUTHCORE_API BearerAuthentication authenticate_header(const Authenticator& authenticator,
                                                                    std::string_view authorization,
                                                                    const ScopeSet& required_scopes = {},
                                                                    std::string_view realm = {});

}  // namespace authcore

#endif  // AUTHCORE_BEARER_HPP
