// What GET /metrics writes (examples/server's Metrics and the Prometheus
// text format 0.0.4): HELP and TYPE lines, label escaping, cumulative
// histogram buckets ending in +Inf with _sum and _count, bounded route
// labels, and counting from many threads.
#include <algorithm>
#include <limits>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "metrics.hpp"
#include "prometheus_text.hpp"
#include "support/catch.hpp"

using namespace authcore_server;
using namespace std::chrono_literals;

namespace {

// The value of the sample line that starts with `series` and a space.
std::string value_of(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return line.substr(series.size() + 1);
  }
  return "absent";
}

const std::vector<std::string_view> kPatterns = {"/users/me", "/token", "/users/me", "/sessions/{id}"};

}  // namespace

TEST_CASE("label values escape backslash, double quote and line feed, help texts backslash and line feed",
          "[metrics][format]") {
  CHECK(prometheus::escape_label_value(R"(a\b"c)"
                                       "\n"
                                       "d") == R"(a\\b\"c\nd)");
  CHECK(prometheus::escape_label_value("/users/{id} é") == "/users/{id} é");  // UTF-8 passes as it is
  CHECK(prometheus::escape_help("a\\b\"c\nd") == "a\\\\b\"c\\nd");
  prometheus::TextWriter writer;
  writer.family("x_total", "counter", "Help with a \\ and a\nnewline.");
  writer.sample("x_total", {{"path", "C:\\dir\"x\"\n"}, {"method", "GET"}}, std::uint64_t{7});
  writer.sample("y", {}, 0.5);
  CHECK(writer.text() ==
        "# HELP x_total Help with a \\\\ and a\\nnewline.\n"
        "# TYPE x_total counter\n"
        "x_total{path=\"C:\\\\dir\\\"x\\\"\\n\",method=\"GET\"} 7\n"
        "y 0.5\n");
}

TEST_CASE("sample values: integers, the shortest exact decimal, +Inf, -Inf and NaN", "[metrics][format]") {
  CHECK(prometheus::format_value(0.0) == "0");
  CHECK(prometheus::format_value(3.0) == "3");
  CHECK(prometheus::format_value(0.1) == "0.1");
  CHECK(prometheus::format_value(1700000000.25) == "1700000000.25");
  CHECK(prometheus::format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(prometheus::format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(prometheus::format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}

TEST_CASE("requests are counted by route pattern, method and status, unrouted ones as unmatched", "[metrics]") {
  Metrics metrics(kPatterns);
  metrics.count_request(0, http::verb::get, 200, 10us);
  metrics.count_request(2, http::verb::get, 200, 10us);  // the same pattern as row 0
  metrics.count_request(0, http::verb::head, 200, 10us);
  metrics.count_request(3, http::verb::delete_, 204, 10us);
  metrics.count_request(std::nullopt, http::verb::get, 404, 10us);
  metrics.count_request(std::nullopt, http::verb::unknown, 404, 10us);  // an invented method
  metrics.count_request(std::nullopt, http::verb::get, 404, 10us);
  const std::string text = metrics.exposition({});
  CHECK(text.find("# TYPE authcore_http_requests_total counter\n") != std::string::npos);
  CHECK(value_of(text, R"(authcore_http_requests_total{route="/users/me",method="GET",status="200"})") == "2");
  CHECK(value_of(text, R"(authcore_http_requests_total{route="/users/me",method="HEAD",status="200"})") == "1");
  CHECK(value_of(text, R"(authcore_http_requests_total{route="/sessions/{id}",method="DELETE",status="204"})") == "1");
  CHECK(value_of(text, R"(authcore_http_requests_total{route="unmatched",method="GET",status="404"})") == "2");
  CHECK(value_of(text, R"(authcore_http_requests_total{route="unmatched",method="other",status="404"})") == "1");
  CHECK(value_of(text, R"(authcore_http_requests_total{route="/token",method="POST",status="200"})") == "absent");
  CHECK(value_of(text, "authcore_metrics_series_overflow_total") == "0");
}

TEST_CASE("the latency histogram has cumulative buckets from 25 us to 10 s, +Inf, _sum and _count", "[metrics]") {
  Metrics metrics(kPatterns);
  metrics.count_request(1, http::verb::post, 200, 20us);   // <= 25 us
  metrics.count_request(1, http::verb::post, 200, 25us);   // exactly on a bound: le is "less or equal"
  metrics.count_request(1, http::verb::post, 200, 300us);  // <= 500 us
  metrics.count_request(1, http::verb::post, 401, 80ms);   // <= 100 ms
  metrics.count_request(1, http::verb::post, 200, 12s);    // beyond 10 s: only +Inf
  const std::string text = metrics.exposition({});
  const std::string bucket = R"(authcore_http_request_duration_seconds_bucket{route="/token",le=")";
  CHECK(text.find("# TYPE authcore_http_request_duration_seconds histogram\n") != std::string::npos);
  CHECK(value_of(text, bucket + R"(0.000025"})") == "2");
  CHECK(value_of(text, bucket + R"(0.00005"})") == "2");
  CHECK(value_of(text, bucket + R"(0.00025"})") == "2");
  CHECK(value_of(text, bucket + R"(0.0005"})") == "3");
  CHECK(value_of(text, bucket + R"(0.05"})") == "3");
  CHECK(value_of(text, bucket + R"(0.1"})") == "4");
  CHECK(value_of(text, bucket + R"(10"})") == "4");
  CHECK(value_of(text, bucket + R"(+Inf"})") == "5");
  CHECK(value_of(text, R"(authcore_http_request_duration_seconds_count{route="/token"})") == "5");
  CHECK(std::stod(value_of(text, R"(authcore_http_request_duration_seconds_sum{route="/token"})")) ==
        Approx(12.080345).margin(1e-9));
  // Every route has its histogram (zero until used), in bucket order.
  CHECK(value_of(text, R"(authcore_http_request_duration_seconds_count{route="unmatched"})") == "0");
  const std::regex buckets(R"re(authcore_http_request_duration_seconds_bucket\{route="/users/me",le="([^"]+)"\})re");
  std::vector<std::string> bounds;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), buckets); it != std::sregex_iterator(); ++it) {
    bounds.push_back((*it)[1]);
  }
  CHECK(bounds == std::vector<std::string>{"0.000025", "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025",
                                           "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5",
                                           "10", "+Inf"});
}

TEST_CASE("security events, purges, key reloads and the scrape's readings are reported", "[metrics]") {
  Metrics metrics(kPatterns);
  using Kind = authcore::SecurityEventKind;
  for (const auto kind : {Kind::login_success, Kind::login_failure, Kind::login_failure, Kind::login_throttled,
                          Kind::refresh, Kind::refresh, Kind::refresh_reuse, Kind::signup, Kind::logout}) {
    metrics.count(kind);
  }
  metrics.count_purged(3);
  metrics.count_purged(4);
  metrics.count_key_reload(true);
  metrics.count_key_reload(false);
  metrics.count_key_reload(false);
  Metrics::Readings readings;
  readings.hash_gate.running = 2;
  readings.hash_gate.waiting = 5;
  readings.store_failures = 9;
  const std::string text = metrics.exposition(readings);
  CHECK(value_of(text, R"(authcore_logins_total{outcome="success"})") == "1");
  CHECK(value_of(text, R"(authcore_logins_total{outcome="failure"})") == "2");
  CHECK(value_of(text, R"(authcore_logins_total{outcome="throttled"})") == "1");
  CHECK(value_of(text, "authcore_refresh_rotations_total") == "2");
  CHECK(value_of(text, "authcore_refresh_reuse_total") == "1");
  CHECK(value_of(text, "authcore_sessions_purged_total") == "7");
  CHECK(value_of(text, R"(authcore_key_reloads_total{outcome="success"})") == "1");
  CHECK(value_of(text, R"(authcore_key_reloads_total{outcome="failure"})") == "2");
  CHECK(value_of(text, "authcore_hash_gate_running") == "2");
  CHECK(value_of(text, "authcore_hash_gate_queued") == "5");
  CHECK(value_of(text, "authcore_store_errors_total") == "9");
  CHECK(text.find("# TYPE authcore_hash_gate_running gauge\n") != std::string::npos);
  CHECK(text.find("# TYPE process_start_time_seconds gauge\n") != std::string::npos);
  CHECK(std::stod(value_of(text, "process_start_time_seconds")) > 1.6e9);
  CHECK(std::regex_search(text, std::regex(R"(\nauthcore_build_info\{version="\d+\.\d+\.\d+"\} 1\n)")));
}

TEST_CASE("every line is a comment or a sample, and every family is announced once before its samples",
          "[metrics][format]") {
  Metrics metrics(kPatterns);
  metrics.count_request(0, http::verb::get, 200, 1ms);
  const std::string text = metrics.exposition({});
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');
  const std::regex help(R"(# HELP ([a-z_]+) .+)");
  const std::regex type(R"(# TYPE ([a-z_]+) (counter|gauge|histogram))");
  const std::regex sample(R"(([a-z_]+)(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+|.* \+Inf|.* NaN)");
  std::vector<std::string> announced;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    std::smatch match;
    if (std::regex_match(line, match, help)) {
      CHECK(std::find(announced.begin(), announced.end(), match[1].str()) == announced.end());
      announced.push_back(match[1]);
    } else if (std::regex_match(line, match, type)) {
      CHECK(match[1] == announced.back());
    } else {
      REQUIRE(std::regex_match(line, match, sample));
      const std::string name = match[1];
      const std::string& family = announced.back();
      CHECK((name == family || name == family + "_bucket" || name == family + "_sum" || name == family + "_count"));
    }
  }
  CHECK(announced.size() == 13);
}

TEST_CASE("8 threads count 10,000 requests each and none is lost", "[metrics][concurrency]") {
  Metrics metrics(kPatterns);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 10'000; ++i) {
        metrics.count_request(static_cast<std::size_t>(t % 2), t % 2 == 0 ? http::verb::get : http::verb::post,
                              i % 2 == 0 ? 200 : 401, 1us);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::string text = metrics.exposition({});
  CHECK(value_of(text, R"(authcore_http_requests_total{route="/users/me",method="GET",status="200"})") == "20000");
  CHECK(value_of(text, R"(authcore_http_requests_total{route="/users/me",method="GET",status="401"})") == "20000");
  CHECK(value_of(text, R"(authcore_http_requests_total{route="/token",method="POST",status="200"})") == "20000");
  CHECK(value_of(text, R"(authcore_http_requests_total{route="/token",method="POST",status="401"})") == "20000");
  CHECK(value_of(text, R"(authcore_http_request_duration_seconds_count{route="/users/me"})") == "40000");
  CHECK(value_of(text, R"(authcore_http_request_duration_seconds_bucket{route="/token",le="0.000025"})") == "40000");
}
