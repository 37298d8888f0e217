// The HTTP service of DESIGN §7 without the sockets: one complete request
// in, exactly one response out. The network layer (http_server.hpp), the
// tests and the fuzz target all drive it the same way.
#ifndef AUTHCORE_SERVER_SERVICE_HPP
#define AUTHCORE_SERVER_SERVICE_HPP

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "authcore/authenticator.hpp"
#include "authcore/user_store.hpp"
#include "cors.hpp"
#include "http_message.hpp"
#include "metrics.hpp"
#include "profile_cache.hpp"
#include "request_decoding.hpp"
#include "responder.hpp"
#include "route_table.hpp"
#include "swagger_ui.hpp"

namespace authcore_server {

/// Runs a piece of blocking work (a store call) somewhere that is not a
/// network thread. May throw when it cannot take the work (a pool that is
/// shutting down); the request is then answered 503.
using BlockingExecutor = std::function<void(std::function<void()>)>;

/// How the service runs.
struct ServiceOptions {
  /// Whether the store is reached over the network (PostgreSQL): then every
  /// route that reads it runs on the blocking executor. Default false.
  bool remote_store = false;
  /// Serve /openapi.json and Swagger UI at /docs, as FastAPI does. Default
  /// true; when false both are 404, as unknown paths are.
  bool docs = true;
  /// Swagger UI's files, served at /docs/assets/ for the /docs page. Default
  /// none: the page loads them from the jsDelivr CDN (pinned, with
  /// Subresource Integrity), so the browser needs to reach it.
  std::shared_ptr<const SwaggerUiAssets> docs_assets;
  /// The origins whose browser apps may call the service (--cors-origin).
  /// Default none: no CORS headers.
  CorsPolicy cors;
  /// Whether the signing keys are loaded, for /readyz; unset means they
  /// are (the Authenticator was given them). Default unset.
  std::function<bool()> keys_loaded;
  /// Where responses are counted and what GET /metrics reports. Default
  /// none: nothing is counted and /metrics is 404. Must outlive the service.
  Metrics* metrics = nullptr;
};

/// One request being served, as a handler sees it. The request outlives the
/// response: a handler that answers later may keep these views until then.
struct Exchange {
  const Request& request;
  std::string_view client;    ///< the client's address (throttling, logs)
  std::string_view path;      ///< the target without its query
  PathParameters parameters;  ///< the route's {name} segments
};

/// Routes requests to the Authenticator (DESIGN §7, FastAPI-compatible).
/// Thread-safe. Every error is JSON `{"detail": ...}`; a token failure is
/// always 401 with `WWW-Authenticate: Bearer error="invalid_token"`, never
/// 403 or 500.
class Service {
 public:
  /// Request bodies beyond this are 413.
  static constexpr std::size_t max_body_bytes = 64 * 1024;
  /// Request headers beyond this are 431.
  static constexpr std::size_t max_header_bytes = 8 * 1024;

  /// `blocking` runs store work off the network threads (see Runs);
  /// password work goes to the Authenticator's HashGate.
  Service(authcore::Authenticator& auth, authcore::UserStore& store, BlockingExecutor blocking,
          ServiceOptions options = {});

  /// Handles `request` from `client` (its address). `respond` is called
  /// exactly once, whatever happens: on this thread before handle() returns
  /// for most routes, later on another for password and store work; a
  /// handler that throws or whose work is dropped is answered 503.
  void handle(const Request& request, std::string_view client, std::function<void(Response)> respond) const;

  /// A handler: answers `exchange` through `respond`, now or later.
  using Handler = void (Service::*)(const Exchange& exchange, Responder respond) const;

  /// Every route the service can serve (DESIGN §7's table), each with its
  /// OpenAPI documentation.
  static const RouteTable<Handler>& routes() noexcept;
  /// The path of each row of routes(), in order: what Metrics counts by.
  static std::vector<std::string_view> route_patterns();

  /// Whether this service serves `route`: the documentation routes are off
  /// with `ServiceOptions::docs` false, and /docs/assets/ without
  /// `ServiceOptions::docs_assets`.
  bool serves(const Route<Handler>& route) const noexcept;

 private:
  void run(const Route<Handler>& route, const Exchange& exchange, const Responder& respond) const;
  void run_blocking(const Responder& respond, std::function<void()> work) const;
  bool runs_inline(Runs runs) const noexcept;
  void answer_unrouted(std::string_view path, const Request& request, const Responder& respond) const;

  // The routes (the table is in service.cpp).
  void signup(const Exchange& exchange, Responder respond) const;
  void token(const Exchange& exchange, Responder respond) const;
  void login(const Exchange& exchange, Responder respond) const;
  void me(const Exchange& exchange, Responder respond) const;
  void protected_hello(const Exchange& exchange, Responder respond) const;
  void refresh(const Exchange& exchange, Responder respond) const;
  void logout(const Exchange& exchange, Responder respond) const;
  void sessions(const Exchange& exchange, Responder respond) const;
  void end_session(const Exchange& exchange, Responder respond) const;
  void revoke(const Exchange& exchange, Responder respond) const;
  void healthz(const Exchange& exchange, Responder respond) const;
  void openapi_json(const Exchange& exchange, Responder respond) const;
  void docs(const Exchange& exchange, Responder respond) const;
  void docs_asset(const Exchange& exchange, Responder respond) const;
  void admin_users(const Exchange& exchange, Responder respond) const;
  void livez(const Exchange& exchange, Responder respond) const;
  void readyz(const Exchange& exchange, Responder respond) const;
  void metrics(const Exchange& exchange, Responder respond) const;

  /// `respond`, counting the response in ServiceOptions::metrics (by
  /// `route`, null when none serves the request) when there are metrics.
  std::function<void(Response)> metered(const Route<Handler>* route, http::verb method,
                                        std::function<void(Response)> respond) const;

  // The grants of the token endpoint (RFC 6749 §4.3 and §6).
  void password_grant(const Exchange& exchange, FormFields& fields, Responder respond) const;
  void refresh_grant(const Exchange& exchange, FormFields& fields, Responder respond) const;

  /// The claims of the request's bearer token when it carries
  /// `required_scopes`; when it has none or it is refused, answers as
  /// authcore::authenticate_header() says (401, 403 naming the scopes when
  /// only a scope is missing, 503) and returns nullopt.
  std::optional<authcore::Claims> authenticate(const Exchange& exchange, const Responder& respond,
                                               const authcore::ScopeSet& required_scopes = {}) const;
  /// How a route answers an authcore failure (failure_reply, or
  /// token_failure_reply at the token endpoint).
  using FailureReply = Response (*)(const ReplyTo& to, const authcore::Error& error);
  void start_login(std::string username, std::string password, authcore::ScopeSet scopes, const Exchange& exchange,
                   Responder respond, FailureReply failure) const;
  void finish_refresh(std::string_view refresh_token, const authcore::ScopeSet& scopes, std::string_view client,
                      const Responder& respond, FailureReply failure) const;
  Response taken(const Responder& respond, const std::string& username) const;

  authcore::Authenticator& auth_;
  authcore::UserStore& store_;
  BlockingExecutor blocking_;
  ServiceOptions options_;
  std::string openapi_document_;  // written once, from routes()
  std::string docs_page_;
  mutable ProfileCache profiles_;  // /users/me bodies, until the store's change generation moves
};

}  // namespace authcore_server

#endif
