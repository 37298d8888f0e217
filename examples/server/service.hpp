// The HTTP service of DESIGN §7 without the sockets: one complete request
// in, exactly one response out. The network layer (http_server.hpp), the
// tests and the fuzz target all drive it the same way.
#ifndef AUTHCORE_SERVER_SERVICE_HPP
#define AUTHCORE_SERVER_SERVICE_HPP

#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "authcore/authenticator.hpp"
#include "authcore/user_store.hpp"

namespace authcore_server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// Runs a piece of blocking work (a store write) somewhere that is not a
/// network thread.
using BlockingExecutor = std::function<void(std::function<void()>)>;

/// Routes requests to the Authenticator (DESIGN §7, FastAPI-compatible).
/// Thread-safe. Every response is JSON `{"detail": ...}` on error, and a
/// token failure is always 401 with `WWW-Authenticate: Bearer
/// error="invalid_token"`, never 403 or 500.
class Service {
 public:
  /// Request bodies beyond this are 413.
  static constexpr std::size_t max_body_bytes = 64 * 1024;
  /// Request headers beyond this are 431.
  static constexpr std::size_t max_header_bytes = 8 * 1024;

  /// `blocking` runs store writes (refresh, logout) off the calling thread;
  /// password work goes to the Authenticator's HashGate.
  Service(authcore::Authenticator& auth, authcore::UserStore& store, BlockingExecutor blocking);

  /// Handles `request` from `client` (its address, for login throttling).
  /// `respond` is called exactly once: before handle() returns for most
  /// routes, later from another thread for password and store-write routes.
  void handle(const Request& request, const std::string& client, std::function<void(Response)> respond) const;

 private:
  using Respond = std::function<void(Response)>;

  void signup(const Request& request, Respond respond) const;
  void token(const Request& request, const std::string& client, Respond respond) const;
  void login(const Request& request, const std::string& client, Respond respond) const;
  void start_login(std::string username, std::string password, const std::string& client, unsigned version,
                   bool keep_alive, Respond respond) const;
  /// The claims of the request's bearer token, or the 401 that refuses it.
  std::variant<authcore::Claims, Response> authenticated(const Request& request) const;
  Response me(const Request& request) const;
  Response protected_hello(const Request& request) const;
  void refresh(const Request& request, const std::string& client, Respond respond) const;
  void logout(const Request& request, const std::string& client, Respond respond) const;
  Response healthz(const Request& request) const;

  authcore::Authenticator& auth_;
  authcore::UserStore& store_;
  BlockingExecutor blocking_;
};

}  // namespace authcore_server

#endif
