#include "service.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

#include "request_decoding.hpp"

namespace authcore_server {
namespace {

using authcore::ErrorCode;
using nlohmann::json;

// What a response needs from its request; kept when the request is gone
// (a response built on a HashGate thread).
struct ReplyTo {
  unsigned version;
  bool keep_alive;
};

ReplyTo reply_to(const Request& request) { return {request.version(), request.keep_alive()}; }

Response respond_with(ReplyTo to, http::status status, std::string body) {
  Response response{status, to.version};
  response.keep_alive(to.keep_alive);
  if (!body.empty()) response.set(http::field::content_type, "application/json");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response json_reply(ReplyTo to, http::status status, const json& body) {
  return respond_with(to, status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

Response error_reply(ReplyTo to, http::status status, const std::string& detail) {
  return json_reply(to, status, json{{"detail", detail}});
}

// RFC 6750 §3: a request without credentials gets a bare challenge; a
// presented token that fails gets error="invalid_token".
Response not_authenticated(ReplyTo to) {
  auto response = error_reply(to, http::status::unauthorized, "Not authenticated");
  response.set(http::field::www_authenticate, "Bearer");
  return response;
}

Response invalid_token(ReplyTo to) {
  auto response = error_reply(to, http::status::unauthorized, "Could not validate credentials");
  response.set(http::field::www_authenticate, R"(Bearer error="invalid_token")");
  return response;
}

Response with_retry_after(Response response, std::chrono::seconds retry_after) {
  response.set(http::field::retry_after, std::to_string(std::max<std::int64_t>(retry_after.count(), 1)));
  return response;
}

// DESIGN §7 / docs/errors.md: every Authenticator failure to its status.
// Store failures are 503: the request could not be checked, so it fails
// closed, and is worth retrying. Nothing maps to 500.
Response failure_reply(ReplyTo to, const authcore::Error& error) {
  switch (error.code) {
    case ErrorCode::invalid_credentials: {
      auto response = error_reply(to, http::status::unauthorized, "Incorrect username or password");
      response.set(http::field::www_authenticate, "Bearer");
      return response;
    }
    case ErrorCode::invalid_argument: return error_reply(to, http::status::unprocessable_entity, error.message);
    case ErrorCode::conflict: return error_reply(to, http::status::conflict, "Username already registered");
    case ErrorCode::too_many_attempts:
      return with_retry_after(error_reply(to, http::status::too_many_requests, "Too many failed logins"),
                              error.retry_after);
    case ErrorCode::overloaded:
      return with_retry_after(error_reply(to, http::status::service_unavailable, "Busy; try again shortly"),
                              error.retry_after);
    case ErrorCode::store_unavailable:
    case ErrorCode::store_busy:
    case ErrorCode::store_full:
    case ErrorCode::store_error:
    case ErrorCode::invalid_key:
      return error_reply(to, http::status::service_unavailable, "Service temporarily unavailable");
    default:  // the token codes, revoked, and not_found for the user behind a token
      return invalid_token(to);
  }
}

// RFC 6749 §5.1: the token response, never cached.
Response token_reply(ReplyTo to, const authcore::TokenPair& pair) {
  auto response = json_reply(to, http::status::ok,
                             json{{"access_token", pair.access_token},
                                  {"token_type", "bearer"},
                                  {"expires_in", pair.expires_in.count()},
                                  {"refresh_token", pair.refresh_token}});
  response.set(http::field::cache_control, "no-store");
  response.set(http::field::pragma, "no-cache");
  return response;
}

json user_json(const authcore::User& user) {
  return json{{"username", user.username}, {"email", user.email ? json(*user.email) : json(nullptr)}};
}

// 415 unless the body is of `type`.
std::optional<Response> require_media_type(const Request& request, const char* type) {
  if (media_type(request[http::field::content_type]) == type) return std::nullopt;
  return error_reply(reply_to(request), http::status::unsupported_media_type, std::string("the body must be ") + type);
}

// The JSON object of a request, or the response that refuses it.
std::variant<json, Response> json_body(const Request& request) {
  if (auto refused = require_media_type(request, "application/json")) return std::move(*refused);
  auto decoded = decode_json_object(request.body());
  if (auto* error = std::get_if<BodyError>(&decoded)) {
    return error_reply(reply_to(request), static_cast<http::status>(error->status), error->detail);
  }
  return std::move(std::get<json>(decoded));
}

Response missing_field(ReplyTo to, const char* name) {
  return error_reply(to, http::status::unprocessable_entity,
                     std::string("field \"") + name + "\" is required and must be a string");
}

std::string_view path_of(const Request& request) {
  const std::string_view target = request.target();
  return target.substr(0, target.find('?'));
}

}  // namespace

Service::Service(authcore::Authenticator& auth, authcore::UserStore& store, BlockingExecutor blocking)
    : auth_(auth), store_(store), blocking_(std::move(blocking)) {}

void Service::handle(const Request& request, const std::string& client, std::function<void(Response)> respond) const {
  // DESIGN §7's route table: the path names the route, the route its method
  // and handler.
  using Handler = void (*)(const Service&, const Request&, const std::string&, Respond);
  struct Route {
    std::string_view path;
    http::verb method;
    Handler handler;
  };
  static constexpr Route kRoutes[] = {
      {"/signup", http::verb::post,
       [](const Service& s, const Request& r, const std::string&, Respond done) { s.signup(r, std::move(done)); }},
      {"/token", http::verb::post,
       [](const Service& s, const Request& r, const std::string& c, Respond done) { s.token(r, c, std::move(done)); }},
      {"/login", http::verb::post,
       [](const Service& s, const Request& r, const std::string& c, Respond done) { s.login(r, c, std::move(done)); }},
      {"/users/me", http::verb::get,
       [](const Service& s, const Request& r, const std::string&, Respond done) { done(s.me(r)); }},
      {"/me", http::verb::get,
       [](const Service& s, const Request& r, const std::string&, Respond done) { done(s.me(r)); }},
      {"/protected", http::verb::get,
       [](const Service& s, const Request& r, const std::string&, Respond done) { done(s.protected_hello(r)); }},
      {"/refresh", http::verb::post,
       [](const Service& s, const Request& r, const std::string& c, Respond done) {
         s.refresh(r, c, std::move(done));
       }},
      {"/logout", http::verb::post,
       [](const Service& s, const Request& r, const std::string& c, Respond done) { s.logout(r, c, std::move(done)); }},
      {"/healthz", http::verb::get,
       [](const Service& s, const Request& r, const std::string&, Respond done) { done(s.healthz(r)); }},
  };
  const std::string_view path = path_of(request);
  const auto route = std::find_if(std::begin(kRoutes), std::end(kRoutes),
                                  [path](const Route& candidate) { return candidate.path == path; });
  const ReplyTo to = reply_to(request);
  if (route == std::end(kRoutes)) return respond(error_reply(to, http::status::not_found, "Not Found"));
  if (request.method() != route->method) {
    auto response = error_reply(to, http::status::method_not_allowed, "Method Not Allowed");
    response.set(http::field::allow, http::to_string(route->method));
    return respond(std::move(response));
  }
  try {
    route->handler(*this, request, client, std::move(respond));
  } catch (const std::exception&) {
    // Out of memory, or a thread pool refusing work: the request could not
    // be served, which is a 503, never a 500.
    respond(error_reply(to, http::status::service_unavailable, "Service temporarily unavailable"));
  }
}

void Service::signup(const Request& request, Respond respond) const {
  auto body = json_body(request);
  if (auto* refused = std::get_if<Response>(&body)) return respond(std::move(*refused));
  const json& fields = std::get<json>(body);
  const ReplyTo to = reply_to(request);
  auto username = string_member(fields, "username");
  auto password = string_member(fields, "password");
  if (!username) return respond(missing_field(to, "username"));
  if (!password) return respond(missing_field(to, "password"));
  std::optional<std::string> email;
  if (const auto found = fields.find("email"); found != fields.end() && !found->is_null()) {
    if (!found->is_string()) return respond(missing_field(to, "email"));
    email = found->get<std::string>();
  }
  authcore::SecretBytes secret(*password);
  authcore::secure_wipe(password->data(), password->size());
  auth_.signup_async(std::move(*username), std::move(secret), std::move(email),
                     [to, respond = std::move(respond)](authcore::Result<authcore::User> user) {
                       if (!user) return respond(failure_reply(to, user.error()));
                       respond(json_reply(to, http::status::created, user_json(*user)));
                     });
}

void Service::token(const Request& request, const std::string& client, Respond respond) const {
  if (auto refused = require_media_type(request, "application/x-www-form-urlencoded")) {
    return respond(std::move(*refused));
  }
  auto decoded = decode_form(request.body());
  const ReplyTo to = reply_to(request);
  if (auto* error = std::get_if<BodyError>(&decoded)) {
    return respond(error_reply(to, static_cast<http::status>(error->status), error->detail));
  }
  auto& fields = std::get<FormFields>(decoded);
  // RFC 6749 §4.3.2: grant_type is "password"; FastAPI's form lets it be
  // omitted, and so does this one.
  if (const auto grant = fields.find("grant_type"); grant != fields.end() && grant->second != "password") {
    return respond(error_reply(to, http::status::unprocessable_entity, "grant_type must be \"password\""));
  }
  const auto username = fields.find("username");
  const auto password = fields.find("password");
  if (username == fields.end()) return respond(missing_field(to, "username"));
  if (password == fields.end()) return respond(missing_field(to, "password"));
  start_login(std::move(username->second), std::move(password->second), client, to.version, to.keep_alive,
              std::move(respond));
}

void Service::login(const Request& request, const std::string& client, Respond respond) const {
  auto body = json_body(request);
  if (auto* refused = std::get_if<Response>(&body)) return respond(std::move(*refused));
  const json& fields = std::get<json>(body);
  auto username = string_member(fields, "username");
  auto password = string_member(fields, "password");
  const ReplyTo to = reply_to(request);
  if (!username) return respond(missing_field(to, "username"));
  if (!password) return respond(missing_field(to, "password"));
  start_login(std::move(*username), std::move(*password), client, to.version, to.keep_alive, std::move(respond));
}

void Service::start_login(std::string username, std::string password, const std::string& client, unsigned version,
                          bool keep_alive, Respond respond) const {
  authcore::SecretBytes secret(password);
  authcore::secure_wipe(password.data(), password.size());
  const ReplyTo to{version, keep_alive};
  auth_.login_async(std::move(username), std::move(secret), client,
                    [to, respond = std::move(respond)](authcore::Result<authcore::TokenPair> pair) {
                      if (!pair) return respond(failure_reply(to, pair.error()));
                      respond(token_reply(to, *pair));
                    });
}

std::variant<authcore::Claims, Response> Service::authenticated(const Request& request) const {
  const ReplyTo to = reply_to(request);
  const auto token = bearer_token(request[http::field::authorization]);
  if (!token) return not_authenticated(to);
  auto claims = auth_.authenticate(*token);
  if (!claims) return failure_reply(to, claims.error());
  return std::move(*claims);
}

Response Service::me(const Request& request) const {
  auto claims = authenticated(request);
  if (auto* refused = std::get_if<Response>(&claims)) return std::move(*refused);
  const ReplyTo to = reply_to(request);
  const auto user = store_.find_user(*std::get<authcore::Claims>(claims).subject());
  if (!user) return failure_reply(to, user.error());  // a deleted user is not_found: 401
  return json_reply(to, http::status::ok, user_json(*user));
}

Response Service::protected_hello(const Request& request) const {
  auto claims = authenticated(request);
  if (auto* refused = std::get_if<Response>(&claims)) return std::move(*refused);
  const std::string username(*std::get<authcore::Claims>(claims).subject());
  return json_reply(reply_to(request), http::status::ok, json{{"message", "Hello, " + username + "!"}});
}

void Service::refresh(const Request& request, const std::string& client, Respond respond) const {
  auto body = json_body(request);
  if (auto* refused = std::get_if<Response>(&body)) return respond(std::move(*refused));
  const ReplyTo to = reply_to(request);
  auto refresh_token = string_member(std::get<json>(body), "refresh_token");
  if (!refresh_token) return respond(missing_field(to, "refresh_token"));
  blocking_([this, to, client, refresh_token = std::move(*refresh_token), respond = std::move(respond)] {
    const auto pair = auth_.refresh(refresh_token, client);
    respond(pair ? token_reply(to, *pair) : failure_reply(to, pair.error()));
  });
}

void Service::logout(const Request& request, const std::string& client, Respond respond) const {
  const ReplyTo to = reply_to(request);
  const auto token = bearer_token(request[http::field::authorization]);
  if (!token) return respond(not_authenticated(to));
  blocking_([this, to, client, token = std::string(*token), respond = std::move(respond)] {
    const auto ended = auth_.logout(token, client);
    respond(ended ? respond_with(to, http::status::no_content, "") : failure_reply(to, ended.error()));
  });
}

Response Service::healthz(const Request& request) const {
  const ReplyTo to = reply_to(request);
  if (const auto alive = store_.ping(); !alive) {
    return error_reply(to, http::status::service_unavailable, "the user store is unavailable");
  }
  return json_reply(to, http::status::ok, json{{"status", "ok"}});
}

}  // namespace authcore_server
