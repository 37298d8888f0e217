#include "server/server_harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "support/catch.hpp"
#include "support/test_support.hpp"

namespace authcore::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kTimeout = std::chrono::seconds(30);

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return text;
}

HttpReply to_reply(const http::response<http::string_body>& response) {
  HttpReply reply;
  reply.status = static_cast<int>(response.result_int());
  for (const auto& field : response)
    reply.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  reply.body = response.body();
  return reply;
}

// Reads one response from a connected stream.
// `head`: the reply to a HEAD request, which has no body whatever its
// Content-Length says (RFC 9110 §9.3.2).
HttpReply read_reply(beast::tcp_stream& stream, bool head = false) {
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  parser.skip(head);
  http::read(stream, buffer, parser);
  return to_reply(parser.get());
}

// The first line the server prints: "... listening on http://127.0.0.1:PORT ...".
unsigned short read_port(int fd) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (line.find('\n') == std::string::npos) {
    pollfd ready{fd, POLLIN, 0};
    if (std::chrono::steady_clock::now() > deadline || ::poll(&ready, 1, 1000) < 0) break;
    char chunk[256];
    const ssize_t got = (ready.revents & (POLLIN | POLLHUP)) ? ::read(fd, chunk, sizeof chunk) : 0;
    if (got < 0 && errno == EINTR) continue;
    if (got == 0 && (ready.revents & POLLHUP)) break;
    if (got > 0) line.append(chunk, static_cast<std::size_t>(got));
  }
  const auto colon = line.rfind(':', line.find(" ("));
  if (line.find("listening on") == std::string::npos || colon == std::string::npos) {
    throw std::runtime_error("authcore-server did not start: " + line);
  }
  return static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
}

// With $AUTHCORE_TEST_REPLY_LOG (a directory), every reply of request() is
// appended there as a JSON line, for tests/server/check_replies.py to
// validate against the server's OpenAPI document (`docs`: whether the server
// serves its documentation routes, i.e. ran without --no-docs).
void record(const std::string& method, const std::string& target, const HttpReply& reply, bool docs) {
  const char* directory = std::getenv("AUTHCORE_TEST_REPLY_LOG");
  if (directory == nullptr || *directory == '\0') return;
  const nlohmann::json line{{"method", method},         {"target", target},   {"status", reply.status},
                            {"headers", reply.headers}, {"body", reply.body}, {"docs", docs}};
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  std::filesystem::create_directories(directory);
  std::ofstream out(std::string(directory) + "/replies-" + std::to_string(::getpid()) + ".jsonl", std::ios::app);
  out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

std::vector<std::string> with_usual_flags(const std::string& db, std::vector<std::string> extra) {
  std::vector<std::string> arguments{"--port", "0", "--db", db, "--quiet"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return arguments;
}

std::vector<std::string> with_schema(const std::string& schema, const std::vector<std::string>& extra) {
  std::vector<std::string> arguments{"--db-schema", schema};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return arguments;
}

http::request<http::string_body> get_request(const std::string& target, const std::string& bearer,
                                             unsigned short port) {
  http::request<http::string_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
  return request;
}

}  // namespace

struct HttpConnection::State {
  asio::io_context io;
  beast::tcp_stream stream{io};
  unsigned short port;
};

HttpConnection::HttpConnection(unsigned short port) : state_(std::make_unique<State>()) {
  state_->port = port;
  state_->stream.expires_after(kTimeout);
  state_->stream.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
}

HttpConnection::~HttpConnection() = default;

HttpReply HttpConnection::get(const std::string& target, const std::string& bearer) {
  state_->stream.expires_after(kTimeout);
  auto request = get_request(target, bearer, state_->port);
  http::write(state_->stream, request);
  return read_reply(state_->stream);
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

nlohmann::json HttpReply::json() const { return nlohmann::json::parse(body, nullptr, false); }

std::string HttpReply::header(const std::string& name) const {
  const auto found = headers.find(lower(name));
  return found == headers.end() ? std::string() : found->second;
}

std::vector<Backend> backends() {
  std::vector<Backend> all{{"sqlite", temporary_database()}};
  if (const char* url = std::getenv("AUTHCORE_TEST_POSTGRES_URL"); url != nullptr && *url != '\0') {
    all.push_back({"postgres", url, unique_name("server")});
  } else if (const char* required = std::getenv("AUTHCORE_REQUIRE_POSTGRES");
             required && std::string(required) == "1") {
    FAIL("AUTHCORE_REQUIRE_POSTGRES=1 but AUTHCORE_TEST_POSTGRES_URL is not set");
  } else {
    WARN("PostgreSQL server tests skipped: AUTHCORE_TEST_POSTGRES_URL is not set");
  }
  return all;
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<unsigned> counter{0};
  static const auto run = std::random_device{}() % 100000;
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(run) + "-" + std::to_string(++counter);
}

std::string temporary_database() {
  char pattern[] = "/tmp/authcore-server-test.XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  return std::string(pattern) + "/auth.db";
}

ServerProcess::ServerProcess(const std::string& db, std::vector<std::string> extra)
    : ServerProcess(ServerLaunch{with_usual_flags(db, std::move(extra)), {}}) {}

ServerProcess::ServerProcess(const Backend& backend, std::vector<std::string> extra)
    : ServerProcess(backend.db, backend.schema.empty() ? std::move(extra) : with_schema(backend.schema, extra)) {}

ServerProcess::ServerProcess(const ServerLaunch& launch) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> arguments{AUTHCORE_SERVER_BINARY};
  arguments.insert(arguments.end(), launch.arguments.begin(), launch.arguments.end());
  docs_ = std::find(launch.arguments.begin(), launch.arguments.end(), "--no-docs") == launch.arguments.end();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    if (!launch.stderr_path.empty()) {
      const int err = ::open(launch.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (err < 0) ::_exit(126);
      ::dup2(err, STDERR_FILENO);
      ::close(err);
    }
    ::setenv("AUTHCORE_SECRET", kKeyBytes.c_str(), 1);
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  try {
    port_ = read_port(out[0]);
  } catch (...) {
    ::close(out[0]);
    terminate();
    throw;
  }
  ::close(out[0]);
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

// WNOWAIT: an ended child stays to be reaped by terminate() or the
// destructor, so its pid cannot be reused meanwhile.
bool ServerProcess::running() const {
  siginfo_t info{};
  return pid_ > 0 && ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == 0;
}

void ServerProcess::signal(int signal_number) const {
  if (pid_ > 0) ::kill(pid_, signal_number);
}

int ServerProcess::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

HttpReply ServerProcess::request(const std::string& method, const std::string& target, const std::string& body,
                                 const std::map<std::string, std::string>& headers) const {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(kTimeout);
  stream.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port_));
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  http::write(stream, request);
  auto reply = read_reply(stream, request.method() == http::verb::head);
  record(method, target, reply, docs_);
  return reply;
}

HttpReply ServerProcess::post_json(const std::string& target, const nlohmann::json& body,
                                   const std::map<std::string, std::string>& headers) const {
  auto all = headers;
  all.emplace("Content-Type", "application/json");
  return request("POST", target, body.dump(), all);
}

HttpReply ServerProcess::post_form(const std::string& target, const std::string& body) const {
  return request("POST", target, body, {{"Content-Type", "application/x-www-form-urlencoded"}});
}

HttpReply ServerProcess::get(const std::string& target, const std::string& bearer) const {
  if (bearer.empty()) return request("GET", target);
  return request("GET", target, {}, {{"Authorization", "Bearer " + bearer}});
}

HttpReply ServerProcess::raw(const std::string& bytes) const {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(kTimeout);
  stream.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port_));
  asio::write(stream.socket(), asio::buffer(bytes));
  return read_reply(stream);
}

}  // namespace authcore::test
