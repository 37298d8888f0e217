// Fuzzes authcore-server over TLS, through its real network layer: the
// HttpServer of examples/server (Beast's ssl_stream over OpenSSL, the
// session loop with keep-alive, pipelining, 100-continue, the 413 linger and
// the closing close_notify) listens on 127.0.0.1 in this process with the
// server's TLS context, and each input is written by a TLS client on a new
// connection as one stream of (possibly pipelined) requests, after which the
// client closes its sending side.
//
// Invariants, checked on the bytes the client reads back: every response
// parses, and every final one carries Strict-Transport-Security; never a 5xx
// other than 503; every error body is JSON with a "detail"; exactly one
// response per request the server's own parser reads whole (up to the first
// that does not keep the connection alive), plus at most one refusal of what
// follows (400, 413, 431); nothing else on the wire; and the connection ends
// within seconds (no hang). The certificate and key are
// AUTHCORE_FUZZ_TLS_DIR/server.pem and server.key, which tests/fuzz/run.sh
// makes with tests/support/make_test_certificates.sh.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http_server.hpp"
#include "server_fuzz_world.hpp"
#include "tls_context.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using authcore_server::Service;

// Longer than any input takes (a handshake and a few fast requests), far
// shorter than the server's read timeout, and shorter than run.sh's
// -timeout, so that a hang is reported as one.
constexpr auto kConnectionDeadline = std::chrono::seconds(5);

std::string tls_file(const char* name) {
  const char* dir = std::getenv("AUTHCORE_FUZZ_TLS_DIR");
  if (dir == nullptr) {
    std::fputs("server_tls_fuzz: set AUTHCORE_FUZZ_TLS_DIR (tests/fuzz/run.sh does)\n", stderr);
    std::exit(2);
  }
  return std::string(dir) + "/" + name;
}

/// The server, listening on a free port of 127.0.0.1 with its own network
/// thread. Never destroyed: the thread runs until the process exits.
struct TlsServer {
  authcore_fuzz::ServerWorld world;
  asio::io_context io;
  authcore_server::HttpServer server{
      io, world.service, [] {
        authcore_server::HttpServerConfig config;
        config.port = 0;
        config.log_requests = false;
        config.tls = authcore_server::make_tls_context({tls_file("server.pem"), tls_file("server.key")});
        return config;
      }()};
  std::thread network;

  TlsServer() {
    server.start();
    network = std::thread([this] { io.run(); });
  }
};

tcp::endpoint server_endpoint() {
  static auto* running = new TlsServer;  // reachable for LeakSanitizer; see TlsServer
  return running->server.endpoint();
}

/// What the server must answer to `bytes`, from the server's own parser
/// with the server's limits, request after request.
struct Expected {
  std::size_t whole_requests = 0;  // each gets exactly one response
  std::vector<bool> head;          // which of them are HEAD (no body in their response)
  bool refusal_possible = false;   // what follows the last may get one refusal
};

Expected expected_responses(std::string_view bytes) {
  Expected expected;
  while (!bytes.empty()) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(Service::max_header_bytes));
    parser.body_limit(Service::max_body_bytes);
    parser.eager(true);
    beast::error_code ec;
    const std::size_t used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec || !parser.is_done()) {
      expected.refusal_possible = true;
      return expected;
    }
    ++expected.whole_requests;
    expected.head.push_back(parser.get().method() == http::verb::head);
    if (!parser.get().keep_alive()) return expected;
    bytes.remove_prefix(used);
  }
  return expected;
}

/// Writes `bytes` on a new TLS connection, half-closes it and returns all it
/// reads until the server closes. Reading runs alongside writing, so that a
/// server blocked on a large response never stalls the client's write.
std::string exchange(std::string_view bytes) {
  asio::io_context io;
  // The certificate is not verified: this is about what the server does
  // with requests (tls_test.py checks what clients verify).
  asio::ssl::context context(asio::ssl::context::tls_client);
  asio::ssl::stream<tcp::socket> stream(io, context);
  std::string received;
  std::array<char, 16384> chunk{};
  std::function<void()> read_more = [&] {
    stream.async_read_some(asio::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
      received.append(chunk.data(), n);
      if (!ec) read_more();
    });
  };
  stream.next_layer().async_connect(server_endpoint(), [&](beast::error_code ec) {
    if (ec) std::abort();  // the server is gone
    stream.async_handshake(asio::ssl::stream_base::client, [&](beast::error_code handshake_ec) {
      if (handshake_ec) std::abort();
      read_more();
      asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()), [&](beast::error_code, std::size_t) {
        // A TCP half-close, not close_notify: Asio's shutdown would wait for
        // the server's close_notify and stop reading responses meanwhile.
        beast::error_code ignored;
        stream.next_layer().shutdown(tcp::socket::shutdown_send, ignored);
      });
    });
  });
  io.run_for(kConnectionDeadline);
  if (!io.stopped()) {
    std::fputs("server_tls_fuzz: the connection did not end in time\n", stderr);
    std::abort();
  }
  return received;
}

/// Checks every response in `wire` against `expected`.
void check_responses(std::string_view wire, const Expected& expected) {
  std::size_t answered = 0;  // final (non-1xx) responses
  while (!wire.empty()) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);  // Swagger UI's bundle is over a megabyte
    const bool head = answered < expected.head.size() && expected.head[answered];
    parser.skip(head);
    parser.eager(true);
    beast::error_code ec;
    const std::size_t used = parser.put(asio::buffer(wire.data(), wire.size()), ec);
    if (ec || !parser.is_done()) std::abort();  // a response cut short, or not HTTP
    wire.remove_prefix(used);
    const auto& response = parser.get();
    if (response.result_int() < 200) continue;  // 100 Continue, then the response
    if (response[http::field::strict_transport_security].empty()) std::abort();
    authcore_fuzz::check_response(response.result_int(), response.body(), head);
    ++answered;
  }
  const std::size_t most = expected.whole_requests + (expected.refusal_possible ? 1 : 0);
  if (answered < expected.whole_requests || answered > most) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_responses(exchange(bytes), expected_responses(bytes));
  return 0;
}
