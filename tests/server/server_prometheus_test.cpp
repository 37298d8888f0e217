// GET /metrics scraped by a real Prometheus (Debian's prometheus package):
// the test starts one on a free private port with a scrape configuration
// pointing at the server, sends a known number of requests, and polls
// Prometheus's HTTP API until the target is up and the request counter it
// stored equals what was sent. Label `prometheus`: run by the dev preset
// (and so by CI), not under the sanitizer presets.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "server/server_harness.hpp"
#include "support/catch.hpp"

using namespace authcore::test;

namespace {

// A port nobody listens on now: the kernel's pick for a socket bound to 0.
unsigned short free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::address_v4::loopback(), 0});
  return acceptor.local_endpoint().port();
}

std::string url_encoded(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '_' || c == '-' || c == '.') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

// A Prometheus server of its own: a temporary directory with its
// configuration, its database and its log, all removed with it.
class Prometheus {
 public:
  Prometheus(unsigned short target_port, unsigned short port) : port_(port) {
    char pattern[] = "/tmp/authcore-prometheus.XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    directory_ = pattern;
    std::ofstream(directory_ + "/prometheus.yml") << "global:\n"
                                                     "  scrape_interval: 1s\n"
                                                     "  evaluation_interval: 1s\n"
                                                     "scrape_configs:\n"
                                                     "  - job_name: authcore\n"
                                                     "    metrics_path: /metrics\n"
                                                     "    static_configs:\n"
                                                     "      - targets: ['127.0.0.1:"
                                                  << target_port << "']\n";
    const std::vector<std::string> arguments = {
        AUTHCORE_PROMETHEUS_BINARY,
        "--config.file=" + directory_ + "/prometheus.yml",
        "--storage.tsdb.path=" + directory_ + "/data",
        "--web.listen-address=127.0.0.1:" + std::to_string(port),
    };
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const std::string log = directory_ + "/prometheus.log";
      if (std::freopen(log.c_str(), "w", stderr) == nullptr || std::freopen("/dev/null", "w", stdout) == nullptr) {
        ::_exit(126);
      }
      std::vector<char*> argv;
      for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }

  ~Prometheus() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  Prometheus(const Prometheus&) = delete;
  Prometheus& operator=(const Prometheus&) = delete;

  /// The value of the instant query `query` (the first series), or "" while
  /// there is none (not scraped yet, Prometheus still starting).
  std::string value(const std::string& query) const {
    try {
      HttpConnection connection(port_);
      const auto reply = connection.get("/api/v1/query?query=" + url_encoded(query));
      if (reply.status != 200) return {};
      const auto result = reply.json()["data"]["result"];
      if (!result.is_array() || result.empty()) return {};
      return result[0]["value"][1].get<std::string>();
    } catch (const std::exception&) {  // not listening yet
      return {};
    }
  }

  /// Stops it (SIGTERM) and returns its exit status.
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string log() const {
    std::ifstream in(directory_ + "/prometheus.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  unsigned short port_;
  std::string directory_;
  pid_t pid_ = -1;
};

}  // namespace

TEST_CASE("Prometheus scrapes /metrics: the target is up and the request counter matches what was sent",
          "[server][metrics][prometheus]") {
  REQUIRE(::access(AUTHCORE_PROMETHEUS_BINARY, X_OK) == 0);  // cmake/install-deps.sh installs prometheus
  ServerProcess server(temporary_database());
  constexpr int kSent = 37;
  for (int i = 0; i < kSent; ++i) REQUIRE(server.get("/users/me").status == 401);

  const auto started = std::chrono::steady_clock::now();
  Prometheus prometheus(server.port(), free_port());
  const bool up =
      eventually([&] { return prometheus.value(R"(up{job="authcore"})") == "1"; }, std::chrono::seconds(60));
  if (!up) UNSCOPED_INFO("prometheus log:\n" << prometheus.log());
  CHECK(up);
  const std::string counter =
      R"(authcore_http_requests_total{job="authcore",route="/users/me",method="GET",status="401"})";
  CHECK(eventually([&] { return prometheus.value(counter) == std::to_string(kSent); }, std::chrono::seconds(60)));
  // The scrapes themselves are requests too, counted under their own route.
  CHECK(eventually([&] { return !prometheus.value(R"(authcore_http_requests_total{route="/metrics"})").empty(); },
                   std::chrono::seconds(30)));
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  WARN("Prometheus saw the server's counters " << took << " s after it started");
  CHECK(prometheus.stop() == 0);
  CHECK(server.terminate() == 0);
}
