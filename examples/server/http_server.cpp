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
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <cstdio>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace authcore_server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

// A connection's strand, typed: asking whether it runs in this thread, or
// posting to it, needs no type-erased executor copy.
using Strand = asio::strand<asio::io_context::executor_type>;

// RFC 6797 §7.2: only over TLS ("MUST NOT" over plain HTTP). Two years, as
// Mozilla recommends; no includeSubDomains or preload, which commit other
// hosts of the domain the server cannot speak for.
constexpr const char* kStrictTransportSecurity = "max-age=63072000";
// How long a closing TLS connection waits for the client's close_notify.
constexpr auto kTlsShutdownTimeout = std::chrono::seconds(2);
// How long a refused request's connection reads and discards what follows.
constexpr auto kLingerTimeout = std::chrono::seconds(2);

// Deadlines. Beast's tcp_stream timeouts arm a timer for every read and
// write and cancel it when the operation ends: four timer operations per
// request, each through the io_context's one lock, which two network
// threads then fight over (perf, docs/performance.md). Here a connection
// only stores when what it waits for is overdue, and one timer of the
// server checks all of them every kSweepInterval. Timeouts are whole
// seconds, so enforcing them up to kSweepInterval late changes nothing a
// client can rely on.
constexpr auto kSweepInterval = std::chrono::milliseconds(200);
constexpr SteadyClock::rep kNoDeadline = std::numeric_limits<SteadyClock::rep>::max();

std::vector<std::string_view> field_values(const Request& request, std::string_view name) {
  std::vector<std::string_view> values;
  for (auto [field, end] = request.equal_range(name); field != end; ++field) values.push_back(field->value());
  return values;
}

/// One client connection over `Stream` (plain TCP or TLS over it): reads a
/// request, hands it to the Service, writes the response, and loops while
/// keep-alive holds. All of its handlers run on its strand; a response
/// produced on another thread is posted back. The two streams differ only
/// where TLS has its own step: the handshake, HSTS, and the closing
/// close_notify.
template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  /// `strand` is the one `socket` was accepted on. `tls` is the
  /// ssl::context for a TlsStream, nothing for a PlainStream.
  template <class... TlsContext>
  Session(tcp::socket socket, Strand strand, HttpServer& server, TlsContext&... tls)
      : stream_(std::move(socket), tls...), strand_(std::move(strand)), server_(server), peer_(peer_address()) {
    client_ = peer_ ? peer_->to_string() : std::string();
  }

  // weak_from_this() still names this connection's control block here, which
  // is all the server's owner-ordered set needs to find it.
  ~Session() override { server_.forget(this->weak_from_this()); }

  void start() override {
    beast::error_code ignored;
    lowest().socket().set_option(tcp::no_delay(true), ignored);
    asio::dispatch(strand_, [self = this->shared_from_this()] { self->handshake(); });
  }

  void stop_if_idle() override {
    asio::post(strand_, [self = this->shared_from_this()] {
      if (self->reading_) self->drop();
    });
  }

  // Called by the server's sweep, on its own strand: the deadline is read
  // there, and checked again on this connection's strand, where it is set.
  void expire_if_overdue(SteadyClock::time_point now) override {
    if (!overdue(now)) return;
    asio::post(strand_, [self = this->shared_from_this(), now] {
      if (!self->overdue(now)) return;
      self->disarm();
      self->drop();
    });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // The connection closes if it is still waiting `timeout` from now.
  void arm(std::chrono::seconds timeout) {
    deadline_.store((SteadyClock::now() + timeout).time_since_epoch().count(), std::memory_order_relaxed);
  }
  void disarm() { deadline_.store(kNoDeadline, std::memory_order_relaxed); }
  bool overdue(SteadyClock::time_point now) const {
    return deadline_.load(std::memory_order_relaxed) <= now.time_since_epoch().count();
  }

  // A response produced on this connection's strand (a handler that ran
  // inline) is written at once; one from another thread is posted back.
  bool on_strand() const { return strand_.running_in_this_thread(); }

  std::optional<asio::ip::address> peer_address() {
    beast::error_code ec;
    const auto endpoint = lowest().socket().remote_endpoint(ec);
    if (ec) return std::nullopt;
    return endpoint.address();
  }

  // A client that does not finish its handshake in time, speaks plain HTTP
  // to the TLS port, or offers nothing acceptable (TLS 1.1, no common
  // suite) is dropped without an HTTP response.
  void handshake() {
    if constexpr (is_tls<Stream>) {
      reading_ = true;
      arm(server_.config().handshake_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->drop();
        self->read_head();
      });
    } else {
      read_head();
    }
  }

  void read_head() {
    if (server_.stopping()) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(Service::max_header_bytes));
    parser_->body_limit(Service::max_body_bytes);
    reading_ = true;
    arm(server_.config().read_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_head(ec); });
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
                        [self = this->shared_from_this(), interim](beast::error_code write_ec, std::size_t) {
                          if (write_ec) return self->drop();
                          self->read_body();
                        });
      return;
    }
    // A request without a body is whole once its head is: no read to wait for.
    if (parser_->is_done()) return on_body({});
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    reading_ = false;
    disarm();
    request_ = parser_->release();
    identify_client();
    // The response may come back on a HashGate or blocking-pool thread. That
    // thread touches only the io_context, which a work guard keeps running
    // until the response is posted: the connection (and its strand) travel
    // inside the posted handler, moved rather than copied, so nothing of
    // theirs is released, or destroyed, off the network threads, where the
    // io_context might already be gone.
    asio::io_context& io = server_.io();
    server_.service().handle(
        request_, client_,
        [&io, self = this->shared_from_this(), work = asio::make_work_guard(io)](Response response) mutable {
          if (self->on_strand()) {
            self->write(std::move(response));
          } else {
            asio::post(io, [self = std::move(self), response = std::move(response)]() mutable {
              const Strand strand = self->strand_;
              asio::dispatch(strand, [self = std::move(self), response = std::move(response)]() mutable {
                self->write(std::move(response));
              });
            });
          }
          work.reset();
        });
  }

  // Behind a trusted proxy the client is the hop it forwarded (throttling,
  // security events and the access log all use it); otherwise the peer.
  void identify_client() {
    const auto& proxies = server_.config().trusted_proxies;
    if (proxies.empty() || !peer_) return;
    client_ = proxies.client(*peer_, field_values(request_, "Forwarded"), field_values(request_, "X-Forwarded-For"));
  }

  void on_read_error(beast::error_code ec) {
    reading_ = false;
    if (ec == http::error::header_limit)
      return reject(http::status::request_header_fields_too_large, "Request header fields too large");
    if (ec == http::error::body_limit) return reject(http::status::payload_too_large, "Request body too large");
    const bool client_went_away = ec == http::error::end_of_stream || ec == asio::error::eof ||
                                  ec == asio::error::connection_reset || ec == beast::error::timeout ||
                                  ec == asio::error::operation_aborted || ec == asio::ssl::error::stream_truncated;
    if (client_went_away || buffer_.size() == 0) return drop();
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
    if constexpr (is_tls<Stream>) response.set(http::field::strict_transport_security, kStrictTransportSecurity);
    log(response.result_int());
    response_ = std::move(response);
    arm(server_.config().read_timeout);
    http::async_write(stream_, response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->drop();
      if (self->lingering_) return self->linger();
      if (!self->response_.keep_alive()) return self->close();
      self->read_head();
    });
  }

  // RFC 9112 §9.6: after refusing a request whose body is still arriving,
  // closing at once would make the client's TCP reset the connection and
  // lose the response. So stop sending, read and discard what the client
  // still sends (bounded in time and bytes), then close. Over TLS the
  // sending side stays open (a TCP half-close there would cut the TLS
  // stream); the client reads the response while it finishes sending.
  void linger() {
    if constexpr (!is_tls<Stream>) {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    arm(kLingerTimeout);
    drain(0);
  }

  void drain(std::size_t discarded) {
    constexpr std::size_t kMaxDiscard = 1 << 20;
    if (discarded > kMaxDiscard) return drop();
    stream_.async_read_some(asio::buffer(discard_),
                            [self = this->shared_from_this(), discarded](beast::error_code ec, std::size_t bytes) {
                              if (ec) return self->drop();
                              self->drain(discarded + bytes);
                            });
  }

  void log(unsigned status) const {
    if (!server_.config().log_requests) return;
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started_).count();
    const std::string_view target = request_.target();
    const std::string_view path = target.substr(0, target.find('?'));
    char line[600];
    const int length = std::snprintf(
        line, sizeof line, "%.*s %s %.*s %u %lldus\n", static_cast<int>(std::min<std::size_t>(client_.size(), 64)),
        client_.data(), std::string(request_.method_string()).c_str(),
        static_cast<int>(std::min<std::size_t>(path.size(), 200)), path.data(), status, static_cast<long long>(micros));
    // One write(2) per line keeps lines whole when threads log together.
    if (length > 0)
      (void)::write(STDERR_FILENO, line, static_cast<std::size_t>(std::min<int>(length, sizeof line - 1)));
  }

  // The end of a connection that served its last response: over TLS,
  // close_notify first (RFC 8446 §6.1), waiting a bounded time for the
  // client's.
  void close() {
    if constexpr (is_tls<Stream>) {
      arm(kTlsShutdownTimeout);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->drop(); });
    } else {
      drop();
    }
  }

  // Closes the socket at once (the client went away, or never spoke).
  void drop() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().socket().close(ignored);
  }

  Stream stream_;
  const Strand strand_;
  HttpServer& server_;
  const std::optional<asio::ip::address> peer_;
  std::string client_;  // the peer, or the client a trusted proxy forwarded for
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request request_;
  Response response_;  // the one being written
  std::atomic<SteadyClock::rep> deadline_{kNoDeadline};
  SteadyClock::time_point started_{};
  bool reading_ = false;
  bool lingering_ = false;
  std::array<char, 4096> discard_{};
};

}  // namespace

HttpServer::HttpServer(asio::io_context& io, const Service& service, HttpServerConfig config)
    : io_(io),
      service_(service),
      config_(std::move(config)),
      acceptor_(io),
      retry_timer_(io),
      sweep_strand_(asio::make_strand(io)),
      sweep_timer_(sweep_strand_) {
  const tcp::endpoint endpoint(asio::ip::make_address(config_.host), config_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

HttpServer::~HttpServer() = default;

tcp::endpoint HttpServer::endpoint() const { return acceptor_.local_endpoint(); }

void HttpServer::start() {
  accept();
  asio::dispatch(sweep_strand_, [this] { sweep_deadlines(); });
}

HttpServer::ConnectionCounts HttpServer::take_connection_counts() {
  const std::lock_guard lock(connections_mutex_);
  const ConnectionCounts counts{connections_.size(), peak_connections_};
  peak_connections_ = connections_.size();
  return counts;
}

void HttpServer::accept() {
  auto strand = asio::make_strand(io_);
  acceptor_.async_accept(strand, [this, strand](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopping()) return;
    if (ec) return accept_after_failure();
    std::shared_ptr<Connection> connection;
    if (config_.tls) {
      connection = std::make_shared<Session<TlsStream>>(std::move(socket), strand, *this, *config_.tls);
    } else {
      connection = std::make_shared<Session<PlainStream>>(std::move(socket), strand, *this);
    }
    {
      const std::lock_guard lock(connections_mutex_);
      connections_.insert(connection);
      peak_connections_ = std::max(peak_connections_, connections_.size());
    }
    connection->start();
    accept();
  });
}

// Runs on sweep_strand_ until the server has drained.
void HttpServer::sweep_deadlines() {
  const auto now = SteadyClock::now();
  // Checked outside the lock: the last reference to a connection may be
  // released here, and its destructor takes the lock (forget()).
  std::vector<std::shared_ptr<Connection>> open;
  {
    const std::lock_guard lock(connections_mutex_);
    if (stopping() && connections_.empty()) return;
    open.reserve(connections_.size());
    for (const auto& weak : connections_) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (const auto& connection : open) connection->expire_if_overdue(now);
  open.clear();
  sweep_timer_.expires_after(kSweepInterval);
  sweep_timer_.async_wait([this](beast::error_code ec) {
    if (!ec) sweep_deadlines();
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
  if (!drained) return;
  asio::post(sweep_strand_, [this] { sweep_timer_.cancel(); });
  asio::post(io_, std::move(drained));
}

}  // namespace authcore_server
