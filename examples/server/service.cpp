#include "service.hpp"

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include "authcore/bearer.hpp"
#include "replies.hpp"
#include "request_decoding.hpp"

namespace authcore_server {
namespace {

using nlohmann::json;

ReplyTo reply_to(const Request& request) {
  return {request.version(), request.keep_alive(), request.method() == http::verb::head};
}

std::string_view path_of(const Request& request) {
  const std::string_view target = request.target();
  return target.substr(0, target.find('?'));
}

Response missing_field(const ReplyTo& to, const char* name) {
  return error_reply(to, http::status::unprocessable_entity,
                     std::string("field \"") + name + "\" is required and must be a string");
}

// True when the body is of media type `type`; else answers 415.
bool has_media_type(const Exchange& exchange, const Responder& respond, const char* type) {
  if (media_type(exchange.request[http::field::content_type]) == type) return true;
  respond(error_reply(respond.to(), http::status::unsupported_media_type, std::string("the body must be ") + type));
  return false;
}

void refuse_body(const Responder& respond, const BodyError& error) {
  respond(error_reply(respond.to(), static_cast<http::status>(error.status), error.detail));
}

// The JSON object a request carries; answers 415, 400 or 422 and returns
// nullopt when there is none.
std::optional<json> json_body(const Exchange& exchange, const Responder& respond) {
  if (!has_media_type(exchange, respond, "application/json")) return std::nullopt;
  auto decoded = decode_json_object(exchange.request.body());
  if (const auto* error = std::get_if<BodyError>(&decoded)) {
    refuse_body(respond, *error);
    return std::nullopt;
  }
  return std::move(std::get<json>(decoded));
}

// The fields of a form body, likewise.
std::optional<FormFields> form_body(const Exchange& exchange, const Responder& respond) {
  if (!has_media_type(exchange, respond, "application/x-www-form-urlencoded")) return std::nullopt;
  auto decoded = decode_form(exchange.request.body());
  if (const auto* error = std::get_if<BodyError>(&decoded)) {
    refuse_body(respond, *error);
    return std::nullopt;
  }
  return std::move(std::get<FormFields>(decoded));
}

json user_json(const authcore::User& user) {
  return json{{"username", user.username}, {"email", user.email ? json(*user.email) : json(nullptr)}};
}

}  // namespace

Service::Service(authcore::Authenticator& auth, authcore::UserStore& store, BlockingExecutor blocking,
                 ServiceOptions options)
    : auth_(auth), store_(store), blocking_(std::move(blocking)), options_(options) {}

// DESIGN §7. Adding a route is one handler and one row (docs/server.md).
const RouteTable<Service::Handler>& Service::routes() noexcept {
  static constexpr Route<Handler> kRoutes[] = {
      {"/signup", http::verb::post, &Service::signup, Runs::network_thread},
      {"/token", http::verb::post, &Service::token, Runs::network_thread},
      {"/login", http::verb::post, &Service::login, Runs::network_thread},
      {"/users/me", http::verb::get, &Service::me, Runs::store_read},
      {"/me", http::verb::get, &Service::me, Runs::store_read},
      {"/protected", http::verb::get, &Service::protected_hello, Runs::store_read},
      {"/refresh", http::verb::post, &Service::refresh, Runs::blocking},
      {"/logout", http::verb::post, &Service::logout, Runs::blocking},
      {"/healthz", http::verb::get, &Service::healthz, Runs::store_read},
      {"/metrics", http::verb::get, &Service::metrics, Runs::network_thread},
  };
  static constexpr RouteTable<Handler> kTable{kRoutes};
  return kTable;
}

void Service::handle(const Request& request, std::string_view client, std::function<void(Response)> respond) const {
  const std::string_view path = path_of(request);
  auto match = routes().find(path, request.method());
  const Responder responder(reply_to(request), metered(match.route, request.method(), std::move(respond)));
  if (match.route == nullptr && match.allow.empty()) {
    return responder(error_reply(responder.to(), http::status::not_found, "Not Found"));
  }
  if (match.route == nullptr) {
    auto response = error_reply(responder.to(), http::status::method_not_allowed, "Method Not Allowed");
    response.set(http::field::allow, match.allow);
    return responder(std::move(response));
  }
  const Route<Handler>& route = *match.route;
  Exchange exchange{request, client, path, std::move(match.parameters)};
  if (runs_inline(route.runs)) return run(route, exchange, responder);
  try {
    blocking_([this, &route, exchange = std::move(exchange), responder] { run(route, exchange, responder); });
  } catch (const std::exception&) {
    responder(error_reply(responder.to(), http::status::service_unavailable, "Service temporarily unavailable"));
  }
}

std::function<void(Response)> Service::metered(const Route<Handler>* route, http::verb method,
                                               std::function<void(Response)> respond) const {
  if (options_.metrics == nullptr) return respond;
  std::optional<std::size_t> row;
  if (route != nullptr) row = static_cast<std::size_t>(route - routes().begin());
  return [metrics = options_.metrics, row, method, started = std::chrono::steady_clock::now(),
          respond = std::move(respond)](Response response) {
    metrics->count_request(row, method, response.result_int(), std::chrono::steady_clock::now() - started);
    respond(std::move(response));
  };
}

bool Service::runs_inline(Runs runs) const noexcept {
  switch (runs) {
    case Runs::network_thread: return true;
    case Runs::store_read: return !options_.remote_store;
    case Runs::blocking: return false;
  }
  return false;
}

// A handler that throws (out of memory, a pool refusing work) has served
// nothing: its request is a 503, never a 500, and the process keeps going.
// If it answered before throwing, that answer stands.
void Service::run(const Route<Handler>& route, const Exchange& exchange, const Responder& respond) const {
  try {
    (this->*route.handler)(exchange, respond);
  } catch (const std::exception&) {
    respond(error_reply(respond.to(), http::status::service_unavailable, "Service temporarily unavailable"));
  }
}

void Service::signup(const Exchange& exchange, Responder respond) const {
  const auto fields = json_body(exchange, respond);
  if (!fields) return;
  auto username = string_member(*fields, "username");
  auto password = string_member(*fields, "password");
  if (!username) return respond(missing_field(respond.to(), "username"));
  if (!password) return respond(missing_field(respond.to(), "password"));
  std::optional<std::string> email;
  if (const auto found = fields->find("email"); found != fields->end() && !found->is_null()) {
    if (!found->is_string()) return respond(missing_field(respond.to(), "email"));
    email = found->get<std::string>();
  }
  authcore::SecretBytes secret(*password);
  authcore::secure_wipe(password->data(), password->size());
  auth_.signup_async(std::move(*username), std::move(secret), std::move(email),
                     [respond](authcore::Result<authcore::User> user) {
                       if (!user) return respond(failure_reply(respond.to(), user.error()));
                       respond(json_reply(respond.to(), http::status::created, user_json(*user)));
                     });
}

void Service::token(const Exchange& exchange, Responder respond) const {
  auto fields = form_body(exchange, respond);
  if (!fields) return;
  // RFC 6749 §4.3.2: grant_type is "password"; FastAPI's form lets it be
  // omitted, and so does this one.
  if (const auto grant = fields->find("grant_type"); grant != fields->end() && grant->second != "password") {
    return respond(error_reply(respond.to(), http::status::unprocessable_entity, "grant_type must be \"password\""));
  }
  const auto username = fields->find("username");
  const auto password = fields->find("password");
  if (username == fields->end()) return respond(missing_field(respond.to(), "username"));
  if (password == fields->end()) return respond(missing_field(respond.to(), "password"));
  start_login(std::move(username->second), std::move(password->second), exchange.client, std::move(respond));
}

void Service::login(const Exchange& exchange, Responder respond) const {
  const auto fields = json_body(exchange, respond);
  if (!fields) return;
  auto username = string_member(*fields, "username");
  auto password = string_member(*fields, "password");
  if (!username) return respond(missing_field(respond.to(), "username"));
  if (!password) return respond(missing_field(respond.to(), "password"));
  start_login(std::move(*username), std::move(*password), exchange.client, std::move(respond));
}

void Service::start_login(std::string username, std::string password, std::string_view client,
                          Responder respond) const {
  authcore::SecretBytes secret(password);
  authcore::secure_wipe(password.data(), password.size());
  auth_.login_async(std::move(username), std::move(secret), std::string(client),
                    [respond](authcore::Result<authcore::TokenPair> pair) {
                      if (!pair) return respond(failure_reply(respond.to(), pair.error()));
                      respond(token_reply(respond.to(), *pair));
                    });
}

std::optional<authcore::Claims> Service::authenticate(const Exchange& exchange, const Responder& respond) const {
  const auto bearer = authcore::bearer_token(exchange.request[http::field::authorization]);
  if (!bearer) {
    respond(not_authenticated(respond.to()));
    return std::nullopt;
  }
  auto claims = auth_.authenticate(bearer.token);
  if (!claims) {
    respond(failure_reply(respond.to(), claims.error()));
    return std::nullopt;
  }
  return std::move(*claims);
}

void Service::me(const Exchange& exchange, Responder respond) const {
  const auto claims = authenticate(exchange, respond);
  if (!claims) return;
  const auto user = store_.find_user(*claims->subject());
  if (!user) return respond(failure_reply(respond.to(), user.error()));  // a deleted user is not_found: 401
  respond(json_reply(respond.to(), http::status::ok, user_json(*user)));
}

void Service::protected_hello(const Exchange& exchange, Responder respond) const {
  const auto claims = authenticate(exchange, respond);
  if (!claims) return;
  const std::string username(*claims->subject());
  respond(json_reply(respond.to(), http::status::ok, json{{"message", "Hello, " + username + "!"}}));
}

void Service::refresh(const Exchange& exchange, Responder respond) const {
  const auto fields = json_body(exchange, respond);
  if (!fields) return;
  const auto refresh_token = string_member(*fields, "refresh_token");
  if (!refresh_token) return respond(missing_field(respond.to(), "refresh_token"));
  const auto pair = auth_.refresh(*refresh_token, exchange.client);
  respond(pair ? token_reply(respond.to(), *pair) : failure_reply(respond.to(), pair.error()));
}

void Service::logout(const Exchange& exchange, Responder respond) const {
  const auto bearer = authcore::bearer_token(exchange.request[http::field::authorization]);
  if (!bearer) return respond(not_authenticated(respond.to()));
  const auto ended = auth_.logout(bearer.token, exchange.client);
  respond(ended ? empty_reply(respond.to(), http::status::no_content) : failure_reply(respond.to(), ended.error()));
}

void Service::healthz(const Exchange&, Responder respond) const {
  if (const auto alive = store_.ping(); !alive) {
    return respond(error_reply(respond.to(), http::status::service_unavailable, "the user store is unavailable"));
  }
  respond(json_reply(respond.to(), http::status::ok, json{{"status", "ok"}}));
}

// The Prometheus text format 0.0.4, read at scrape time: the counters plus
// the HashGate's load and the store's failures.
void Service::metrics(const Exchange&, Responder respond) const {
  if (options_.metrics == nullptr) return respond(error_reply(respond.to(), http::status::not_found, "Not Found"));
  const Metrics::Readings readings{auth_.options().hash_gate->stats(), store_.store_failures()};
  respond(text_reply(respond.to(), http::status::ok, prometheus::kContentType, options_.metrics->exposition(readings)));
}

}  // namespace authcore_server
