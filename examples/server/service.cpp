#include "service.hpp"

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "authcore/bearer.hpp"
#include "openapi.hpp"
#include "operations.hpp"
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

// 422 for a required string member of `object` that is missing or not a string.
Response invalid_member(const ReplyTo& to, const json& object, const char* name) {
  return validation_reply(to, string_member_error(object, name));
}

// True when the body is of media type `type`.
bool has_media_type(const Exchange& exchange, const char* type) {
  return media_type(exchange.request[http::field::content_type]) == type;
}

void refuse_body(const Responder& respond, const BodyError& error) {
  if (error.status == 422) return respond(validation_reply(respond.to(), error.error));
  respond(error_reply(respond.to(), static_cast<http::status>(error.status), error.error.message));
}

// The JSON object a request carries; answers 415, 400 or 422 and returns
// nullopt when there is none.
std::optional<json> json_body(const Exchange& exchange, const Responder& respond) {
  if (!has_media_type(exchange, "application/json")) {
    respond(error_reply(respond.to(), http::status::unsupported_media_type, "the body must be application/json"));
    return std::nullopt;
  }
  auto decoded = decode_json_object(exchange.request.body());
  if (const auto* error = std::get_if<BodyError>(&decoded)) {
    refuse_body(respond, *error);
    return std::nullopt;
  }
  return std::move(std::get<json>(decoded));
}

Response invalid_request(const ReplyTo& to, const std::string& description) {
  return oauth_error_reply(to, http::status::bad_request, "invalid_request", description);
}

// The fields of an OAuth2 endpoint's form body. Whatever is wrong with the
// body (its media type, its encoding, a repeated field) is RFC 6749 §5.2's
// invalid_request, which is answered before returning nullopt.
std::optional<FormFields> oauth_form(const Exchange& exchange, const Responder& respond) {
  if (!has_media_type(exchange, "application/x-www-form-urlencoded")) {
    respond(invalid_request(respond.to(), "the body must be application/x-www-form-urlencoded"));
    return std::nullopt;
  }
  auto decoded = decode_form(exchange.request.body());
  if (const auto* error = std::get_if<BodyError>(&decoded)) {
    const auto& field = error->error.field;
    respond(invalid_request(respond.to(), field.empty() ? error->error.message : field + ": " + error->error.message));
    return std::nullopt;
  }
  return std::move(std::get<FormFields>(decoded));
}

// The value of a required form field, or nullopt after answering
// invalid_request.
std::optional<std::string> required_field(FormFields& fields, const char* name, const Responder& respond) {
  const auto found = fields.find(name);
  if (found == fields.end()) {
    respond(invalid_request(respond.to(), std::string("the ") + name + " field is required"));
    return std::nullopt;
  }
  return std::move(found->second);
}

// RFC 6749 §3.3: a form's requested scope, space-separated; none (absent or
// empty) means all of the user's, or at refresh, all of the session's.
authcore::ScopeSet requested_scope(const FormFields& fields) {
  const auto scope = fields.find("scope");
  return scope == fields.end() ? authcore::ScopeSet{} : authcore::parse_scope(scope->second);
}

// `path` without its trailing slashes; nullopt when it has none, or is
// nothing but slashes.
std::optional<std::string> without_trailing_slashes(std::string_view path) {
  const auto last = path.find_last_not_of('/');
  if (last == std::string_view::npos || last + 1 == path.size()) return std::nullopt;
  return std::string(path.substr(0, last + 1));
}

// What /signup answers (DESIGN §7).
json signup_json(const authcore::User& user) {
  return json{{"username", user.username}, {"email", user.email ? json(*user.email) : json(nullptr)}};
}

// A user as /users/me and /admin/users show it: FastAPI tutorial's User
// model plus the roles.
json user_json(const authcore::User& user) { return json(authcore::profile_json(user)); }

// POST /logout's `scope` query parameter (GoTrue's): local when absent.
std::variant<authcore::LogoutScope, std::string> parse_scope_query(std::string_view target) {
  const auto question = target.find('?');
  const auto query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  auto decoded = decode_form(query);
  if (const auto* failed = std::get_if<BodyError>(&decoded)) return "scope: " + failed->error.message;
  const auto& fields = std::get<FormFields>(decoded);
  const auto given = fields.find("scope");
  if (given == fields.end()) return authcore::LogoutScope::local;
  if (const auto scope = authcore::parse_logout_scope(given->second)) return *scope;
  return std::string("scope must be local, others or global");
}

// The scopes routes require (DESIGN §7).
const authcore::ScopeSet kMeScope{"me"};
const authcore::ScopeSet kAdminScope{"admin"};

}  // namespace

// DESIGN §7. Adding a route is one handler, one row and its documentation
// in operations.cpp (docs/server.md).
const RouteTable<Service::Handler>& Service::routes() noexcept {
  static constexpr Route<Handler> kRoutes[] = {
      {"/signup", http::verb::post, &Service::signup, Runs::network_thread, operations::signup},
      {"/token", http::verb::post, &Service::token, Runs::network_thread, operations::token},
      {"/login", http::verb::post, &Service::login, Runs::network_thread, operations::login},
      {"/users/me", http::verb::get, &Service::me, Runs::store_read, operations::me},
      {"/me", http::verb::get, &Service::me, Runs::store_read, operations::me},
      {"/protected", http::verb::get, &Service::protected_hello, Runs::store_read, operations::protected_hello},
      {"/refresh", http::verb::post, &Service::refresh, Runs::blocking, operations::refresh},
      {"/logout", http::verb::post, &Service::logout, Runs::blocking, operations::logout},
      {"/sessions", http::verb::get, &Service::sessions, Runs::store_read, operations::sessions},
      {"/sessions/{id}", http::verb::delete_, &Service::end_session, Runs::blocking, operations::end_session},
      {"/revoke", http::verb::post, &Service::revoke, Runs::blocking, operations::revoke},
      {"/healthz", http::verb::get, &Service::healthz, Runs::store_read, operations::healthz},
      {"/livez", http::verb::get, &Service::livez, Runs::network_thread, operations::livez},
      {"/readyz", http::verb::get, &Service::readyz, Runs::store_read, operations::readyz},
      {"/metrics", http::verb::get, &Service::metrics, Runs::network_thread, operations::metrics},
      {"/admin/users", http::verb::get, &Service::admin_users, Runs::store_read, operations::admin_users},
      {"/openapi.json", http::verb::get, &Service::openapi_json, Runs::network_thread, operations::openapi_json},
      {"/docs", http::verb::get, &Service::docs, Runs::network_thread, operations::docs},
      {"/docs/assets/{name}", http::verb::get, &Service::docs_asset, Runs::network_thread, operations::docs_asset},
  };
  static constexpr RouteTable<Handler> kTable{kRoutes};
  return kTable;
}

Service::Service(authcore::Authenticator& auth, authcore::UserStore& store, BlockingExecutor blocking,
                 ServiceOptions options)
    : auth_(auth),
      store_(store),
      blocking_(std::move(blocking)),
      options_(std::move(options)),
      openapi_document_(
          openapi::document(routes(), [this](const Route<Handler>& route) { return serves(route); }).dump()),
      docs_page_(swagger_ui_page(options_.docs_assets != nullptr)) {}

std::vector<std::string_view> Service::route_patterns() {
  std::vector<std::string_view> patterns;
  for (const auto& route : routes()) patterns.push_back(route.path);
  return patterns;
}

bool Service::serves(const Route<Handler>& route) const noexcept {
  if (route.handler == &Service::docs_asset) return options_.docs && options_.docs_assets != nullptr;
  if (route.handler == &Service::docs || route.handler == &Service::openapi_json) return options_.docs;
  if (route.handler == &Service::metrics) return options_.metrics != nullptr;
  return true;
}

void Service::handle(const Request& request, std::string_view client, std::function<void(Response)> respond) const {
  const std::string_view path = path_of(request);
  auto match = routes().find(path, request.method(), [this](const Route<Handler>& route) { return serves(route); });
  const Responder responder(
      reply_to(request), options_.cors.decorating(request, metered(match.route, request.method(), std::move(respond))));
  if (match.route == nullptr && match.allow.empty()) return answer_unrouted(path, request, responder);
  if (match.route == nullptr) {
    if (auto preflight = options_.cors.preflight(request, match.allow, responder.to())) {
      return responder(std::move(*preflight));
    }
    auto response = error_reply(responder.to(), http::status::method_not_allowed, "Method Not Allowed");
    response.set(http::field::allow, match.allow);
    return responder(std::move(response));
  }
  const Route<Handler>& route = *match.route;
  Exchange exchange{request, client, path, std::move(match.parameters)};
  if (runs_inline(route.runs)) return run(route, exchange, responder);
  run_blocking(responder, [this, &route, exchange = std::move(exchange), responder] {
    (this->*route.handler)(exchange, responder);
  });
}

// A path no route serves: 307 to the path without its trailing slashes when
// a route serves that (FastAPI's redirect_slashes, keeping the query), else 404.
void Service::answer_unrouted(std::string_view path, const Request& request, const Responder& respond) const {
  const auto stripped = without_trailing_slashes(path);
  if (stripped) {
    const auto match =
        routes().find(*stripped, request.method(), [this](const Route<Handler>& route) { return serves(route); });
    if (match.route != nullptr || !match.allow.empty()) {
      const std::string_view target = request.target();
      return respond(redirect_reply(respond.to(), *stripped + std::string(target.substr(path.size()))));
    }
  }
  respond(error_reply(respond.to(), http::status::not_found, "Not Found"));
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

// Work on the blocking executor that throws has served nothing: 503, as in
// run(). An executor that refuses the work (a pool shutting down) is 503 too.
void Service::run_blocking(const Responder& respond, std::function<void()> work) const {
  try {
    blocking_([respond, work = std::move(work)] {
      try {
        work();
      } catch (const std::exception&) {
        respond(unavailable(respond.to()));
      }
    });
  } catch (const std::exception&) {
    respond(unavailable(respond.to()));
  }
}

// A handler that throws (out of memory, a pool refusing work) has served
// nothing: its request is a 503, never a 500, and the process keeps going.
// If it answered before throwing, that answer stands.
void Service::run(const Route<Handler>& route, const Exchange& exchange, const Responder& respond) const {
  try {
    (this->*route.handler)(exchange, respond);
  } catch (const std::exception&) {
    respond(unavailable(respond.to()));
  }
}

void Service::signup(const Exchange& exchange, Responder respond) const {
  const auto fields = json_body(exchange, respond);
  if (!fields) return;
  auto username = string_member(*fields, "username");
  auto password = string_member(*fields, "password");
  if (!username) return respond(invalid_member(respond.to(), *fields, "username"));
  if (!password) return respond(invalid_member(respond.to(), *fields, "password"));
  std::optional<std::string> email;
  if (const auto found = fields->find("email"); found != fields->end() && !found->is_null()) {
    if (!found->is_string()) return respond(invalid_member(respond.to(), *fields, "email"));
    email = found->get<std::string>();
  }
  authcore::SecretBytes secret(*password);
  authcore::secure_wipe(password->data(), password->size());
  auth_.signup_async(std::move(*username), std::move(secret), std::move(email),
                     [this, respond, username = *username](authcore::Result<authcore::User> user) {
                       if (user) return respond(json_reply(respond.to(), http::status::created, signup_json(*user)));
                       if (user.error().code == authcore::ErrorCode::conflict) return respond(taken(respond, username));
                       respond(failure_reply(respond.to(), user.error()));
                     });
}

// 409 for a sign-up that lost to an existing user: when no user has the
// username, it was the e-mail address that was taken.
Response Service::taken(const Responder& respond, const std::string& username) const {
  const auto existing = store_.find_user(username);
  const bool email = !existing && existing.error().code == authcore::ErrorCode::not_found;
  return error_reply(respond.to(), http::status::conflict,
                     email ? "Email already registered" : "Username already registered");
}

// The OAuth2 token endpoint (RFC 6749 §3.2). Its errors are §5.2's.
void Service::token(const Exchange& exchange, Responder respond) const {
  auto fields = oauth_form(exchange, respond);
  if (!fields) return;
  // RFC 6749 §4.3.2 makes grant_type required; FastAPI's form lets the
  // password grant omit it, and so does this one.
  const auto grant = fields->find("grant_type");
  if (grant == fields->end() || grant->second == "password") {
    return password_grant(exchange, *fields, std::move(respond));
  }
  if (grant->second == "refresh_token") return refresh_grant(exchange, *fields, std::move(respond));
  respond(oauth_error_reply(respond.to(), http::status::bad_request, "unsupported_grant_type",
                            "grant_type must be password or refresh_token"));
}

void Service::password_grant(const Exchange& exchange, FormFields& fields, Responder respond) const {
  auto username = required_field(fields, "username", respond);
  if (!username) return;
  auto password = required_field(fields, "password", respond);
  if (!password) return;
  start_login(std::move(*username), std::move(*password), requested_scope(fields), exchange, std::move(respond),
              &token_failure_reply);
}

// RFC 6749 §6: rotates as /refresh does, on the blocking executor (a
// durable store write); `scope` may narrow the session's.
void Service::refresh_grant(const Exchange& exchange, FormFields& fields, Responder respond) const {
  auto refresh_token = required_field(fields, "refresh_token", respond);
  if (!refresh_token) return;
  run_blocking(respond, [this, refresh_token = std::move(*refresh_token), scopes = requested_scope(fields),
                         client = std::string(exchange.client),
                         respond] { finish_refresh(refresh_token, scopes, client, respond, &token_failure_reply); });
}

void Service::login(const Exchange& exchange, Responder respond) const {
  const auto fields = json_body(exchange, respond);
  if (!fields) return;
  auto username = string_member(*fields, "username");
  auto password = string_member(*fields, "password");
  if (!username) return respond(invalid_member(respond.to(), *fields, "username"));
  if (!password) return respond(invalid_member(respond.to(), *fields, "password"));
  start_login(std::move(*username), std::move(*password), {}, exchange, std::move(respond), &failure_reply);
}

// The session records the client's address and User-Agent (GET /sessions
// lists them; the Authenticator sanitises the header).
void Service::start_login(std::string username, std::string password, authcore::ScopeSet scopes,
                          const Exchange& exchange, Responder respond, FailureReply failure) const {
  authcore::SecretBytes secret(password);
  authcore::secure_wipe(password.data(), password.size());
  auth_.login_async(std::move(username), std::move(secret), std::string(exchange.client),
                    std::string(exchange.request[http::field::user_agent]), std::move(scopes),
                    [respond, failure](authcore::Result<authcore::TokenPair> pair) {
                      if (!pair) return respond(failure(respond.to(), pair.error()));
                      respond(token_reply(respond.to(), *pair));
                    });
}

void Service::finish_refresh(std::string_view refresh_token, const authcore::ScopeSet& scopes, std::string_view client,
                             const Responder& respond, FailureReply failure) const {
  const auto pair = auth_.refresh(refresh_token, client, scopes);
  respond(pair ? token_reply(respond.to(), *pair) : failure(respond.to(), pair.error()));
}

std::optional<authcore::Claims> Service::authenticate(const Exchange& exchange, const Responder& respond,
                                                      const authcore::ScopeSet& required_scopes) const {
  auto authenticated =
      authcore::authenticate_header(auth_, exchange.request[http::field::authorization], required_scopes);
  if (!authenticated) {
    respond(bearer_refusal_reply(respond.to(), authenticated.refusal()));
    return std::nullopt;
  }
  return std::move(authenticated).claims();
}

void Service::me(const Exchange& exchange, Responder respond) const {
  const auto claims = authenticate(exchange, respond, kMeScope);
  if (!claims) return;
  const std::string_view username = *claims->subject();
  const auto changes = store_.session_changes();
  if (auto body = profiles_.find(username, changes)) {
    return respond(content_reply(respond.to(), http::status::ok, "application/json", std::move(*body)));
  }
  const auto user = store_.find_user(username);
  if (!user) return respond(failure_reply(respond.to(), user.error()));  // a deleted user is not_found: 401
  auto reply = json_reply(respond.to(), http::status::ok, user_json(*user));
  profiles_.remember(username, changes.generation, reply.body());
  respond(std::move(reply));
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
  if (!refresh_token) return respond(invalid_member(respond.to(), *fields, "refresh_token"));
  // Optional, to narrow the session's scope for this pair (RFC 6749 §6).
  authcore::ScopeSet scopes;
  if (const auto scope = fields->find("scope"); scope != fields->end() && !scope->is_null()) {
    if (!scope->is_string()) return respond(invalid_member(respond.to(), *fields, "scope"));
    scopes = authcore::parse_scope(scope->get_ref<const std::string&>());
  }
  finish_refresh(*refresh_token, scopes, exchange.client, respond, &failure_reply);
}

void Service::logout(const Exchange& exchange, Responder respond) const {
  const auto bearer = authcore::bearer_token(exchange.request[http::field::authorization]);
  if (!bearer) return respond(not_authenticated(respond.to()));
  const auto scope = parse_scope_query(exchange.request.target());
  if (const auto* refused = std::get_if<std::string>(&scope)) {
    return respond(error_reply(respond.to(), http::status::bad_request, *refused));
  }
  const auto ended = auth_.logout(bearer.token, std::get<authcore::LogoutScope>(scope), exchange.client);
  respond(ended ? empty_reply(respond.to(), http::status::no_content) : failure_reply(respond.to(), ended.error()));
}

void Service::sessions(const Exchange& exchange, Responder respond) const {
  if (!authenticate(exchange, respond, kMeScope)) return;
  const auto bearer = authcore::bearer_token(exchange.request[http::field::authorization]);
  const auto listed = auth_.sessions(bearer.token);
  if (!listed) return respond(failure_reply(respond.to(), listed.error()));
  auto body = json::array();
  for (const auto& session : *listed) body.push_back(json(authcore::session_json(session)));
  respond(json_reply(respond.to(), http::status::ok, body));
}

// Another user's session is 404 as an unknown one is: ids are not revealed.
void Service::end_session(const Exchange& exchange, Responder respond) const {
  if (!authenticate(exchange, respond, kMeScope)) return;
  const auto bearer = authcore::bearer_token(exchange.request[http::field::authorization]);
  const auto ended = auth_.end_session(bearer.token, exchange.parameters["id"], exchange.client);
  if (ended) return respond(empty_reply(respond.to(), http::status::no_content));
  if (ended.error().code == authcore::ErrorCode::not_found) {
    return respond(error_reply(respond.to(), http::status::not_found, "Session not found"));
  }
  respond(failure_reply(respond.to(), ended.error()));
}

// RFC 7009. `token_type_hint` is not needed: the token's `typ` says what it
// is (§2.1 lets the server ignore the hint).
void Service::revoke(const Exchange& exchange, Responder respond) const {
  auto fields = oauth_form(exchange, respond);
  if (!fields) return;
  const auto token = required_field(*fields, "token", respond);
  if (!token) return;
  const auto revoked = auth_.revoke(*token, exchange.client);
  // §2.2: a token that is not valid is answered 200 too (there is nothing
  // to revoke, and the client could do nothing with an error); a store
  // that does not answer is 503 (§2.2.1).
  if (!revoked) {
    auto refused = failure_reply(respond.to(), revoked.error());
    if (refused.result() == http::status::service_unavailable) return respond(std::move(refused));
  }
  respond(empty_reply(respond.to(), http::status::ok));
}

void Service::admin_users(const Exchange& exchange, Responder respond) const {
  if (!authenticate(exchange, respond, kAdminScope)) return;
  const auto users = store_.list_users();
  if (!users) return respond(failure_reply(respond.to(), users.error()));
  auto listed = json::array();
  for (const auto& user : *users) listed.push_back(user_json(user));
  respond(json_reply(respond.to(), http::status::ok, listed));
}

void Service::healthz(const Exchange&, Responder respond) const {
  if (const auto alive = store_.ping(); !alive) {
    return respond(error_reply(respond.to(), http::status::service_unavailable, "the user store is unavailable"));
  }
  respond(json_reply(respond.to(), http::status::ok, json{{"status", "ok"}}));
}

void Service::openapi_json(const Exchange&, Responder respond) const {
  respond(content_reply(respond.to(), http::status::ok, "application/json", openapi_document_));
}

void Service::docs(const Exchange&, Responder respond) const {
  respond(content_reply(respond.to(), http::status::ok, "text/html; charset=utf-8", docs_page_));
}

// Only the files SwaggerUiAssets read at start-up, by exact name: the
// request names no path on disk.
void Service::docs_asset(const Exchange& exchange, Responder respond) const {
  const SwaggerUiFile* file = options_.docs_assets->find(exchange.parameters["name"]);
  if (file == nullptr) return respond(error_reply(respond.to(), http::status::not_found, "Not Found"));
  auto response = content_reply(respond.to(), http::status::ok, file->content_type, file->body);
  response.set(http::field::cache_control, "public, max-age=3600");
  response.set("X-Content-Type-Options", "nosniff");
  respond(std::move(response));
}

// Liveness (a process that answers is alive): no store call, so a database
// outage never gets a healthy process restarted.
void Service::livez(const Exchange&, Responder respond) const {
  respond(json_reply(respond.to(), http::status::ok, json{{"status", "ok"}}));
}

// Readiness: whether this instance can serve a login now. The detail names
// each check by its outcome (an ErrorCode name, never a store's message,
// which may carry host names).
void Service::readyz(const Exchange&, Responder respond) const {
  const auto alive = store_.ping();
  const bool keys = !options_.keys_loaded || options_.keys_loaded();
  const json checks{{"store", alive ? "ok" : std::string(authcore::to_string(alive.error().code))},
                    {"keys", keys ? "ok" : "not loaded"}};
  if (alive && keys)
    return respond(json_reply(respond.to(), http::status::ok, json{{"status", "ok"}, {"checks", checks}}));
  respond(
      json_reply(respond.to(), http::status::service_unavailable, json{{"detail", "not ready"}, {"checks", checks}}));
}

// The Prometheus text format 0.0.4, read at scrape time: the counters plus
// the HashGate's load and the store's failures.
void Service::metrics(const Exchange&, Responder respond) const {
  const Metrics::Readings readings{auth_.options().hash_gate->stats(), store_.store_failures()};
  respond(
      content_reply(respond.to(), http::status::ok, prometheus::kContentType, options_.metrics->exposition(readings)));
}

}  // namespace authcore_server
