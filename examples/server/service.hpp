// The HTTP service of DESIGN §7 without the sockets: one complete request
// in, exactly one response out. The network layer (http_server.hpp), the
// tests and the fuzz target all drive it the same way.
#ifndef AUTHCORE_SERVER_SERVICE_HPP
#define AUTHCORE_SERVER_SERVICE_HPP

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "authcore/authenticator.hpp"
#include "authcore/user_store.hpp"
#include "http_message.hpp"
#include "metrics.hpp"
#include "responder.hpp"
#include "route_table.hpp"

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

  /// Every route the service serves (DESIGN §7's table).
  static const RouteTable<Handler>& routes() noexcept;

 private:
  void run(const Route<Handler>& route, const Exchange& exchange, const Responder& respond) const;
  bool runs_inline(Runs runs) const noexcept;

  // The routes (the table is in service.cpp).
  void signup(const Exchange& exchange, Responder respond) const;
  void token(const Exchange& exchange, Responder respond) const;
  void login(const Exchange& exchange, Responder respond) const;
  void me(const Exchange& exchange, Responder respond) const;
  void protected_hello(const Exchange& exchange, Responder respond) const;
  void refresh(const Exchange& exchange, Responder respond) const;
  void logout(const Exchange& exchange, Responder respond) const;
  void healthz(const Exchange& exchange, Responder respond) const;
  void metrics(const Exchange& exchange, Responder respond) const;

  /// `respond`, counting the response in ServiceOptions::metrics (by
  /// `route`, null when none serves the request) when there are metrics.
  std::function<void(Response)> metered(const Route<Handler>* route, http::verb method,
                                        std::function<void(Response)> respond) const;

  /// The claims of the request's bearer token; when it has none or it is
  /// refused, answers 401 and returns nullopt.
  std::optional<authcore::Claims> authenticate(const Exchange& exchange, const Responder& respond) const;
  void start_login(std::string username, std::string password, std::string_view client, Responder respond) const;

  authcore::Authenticator& auth_;
  authcore::UserStore& store_;
  BlockingExecutor blocking_;
  ServiceOptions options_;
};

}  // namespace authcore_server

#endif
