#include "http_server.hpp"

#include <unistd.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

namespace authcore_server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

/// One client connection: reads a request, hands it to the Service, writes
/// the response, and loops while keep-alive holds. All of its handlers run
/// on its strand; a response produced on another thread is posted back.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, HttpServer& server)
      : stream_(std::move(socket)), server_(server), client_(peer_address()) {}

  // weak_from_this() still names this connection's control block here, which
  // is all the server's owner-ordered set needs to find it.
  ~Connection() { server_.forget(weak_from_this()); }

  void start() {
    stream_.socket().set_option(tcp::no_delay(true));
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_head(); });
  }

  /// Closes the connection if it is waiting for a request; a request being
  /// handled is answered first (and then the connection closes).
  void stop_if_idle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->reading_) self->close();
    });
  }

 private:
  std::string peer_address() const {
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    return ec ? std::string() : endpoint.address().to_string();
  }

  void read_head() {
    if (server_.stopping()) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(Service::max_header_bytes));
    parser_->body_limit(Service::max_body_bytes);
    reading_ = true;
    stream_.expires_after(server_.config().read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_head(ec); });
  }

  void on_head(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    started_ = SteadyClock::now();
    const auto& head = parser_->get();
    if (const auto length = parser_->content_length(); length && *length > Service::max_body_bytes) {
      return reject(http::status::payload_too_large, "Request body too large");
    }
    // RFC 9110 §10.1.1: a client that asked to wait for 100 Continue gets it
    // before the body is read.
    if (beast::iequals(head[http::field::expect], "100-continue")) {
      auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, head.version());
      http::async_write(stream_, *interim,
                        [self = shared_from_this(), interim](beast::error_code write_ec, std::size_t) {
                          if (write_ec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    reading_ = false;
    stream_.expires_never();
    request_ = parser_->release();
    // The response may come back on a HashGate or blocking-pool thread. That
    // thread touches only the io_context, which a work guard keeps running
    // until the response is posted: the connection (and its strand) travel
    // inside the posted handler, moved rather than copied, so nothing of
    // theirs is released, or destroyed, off the network threads, where the
    // io_context might already be gone.
    asio::io_context& io = server_.io();
    server_.service().handle(
        request_, client_,
        [&io, self = shared_from_this(), work = asio::make_work_guard(io)](Response response) mutable {
          asio::post(io, [self = std::move(self), response = std::move(response)]() mutable {
            const auto strand = self->stream_.get_executor();
            asio::dispatch(strand, [self = std::move(self), response = std::move(response)]() mutable {
              self->write(std::move(response));
            });
          });
          work.reset();
        });
  }

  void on_read_error(beast::error_code ec) {
    reading_ = false;
    if (ec == http::error::header_limit)
      return reject(http::status::request_header_fields_too_large, "Request header fields too large");
    if (ec == http::error::body_limit) return reject(http::status::payload_too_large, "Request body too large");
    const bool client_went_away = ec == http::error::end_of_stream || ec == asio::error::eof ||
                                  ec == asio::error::connection_reset || ec == beast::error::timeout ||
                                  ec == asio::error::operation_aborted;
    if (client_went_away || buffer_.size() == 0) return close();
    reject(http::status::bad_request, "Malformed HTTP request");
  }

  // A request that cannot be read to its end is answered and the connection
  // closed: what follows on it cannot be trusted to start a new request.
  void reject(http::status status, const char* detail) {
    reading_ = false;
    started_ = SteadyClock::now();
    request_ = {};
    request_.method_string("-");
    lingering_ = true;
    Response response{status, 11};
    response.keep_alive(false);
    response.set(http::field::content_type, "application/json");
    response.body() = std::string(R"({"detail":")") + detail + "\"}";
    response.prepare_payload();
    write(std::move(response));
  }

  void write(Response response) {
    if (server_.stopping()) response.keep_alive(false);
    log(response.result_int());
    auto shared = std::make_shared<Response>(std::move(response));
    stream_.expires_after(server_.config().read_timeout);
    http::async_write(stream_, *shared, [self = shared_from_this(), shared](beast::error_code ec, std::size_t) {
      if (!ec && self->lingering_) return self->linger();
      if (ec || !shared->keep_alive()) return self->close();
      self->read_head();
    });
  }

  // RFC 9112 §9.6: after refusing a request whose body is still arriving,
  // closing at once would make the client's TCP reset the connection and
  // lose the response. So stop sending, read and discard what the client
  // still sends (bounded in time and bytes), then close.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    drain(0);
  }

  void drain(std::size_t discarded) {
    constexpr std::size_t kMaxDiscard = 1 << 20;
    if (discarded > kMaxDiscard) return close();
    stream_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this(), discarded](beast::error_code ec, std::size_t bytes) {
                              if (ec) return self->close();
                              self->drain(discarded + bytes);
                            });
  }

  void log(unsigned status) const {
    if (!server_.config().log_requests) return;
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started_).count();
    const std::string_view target = request_.target();
    const std::string_view path = target.substr(0, target.find('?'));
    char line[512];
    const int length = std::snprintf(
        line, sizeof line, "%s %.*s %u %lldus\n", std::string(request_.method_string()).c_str(),
        static_cast<int>(std::min<std::size_t>(path.size(), 200)), path.data(), status, static_cast<long long>(micros));
    // One write(2) per line keeps lines whole when threads log together.
    if (length > 0)
      (void)::write(STDERR_FILENO, line, static_cast<std::size_t>(std::min<int>(length, sizeof line - 1)));
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  HttpServer& server_;
  const std::string client_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request request_;
  SteadyClock::time_point started_{};
  bool reading_ = false;
  bool lingering_ = false;
  std::array<char, 4096> discard_{};
};

HttpServer::HttpServer(asio::io_context& io, const Service& service, HttpServerConfig config)
    : io_(io), service_(service), config_(std::move(config)), acceptor_(io), retry_timer_(io) {
  const tcp::endpoint endpoint(asio::ip::make_address(config_.host), config_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

HttpServer::~HttpServer() = default;

tcp::endpoint HttpServer::endpoint() const { return acceptor_.local_endpoint(); }

void HttpServer::start() { accept(); }

HttpServer::ConnectionCounts HttpServer::take_connection_counts() {
  const std::lock_guard lock(connections_mutex_);
  const ConnectionCounts counts{connections_.size(), peak_connections_};
  peak_connections_ = connections_.size();
  return counts;
}

void HttpServer::accept() {
  acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopping()) return;
    if (ec) return accept_after_failure();
    auto connection = std::make_shared<Connection>(std::move(socket), *this);
    {
      const std::lock_guard lock(connections_mutex_);
      connections_.insert(connection);
      peak_connections_ = std::max(peak_connections_, connections_.size());
    }
    connection->start();
    accept();
  });
}

// Out of file descriptors (or another transient failure): try again a little
// later instead of spinning, and keep serving the connections there are.
void HttpServer::accept_after_failure() {
  retry_timer_.expires_after(std::chrono::milliseconds(50));
  retry_timer_.async_wait([this](beast::error_code ec) {
    if (!ec && !stopping()) accept();
  });
}

void HttpServer::shutdown(std::function<void()> on_drained) {
  {
    const std::lock_guard lock(connections_mutex_);
    on_drained_ = std::move(on_drained);
  }
  stopping_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
  });
  // Closing idle connections may drop the last one; forget() then reports
  // the drain. With none open it is reported from here.
  std::vector<std::shared_ptr<Connection>> open;
  {
    const std::lock_guard lock(connections_mutex_);
    for (const auto& weak : connections_) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (const auto& connection : open) connection->stop_if_idle();
  open.clear();
  report_if_drained();
}

void HttpServer::forget(const std::weak_ptr<Connection>& connection) {
  {
    const std::lock_guard lock(connections_mutex_);
    connections_.erase(connection);
  }
  report_if_drained();
}

void HttpServer::report_if_drained() {
  std::function<void()> drained;
  {
    const std::lock_guard lock(connections_mutex_);
    if (stopping() && connections_.empty()) drained = std::exchange(on_drained_, nullptr);
  }
  if (drained) asio::post(io_, std::move(drained));
}

}  // namespace authcore_server
