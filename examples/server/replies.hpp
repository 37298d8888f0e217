// The responses the service sends, FastAPI's way: JSON bodies, errors as
// {"detail": ...}, and one mapping from every authcore ErrorCode to its
// status (docs/errors.md).
#ifndef AUTHCORE_SERVER_REPLIES_HPP
#define AUTHCORE_SERVER_REPLIES_HPP

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "authcore/authenticator.hpp"
#include "authcore/result.hpp"
#include "http_message.hpp"

namespace authcore_server {

struct ReplyTo;

/// `body` as application/json with `status`.
Response json_reply(const ReplyTo& to, http::status status, const nlohmann::json& body);

/// `body` as `content_type` with `status`.
Response text_reply(const ReplyTo& to, http::status status, std::string_view content_type, std::string body);

/// `{"detail": detail}` with `status`.
Response error_reply(const ReplyTo& to, http::status status, const std::string& detail);

/// A response without content (204).
Response empty_reply(const ReplyTo& to, http::status status);

/// 401 for a request without credentials: the bare `WWW-Authenticate: Bearer`
/// challenge (RFC 6750 §3: no error code when none were presented).
Response not_authenticated(const ReplyTo& to);

/// The status and body for an authcore failure (docs/errors.md): token
/// codes and revoked are 401 invalid_token; invalid_credentials 401;
/// invalid_argument 422; conflict 409; too_many_attempts 429 and overloaded
/// 503, both with Retry-After; store failures and invalid_key 503. Nothing
/// maps to 500. Routes that mean something else by a code (a not_found
/// session is 404 where a user names it) handle that code before this.
Response failure_reply(const ReplyTo& to, const authcore::Error& error);

/// The RFC 6749 §5.1 token response, with Cache-Control: no-store.
Response token_reply(const ReplyTo& to, const authcore::TokenPair& pair);

/// `response` with Retry-After: `after` (at least 1 s, RFC 9110 §10.2.3).
Response with_retry_after(Response response, std::chrono::seconds after);

}  // namespace authcore_server

#endif
