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

Response reply(const ReplyTo& to, http::status status, std::string_view content_type, std::string body) {
  Response response{status, to.version};
  response.keep_alive(to.keep_alive);
  if (!body.empty()) response.set(http::field::content_type, content_type);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response challenged(Response response, const std::string& challenge) {
  if (!challenge.empty()) response.set(http::field::www_authenticate, challenge);
  return response;
}

// RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E
// (printable ASCII without '"' and '\').
std::string oauth_text(std::string text) {
  for (auto& c : text) {
    const bool allowed = c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
    if (!allowed) c = '?';
  }
  return text;
}

// What an authcore failure means to an HTTP client (docs/errors.md).
struct Refusal {
  http::status status;
  std::string detail;
  std::string challenge;  // WWW-Authenticate (authcore::challenge()), or empty
  std::chrono::seconds retry_after;
  // At the token endpoint, a failure that refuses the grant (RFC 6749 §5.2):
  // its error code (or null) and status.
  const char* grant_error;
  http::status grant_status;
};

Refusal refused(http::status status, std::string detail) {
  return {status, std::move(detail), {}, std::chrono::seconds(0), nullptr, http::status::bad_request};
}

Refusal refused_grant(Refusal refusal, const char* grant_error, http::status grant_status = http::status::bad_request) {
  refusal.grant_error = grant_error;
  refusal.grant_status = grant_status;
  return refusal;
}

Refusal with_challenge(Refusal refusal, std::string challenge) {
  refusal.challenge = std::move(challenge);
  return refusal;
}

Refusal retry_later(Refusal refusal, std::chrono::seconds after) {
  refusal.retry_after = after;
  return refusal;
}

// No default: a new ErrorCode is a compiler warning here (an error with
// -Werror) until someone decides what it means to a client.
Refusal refusal_for(const authcore::Error& error) {
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
    case ErrorCode::not_found:
      return refused_grant(with_challenge(refused(http::status::unauthorized, "Could not validate credentials"),
                                          authcore::challenge(error)),
                           "invalid_grant");
    // FastAPI's tutorial answers 401 with the bare challenge; its clients expect that status.
    case ErrorCode::invalid_credentials:
      return refused_grant(with_challenge(refused(http::status::unauthorized, "Incorrect username or password"),
                                          authcore::challenge(error)),
                           "invalid_grant", http::status::unauthorized);
    case ErrorCode::invalid_argument:
      return refused_grant(refused(http::status::unprocessable_entity, error.message), "invalid_request");
    // FastAPI's tutorial answers a disabled user's correct login this way.
    case ErrorCode::account_disabled:
      return refused_grant(refused(http::status::bad_request, "Inactive user"), "invalid_grant");
    // RFC 6750 §3.1; the scopes needed are named by the route (see the
    // challenge the handler adds).
    case ErrorCode::insufficient_scope:
      return with_challenge(refused(http::status::forbidden, "Not enough permissions"), authcore::challenge(error));
    case ErrorCode::conflict: return refused(http::status::conflict, "Username already registered");
    case ErrorCode::too_many_attempts:
      return retry_later(refused(http::status::too_many_requests, "Too many failed logins"), error.retry_after);
    case ErrorCode::overloaded:
      return retry_later(refused(http::status::service_unavailable, "Busy; try again shortly"), error.retry_after);
    // The request could not be checked: it fails closed, and is worth retrying.
    case ErrorCode::invalid_key:
    case ErrorCode::store_unavailable:
    case ErrorCode::store_busy:
    case ErrorCode::store_full:
    case ErrorCode::store_error: return refused(http::status::service_unavailable, "Service temporarily unavailable");
  }
  return refused(http::status::service_unavailable, "Service temporarily unavailable");
}

// RFC 6749 §5.1 and the example of §5.2: nothing the token endpoint
// answers may be stored by a cache.
Response uncached(Response response) {
  response.set(http::field::cache_control, "no-store");
  response.set(http::field::pragma, "no-cache");
  return response;
}

Response with_headers(Response response, const Refusal& refusal) {
  response = challenged(std::move(response), refusal.challenge);
  if (refusal.retry_after.count() > 0) response = with_retry_after(std::move(response), refusal.retry_after);
  return response;
}

}  // namespace

Response json_reply(const ReplyTo& to, http::status status, const json& body) {
  // Invalid UTF-8 cannot reach a body (the library refuses it), but dump()
  // must never throw on a response path.
  return reply(to, status, "application/json", body.dump(-1, ' ', false, json::error_handler_t::replace));
}

Response content_reply(const ReplyTo& to, http::status status, std::string_view content_type, std::string body) {
  return reply(to, status, content_type, std::move(body));
}

Response error_reply(const ReplyTo& to, http::status status, const std::string& detail) {
  return json_reply(to, status, json{{"detail", detail}});
}

Response validation_reply(const ReplyTo& to, const FieldError& error) {
  json location = json::array({"body"});
  if (!error.field.empty()) location.push_back(error.field);
  return json_reply(to, http::status::unprocessable_entity,
                    json{{"detail", json::array({{{"loc", location}, {"msg", error.message}, {"type", error.type}}})}});
}

Response oauth_error_reply(const ReplyTo& to, http::status status, const char* error, const std::string& description) {
  auto text = oauth_text(description);
  return uncached(json_reply(to, status, json{{"detail", text}, {"error", error}, {"error_description", text}}));
}

Response empty_reply(const ReplyTo& to, http::status status) { return reply(to, status, {}, {}); }

Response redirect_reply(const ReplyTo& to, const std::string& location) {
  auto response = empty_reply(to, http::status::temporary_redirect);
  response.set(http::field::location, location);
  return response;
}

Response not_authenticated(const ReplyTo& to) {
  return challenged(error_reply(to, http::status::unauthorized, "Not authenticated"), authcore::challenge());
}

Response bearer_refusal_reply(const ReplyTo& to, const authcore::BearerRefusal& refusal) {
  return challenged(error_reply(to, static_cast<http::status>(refusal.status), refusal.detail), refusal.challenge);
}

Response unavailable(const ReplyTo& to) {
  return error_reply(to, http::status::service_unavailable, "Service temporarily unavailable");
}

Response with_retry_after(Response response, std::chrono::seconds after) {
  response.set(http::field::retry_after, std::to_string(std::max<std::int64_t>(after.count(), 1)));
  return response;
}

Response failure_reply(const ReplyTo& to, const authcore::Error& error) {
  const Refusal refusal = refusal_for(error);
  if (refusal.status == http::status::unprocessable_entity) {
    return validation_reply(to, FieldError{{}, refusal.detail, "value_error"});
  }
  return with_headers(error_reply(to, refusal.status, refusal.detail), refusal);
}

Response token_failure_reply(const ReplyTo& to, const authcore::Error& error) {
  Refusal refusal = refusal_for(error);
  if (refusal.grant_error == nullptr) return failure_reply(to, error);
  // RFC 6749 §5.2: the token endpoint sends a challenge only with a 401;
  // RFC 6750's invalid_token is for resource servers.
  if (refusal.grant_status != http::status::unauthorized) refusal.challenge.clear();
  return with_headers(oauth_error_reply(to, refusal.grant_status, refusal.grant_error, refusal.detail), refusal);
}

Response token_reply(const ReplyTo& to, const authcore::TokenPair& pair) {
  return uncached(json_reply(to, http::status::ok,
                             json{{"access_token", pair.access_token},
                                  {"token_type", "bearer"},
                                  {"expires_in", pair.expires_in.count()},
                                  {"refresh_token", pair.refresh_token},
                                  {"scope", pair.scope}}));
}

}  // namespace authcore_server
