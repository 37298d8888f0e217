// The network side of authcore-server: Boost.Beast over Asio, one
// io_context run by a thread per core, a strand per connection, keep-alive,
// TCP_NODELAY, plain HTTP or TLS, limits and timeouts on what clients send,
// and a shutdown that lets requests in flight finish (DESIGN §7).
#ifndef AUTHCORE_SERVER_HTTP_SERVER_HPP
#define AUTHCORE_SERVER_HTTP_SERVER_HPP

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "client_address.hpp"
#include "service.hpp"

namespace authcore_server {

struct HttpServerConfig {
  std::string host = "127.0.0.1";
  unsigned short port = 8000;  ///< 0 picks a free port (see HttpServer::endpoint())
  /// A request's head and body must arrive within this; an idle keep-alive
  /// connection is closed after it.
  std::chrono::seconds read_timeout{15};
  bool log_requests = true;  ///< one line per request on stderr
  /// When set, every connection is TLS (tls_context.hpp) and every response
  /// carries Strict-Transport-Security. Default unset: plain HTTP.
  std::shared_ptr<boost::asio::ssl::context> tls;
  /// A TLS handshake must complete within this, or the connection closes.
  std::chrono::seconds handshake_timeout{10};
  /// Peers whose Forwarded / X-Forwarded-For headers name the client
  /// (--trusted-proxy). Default none: the client is always the peer.
  TrustedProxies trusted_proxies;
};

/// What the server knows of an open connection (http_server.cpp).
class Connection {
 public:
  virtual ~Connection() = default;
  /// Begins the connection's work (a TLS handshake, then reading requests).
  virtual void start() = 0;
  /// Closes the connection if it is waiting for a request (or a TLS
  /// handshake); a request being handled is answered first (and then the
  /// connection closes).
  virtual void stop_if_idle() = 0;
  /// Closes the connection if what it waits for (a handshake, a request, the
  /// client reading a response) is overdue at `now`.
  virtual void expire_if_overdue(std::chrono::steady_clock::time_point now) = 0;
};

class HttpServer {
 public:
  /// Binds and listens at once (throws boost::system::system_error when the
  /// address is taken); start() begins accepting.
  HttpServer(boost::asio::io_context& io, const Service& service, HttpServerConfig config);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Where it listens (the real port when the config asked for 0).
  boost::asio::ip::tcp::endpoint endpoint() const;
  void start();
  /// Stops accepting, closes idle connections, and lets every request
  /// already received be answered (its connection then closes).
  /// `on_drained` runs once the last connection is gone.
  void shutdown(std::function<void()> on_drained);

  /// How many connections are open, and the most there were at once since
  /// the previous call (for the memory trim of the maintenance timer).
  struct ConnectionCounts {
    std::size_t open;
    std::size_t peak;
  };
  ConnectionCounts take_connection_counts();

  // For connections.
  const Service& service() const noexcept { return service_; }
  boost::asio::io_context& io() const noexcept { return io_; }
  const HttpServerConfig& config() const noexcept { return config_; }
  bool stopping() const noexcept { return stopping_.load(); }
  /// Called by a connection as it is destroyed.
  void forget(const std::weak_ptr<Connection>& connection);

 private:
  void accept();
  void accept_after_failure();
  void sweep_deadlines();
  void report_if_drained();

  boost::asio::io_context& io_;
  const Service& service_;
  const HttpServerConfig config_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  // Enforces every connection's deadline (http_server.cpp: "Deadlines");
  // its handlers run on sweep_strand_, so shutdown can cancel it safely.
  boost::asio::strand<boost::asio::io_context::executor_type> sweep_strand_;
  boost::asio::steady_timer sweep_timer_;
  std::size_t peak_connections_ = 0;  // since take_connection_counts(); guarded by connections_mutex_
  std::atomic<bool> stopping_{false};
  std::mutex connections_mutex_;
  std::set<std::weak_ptr<Connection>, std::owner_less<std::weak_ptr<Connection>>> connections_;
  std::function<void()> on_drained_;
};

}  // namespace authcore_server

#endif
