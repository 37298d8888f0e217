// The responses the service sends, FastAPI's way: JSON bodies, errors as
// {"detail": ...}, validation errors as FastAPI's 422 list, RFC 6749 §5.2
// errors beside `detail` at the OAuth2 endpoints, and one mapping from every
// authcore ErrorCode to its status (docs/errors.md).
#ifndef AUTHCORE_SERVER_REPLIES_HPP
#define AUTHCORE_SERVER_REPLIES_HPP

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "authcore/authenticator.hpp"
#include "authcore/bearer.hpp"
#include "authcore/result.hpp"
#include "http_message.hpp"
#include "request_decoding.hpp"

namespace authcore_server {

struct ReplyTo;

/// `body` as application/json with `status`.
Response json_reply(const ReplyTo& to, http::status status, const nlohmann::json& body);

/// `body` as `content_type` with `status`.
Response content_reply(const ReplyTo& to, http::status status, std::string_view content_type, std::string body);

/// `{"detail": detail}` with `status`.
Response error_reply(const ReplyTo& to, http::status status, const std::string& detail);

/// 422 in FastAPI's shape (its HTTPValidationError):
/// `{"detail": [{"loc": ["body", field], "msg": message, "type": type}]}`,
/// `loc` just `["body"]` when the error is about the body as a whole.
Response validation_reply(const ReplyTo& to, const FieldError& error);

/// An RFC 6749 §5.2 error of an OAuth2 endpoint (the token endpoint, and the
/// revocation endpoint, RFC 7009 §2.2.1): `{"detail", "error",
/// "error_description"}`, FastAPI's `detail` beside the RFC's members, with
/// Cache-Control: no-store and Pragma: no-cache as §5.2's example has.
/// `description` is kept to the characters §5.2 allows in
/// error_description (others become '?').
Response oauth_error_reply(const ReplyTo& to, http::status status, const char* error, const std::string& description);

/// A response without content (204, or 200 at the revocation endpoint).
Response empty_reply(const ReplyTo& to, http::status status);

/// 307 to `location` (a path and query of this server), as Starlette's
/// redirect_slashes answers: the method and body are kept (RFC 9110 §15.4.8).
Response redirect_reply(const ReplyTo& to, const std::string& location);

/// 401 for a request without credentials: the bare `WWW-Authenticate: Bearer`
/// challenge (RFC 6750 §3: no error code when none were presented).
Response not_authenticated(const ReplyTo& to);

/// 503 for a request that could not be served (a handler that threw, work
/// that could not be queued).
Response unavailable(const ReplyTo& to);

/// A protected route's refusal (authcore::authenticate_header()): its
/// status, `{"detail": ...}` and WWW-Authenticate challenge, if any.
Response bearer_refusal_reply(const ReplyTo& to, const authcore::BearerRefusal& refusal);

/// The status and body for an authcore failure (docs/errors.md): token
/// codes and revoked are 401 invalid_token; invalid_credentials 401;
/// invalid_argument 422 (FastAPI's shape); account_disabled 400;
/// insufficient_scope 403; conflict 409; too_many_attempts 429 and
/// overloaded 503, both with Retry-After; store failures and invalid_key 503.
/// Nothing maps to 500. Routes that mean something else by a code (a
/// not_found session is 404 where a user names it) handle that code before
/// this.
Response failure_reply(const ReplyTo& to, const authcore::Error& error);

/// failure_reply() at the token endpoint (RFC 6749 §5.2): a failure that
/// refuses the grant carries `error` and `error_description` beside
/// `detail`: a wrong username or password is 401 `invalid_grant` with
/// `WWW-Authenticate: Bearer` (FastAPI's status, which its clients expect);
/// a bad, expired, spent or revoked refresh token, a disabled user and a
/// deleted one are 400 `invalid_grant`; an invalid argument is 400
/// `invalid_request`. Throttling (429) and unavailability (503) stay as
/// failure_reply() answers them.
Response token_failure_reply(const ReplyTo& to, const authcore::Error& error);

/// The RFC 6749 §5.1 token response, with the granted `scope`,
/// Cache-Control: no-store and Pragma: no-cache.
Response token_reply(const ReplyTo& to, const authcore::TokenPair& pair);

/// `response` with Retry-After: `after` (at least 1 s, RFC 9110 §10.2.3).
Response with_retry_after(Response response, std::chrono::seconds after);

}  // namespace authcore_server

#endif
