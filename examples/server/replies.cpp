#include "replies.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "authcore/bearer.hpp"
#include "responder.hpp"

namespace authcore_server {

using authcore::ErrorCode;
using nlohmann::json;

namespace {

Response reply(const ReplyTo& to, http::status status, std::string body) {
  Response response{status, to.version};
  response.keep_alive(to.keep_alive);
  if (!body.empty()) response.set(http::field::content_type, "application/json");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response challenged(Response response, const std::string& challenge) {
  response.set(http::field::www_authenticate, challenge);
  return response;
}

// RFC 6750 §3.1: a presented token that fails.
Response invalid_token(const ReplyTo& to, const authcore::Error& error) {
  return challenged(error_reply(to, http::status::unauthorized, "Could not validate credentials"),
                    authcore::challenge(error));
}

}  // namespace

Response json_reply(const ReplyTo& to, http::status status, const json& body) {
  // Invalid UTF-8 cannot reach a body (the library refuses it), but dump()
  // must never throw on a response path.
  return reply(to, status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

Response text_reply(const ReplyTo& to, http::status status, std::string_view content_type, std::string body) {
  auto response = reply(to, status, std::move(body));
  response.set(http::field::content_type, content_type);
  return response;
}

Response error_reply(const ReplyTo& to, http::status status, const std::string& detail) {
  return json_reply(to, status, json{{"detail", detail}});
}

Response empty_reply(const ReplyTo& to, http::status status) { return reply(to, status, {}); }

Response not_authenticated(const ReplyTo& to) {
  return challenged(error_reply(to, http::status::unauthorized, "Not authenticated"), authcore::challenge());
}

Response with_retry_after(Response response, std::chrono::seconds after) {
  response.set(http::field::retry_after, std::to_string(std::max<std::int64_t>(after.count(), 1)));
  return response;
}

// No default: a new ErrorCode is a compiler warning here (an error with
// -Werror) until someone decides its status.
Response failure_reply(const ReplyTo& to, const authcore::Error& error) {
  switch (error.code) {
    case ErrorCode::malformed:
    case ErrorCode::algorithm_not_allowed:
    case ErrorCode::invalid_signature:
    case ErrorCode::unknown_key:
    case ErrorCode::expired:
    case ErrorCode::not_yet_valid:
    case ErrorCode::issued_in_future:
    case ErrorCode::invalid_issuer:
    case ErrorCode::invalid_audience:
    case ErrorCode::missing_claim:
    case ErrorCode::invalid_claim:
    case ErrorCode::wrong_token_type:
    case ErrorCode::revoked:
    case ErrorCode::token_too_large:
    // The user behind a valid token is gone: the token no longer identifies anyone.
    case ErrorCode::not_found: return invalid_token(to, error);
    case ErrorCode::invalid_credentials:
      return challenged(error_reply(to, http::status::unauthorized, "Incorrect username or password"),
                        authcore::challenge(error));
    case ErrorCode::invalid_argument: return error_reply(to, http::status::unprocessable_entity, error.message);
    // FastAPI's tutorial answers a disabled user's correct login this way.
    case ErrorCode::account_disabled: return error_reply(to, http::status::bad_request, "Inactive user");
    // RFC 6750 §3.1; the scopes needed are named by the route (see the
    // challenge the handler adds).
    case ErrorCode::insufficient_scope:
      return challenged(error_reply(to, http::status::forbidden, "Not enough permissions"), authcore::challenge(error));
    case ErrorCode::conflict: return error_reply(to, http::status::conflict, "Username already registered");
    case ErrorCode::too_many_attempts:
      return with_retry_after(error_reply(to, http::status::too_many_requests, "Too many failed logins"),
                              error.retry_after);
    case ErrorCode::overloaded:
      return with_retry_after(error_reply(to, http::status::service_unavailable, "Busy; try again shortly"),
                              error.retry_after);
    // The request could not be checked: it fails closed, and is worth retrying.
    case ErrorCode::invalid_key:
    case ErrorCode::store_unavailable:
    case ErrorCode::store_busy:
    case ErrorCode::store_full:
    case ErrorCode::store_error:
      return error_reply(to, http::status::service_unavailable, "Service temporarily unavailable");
  }
  return error_reply(to, http::status::service_unavailable, "Service temporarily unavailable");
}

Response token_reply(const ReplyTo& to, const authcore::TokenPair& pair) {
  auto response = json_reply(to, http::status::ok,
                             json{{"access_token", pair.access_token},
                                  {"token_type", "bearer"},
                                  {"expires_in", pair.expires_in.count()},
                                  {"refresh_token", pair.refresh_token}});
  response.set(http::field::cache_control, "no-store");
  response.set(http::field::pragma, "no-cache");
  return response;
}

}  // namespace authcore_server
