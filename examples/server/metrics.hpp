// What GET /metrics reports (docs/operations.md, "Metrics"): requests by
// route, method and status with their latency, logins by outcome, refresh
// rotations and reuse, purged sessions and key reloads, counted lock-free on
// the request path; and, read when scraped, the HashGate's load, the store's
// failures, the process start time and the build.
#ifndef AUTHCORE_SERVER_METRICS_HPP
#define AUTHCORE_SERVER_METRICS_HPP

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authcore/authenticator.hpp"
#include "authcore/hash_gate.hpp"
#include "http_message.hpp"
#include "prometheus_text.hpp"

namespace authcore_server {

/// The server's counters. The latency histogram's buckets reach from 25 µs
/// to 10 s (a cached /users/me takes tens of microseconds, a login an
/// Argon2id hash). Every count_*() is thread-safe and lock-free:
/// the request counters are sharded (each thread adds to its own shard, on
/// its own cache lines) and summed when scraped, so recording costs a few
/// uncontended atomic additions per request.
class Metrics {
 public:
  /// The `route` label of requests no route served (404, and 405 for a
  /// known path with another method).
  static constexpr std::string_view kUnmatchedRoute = "unmatched";
  /// What the scrape reads from elsewhere.
  struct Readings {
    authcore::HashGateStats hash_gate;  ///< running and waiting jobs
    std::uint64_t store_failures = 0;   ///< UserStore::store_failures()
  };

  /// `route_patterns`: the route table's path patterns, one per row (a path
  /// with several methods repeats); a request is counted under its row's
  /// pattern, so the `route` label has at most that many values plus
  /// kUnmatchedRoute, whatever clients send.
  explicit Metrics(const std::vector<std::string_view>& route_patterns);
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;
  ~Metrics();

  /// One response: `route` is the row's index in the route table, or
  /// std::nullopt when no route served it.
  void count_request(std::optional<std::size_t> route, http::verb method, unsigned status,
                     std::chrono::nanoseconds took) noexcept;
  /// A security event of the Authenticator (logins, refresh rotations, reuse).
  void count(authcore::SecurityEventKind kind) noexcept;
  /// Sessions deleted by one purge.
  void count_purged(std::uint64_t sessions) noexcept;
  /// A reload of the keys file (SIGHUP) that succeeded or failed.
  void count_key_reload(bool succeeded) noexcept;

  /// Every metric in the text exposition format 0.0.4.
  std::string exposition(const Readings& readings) const;

 private:
  struct Shard;

  // The slot of the series (label, method, status) in every shard,
  // claimed on first use; std::nullopt when all kSeriesSlots are taken.
  std::optional<std::size_t> series_slot(std::size_t label, http::verb method, unsigned status) noexcept;
  // Counter `index` of every shard, added up.
  std::uint64_t summed(std::size_t index) const noexcept;
  void write_requests(prometheus::TextWriter& writer) const;
  void write_latency(prometheus::TextWriter& writer) const;
  void write_events(prometheus::TextWriter& writer) const;

  std::vector<std::string> labels_;                            // distinct route patterns, then kUnmatchedRoute
  std::vector<std::size_t> label_of_row_;                      // route-table row -> index into labels_
  std::unique_ptr<std::atomic<std::uint32_t>[]> series_keys_;  // the series of each slot; 0: free
  std::unique_ptr<Shard[]> shards_;
  std::atomic<std::uint64_t> series_overflow_{0};
  std::array<std::atomic<std::uint64_t>, 3> logins_{};  // success, failure, throttled
  std::atomic<std::uint64_t> refresh_rotations_{0};
  std::atomic<std::uint64_t> refresh_reuse_{0};
  std::atomic<std::uint64_t> sessions_purged_{0};
  std::array<std::atomic<std::uint64_t>, 2> key_reloads_{};  // success, failure
  const double start_time_seconds_;
};

}  // namespace authcore_server

#endif
