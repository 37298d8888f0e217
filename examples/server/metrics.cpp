#include "metrics.hpp"

#include <algorithm>
#include <charconv>
#include <ratio>
#include <utility>

#include "authcore/version.hpp"

namespace authcore_server {
namespace {

// Each thread adds to one of kShards shards (threads beyond that share);
// a scrape adds the shards up.
constexpr std::size_t kShards = 8;
// Series of authcore_http_requests_total, (route, method, status). Their
// number is bounded by the routes, their methods and the statuses the
// server answers with (a few hundred); kSeriesSlots leaves room to spare.
constexpr std::size_t kSeriesSlots = 1024;
// The latency histogram's upper bounds, in nanoseconds: 25 µs to 10 s.
constexpr std::array<std::int64_t, 18> kBoundNanoseconds = {
    25'000,      50'000,      100'000,       250'000,       500'000,       1'000'000,
    2'500'000,   5'000'000,   10'000'000,    25'000'000,    50'000'000,    100'000'000,
    250'000'000, 500'000'000, 1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
constexpr std::size_t kBuckets = kBoundNanoseconds.size();
// Per route label: a count per bucket (non-cumulative), one for slower
// than the last bound (+Inf), and the sum of nanoseconds.
constexpr std::size_t kLatencyCounters = kBuckets + 2;

// A series key: route label, method and status in one word, never 0.
std::uint32_t series_key(std::size_t label, http::verb method, unsigned status) noexcept {
  return static_cast<std::uint32_t>(((label + 1) << 16) | (static_cast<unsigned>(method) << 10) | (status & 1023u));
}
std::size_t label_of_key(std::uint32_t key) noexcept { return (key >> 16) - 1; }
http::verb method_of_key(std::uint32_t key) noexcept { return static_cast<http::verb>((key >> 10) & 63u); }
unsigned status_of_key(std::uint32_t key) noexcept { return key & 1023u; }

std::string_view method_label(http::verb method) {
  // Beast names every method it knows; the others are one value, so that
  // invented methods cannot add series.
  if (method == http::verb::unknown) return "other";
  const auto name = http::to_string(method);
  return {name.data(), name.size()};
}

std::size_t this_thread_shard() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t shard = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shard;
}

// A bucket bound in seconds as a plain decimal ("0.000025", "2.5"), as
// other Prometheus clients write `le`.
std::string bound_text(std::int64_t nanoseconds) {
  char text[32];
  const double seconds = static_cast<double>(nanoseconds) / std::nano::den;
  const auto written = std::to_chars(text, text + sizeof text, seconds, std::chars_format::fixed);
  return std::string(text, written.ptr);
}

double unix_seconds_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

// One shard's counters: the request series by slot, then kLatencyCounters
// per route label. Shards are separate allocations, so two threads never
// write the same cache line.
struct Metrics::Shard {
  std::unique_ptr<std::atomic<std::uint64_t>[]> counters;
};

Metrics::Metrics(const std::vector<std::string_view>& route_patterns)
    : series_keys_(new std::atomic<std::uint32_t>[kSeriesSlots]()),
      shards_(new Shard[kShards]),
      start_time_seconds_(unix_seconds_now()) {
  for (const auto pattern : route_patterns) {
    const auto known = std::find(labels_.begin(), labels_.end(), pattern);
    label_of_row_.push_back(static_cast<std::size_t>(known - labels_.begin()));
    if (known == labels_.end()) labels_.emplace_back(pattern);
  }
  labels_.emplace_back(kUnmatchedRoute);
  const std::size_t counters = kSeriesSlots + labels_.size() * kLatencyCounters;
  for (std::size_t i = 0; i < kShards; ++i) shards_[i].counters.reset(new std::atomic<std::uint64_t>[counters]());
}

Metrics::~Metrics() = default;

// Open addressing over series_keys_: a slot is claimed once, by a
// compare-and-swap from 0, and then names its series for good.
std::optional<std::size_t> Metrics::series_slot(std::size_t label, http::verb method, unsigned status) noexcept {
  const std::uint32_t key = series_key(label, method, status);
  const std::size_t start = (key * 2654435761u) % kSeriesSlots;
  for (std::size_t probe = 0; probe < kSeriesSlots; ++probe) {
    const std::size_t slot = (start + probe) % kSeriesSlots;
    std::uint32_t seen = series_keys_[slot].load(std::memory_order_acquire);
    if (seen == 0 && series_keys_[slot].compare_exchange_strong(seen, key, std::memory_order_acq_rel)) return slot;
    if (seen == key) return slot;
  }
  return std::nullopt;
}

void Metrics::count_request(std::optional<std::size_t> route, http::verb method, unsigned status,
                            std::chrono::nanoseconds took) noexcept {
  const std::size_t label = route && *route < label_of_row_.size() ? label_of_row_[*route] : labels_.size() - 1;
  auto& counters = shards_[this_thread_shard()].counters;
  if (const auto slot = series_slot(label, method, status)) {
    counters[*slot].fetch_add(1, std::memory_order_relaxed);
  } else {
    series_overflow_.fetch_add(1, std::memory_order_relaxed);
  }
  const std::int64_t nanoseconds = std::max<std::int64_t>(took.count(), 0);
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kBoundNanoseconds.begin(), kBoundNanoseconds.end(), nanoseconds) - kBoundNanoseconds.begin());
  const std::size_t latency = kSeriesSlots + label * kLatencyCounters;
  counters[latency + bucket].fetch_add(1, std::memory_order_relaxed);
  counters[latency + kBuckets + 1].fetch_add(static_cast<std::uint64_t>(nanoseconds), std::memory_order_relaxed);
}

void Metrics::count(authcore::SecurityEventKind kind) noexcept {
  using Kind = authcore::SecurityEventKind;
  switch (kind) {
    case Kind::login_success: logins_[0].fetch_add(1, std::memory_order_relaxed); return;
    case Kind::login_failure: logins_[1].fetch_add(1, std::memory_order_relaxed); return;
    case Kind::login_throttled: logins_[2].fetch_add(1, std::memory_order_relaxed); return;
    case Kind::refresh: refresh_rotations_.fetch_add(1, std::memory_order_relaxed); return;
    case Kind::refresh_reuse: refresh_reuse_.fetch_add(1, std::memory_order_relaxed); return;
    // Seen in the request counters (201 from /signup, 204 from /logout) and
    // in the audit log.
    case Kind::signup:
    case Kind::logout:
    case Kind::password_changed: return;
  }
}

void Metrics::count_purged(std::uint64_t sessions) noexcept {
  sessions_purged_.fetch_add(sessions, std::memory_order_relaxed);
}

void Metrics::count_key_reload(bool succeeded) noexcept {
  key_reloads_[succeeded ? 0 : 1].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Metrics::summed(std::size_t index) const noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < kShards; ++i) total += shards_[i].counters[index].load(std::memory_order_relaxed);
  return total;
}

void Metrics::write_requests(prometheus::TextWriter& writer) const {
  writer.family("authcore_http_requests_total", "counter",
                "HTTP requests answered, by route pattern (\"unmatched\" when no route served it), method and status.");
  std::vector<std::pair<std::uint32_t, std::size_t>> series;  // key, slot
  for (std::size_t slot = 0; slot < kSeriesSlots; ++slot) {
    if (const auto key = series_keys_[slot].load(std::memory_order_acquire); key != 0) series.emplace_back(key, slot);
  }
  std::sort(series.begin(), series.end());
  for (const auto& [key, slot] : series) {
    const std::string status = std::to_string(status_of_key(key));
    writer.sample(
        "authcore_http_requests_total",
        {{"route", labels_[label_of_key(key)]}, {"method", method_label(method_of_key(key))}, {"status", status}},
        summed(slot));
  }
  writer.family("authcore_metrics_series_overflow_total", "counter",
                "Requests not counted in authcore_http_requests_total because its series table was full.");
  writer.sample("authcore_metrics_series_overflow_total", {}, series_overflow_.load(std::memory_order_relaxed));
}

void Metrics::write_latency(prometheus::TextWriter& writer) const {
  const std::string_view name = "authcore_http_request_duration_seconds";
  writer.family(name, "histogram", "Time from a request's arrival at the router to its response, by route pattern.");
  std::array<std::string, kBuckets> bounds;
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) bounds[bucket] = bound_text(kBoundNanoseconds[bucket]);
  for (std::size_t label = 0; label < labels_.size(); ++label) {
    const std::size_t base = kSeriesSlots + label * kLatencyCounters;
    std::uint64_t cumulative = 0;
    for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
      cumulative += summed(base + bucket);
      writer.sample("authcore_http_request_duration_seconds_bucket",
                    {{"route", labels_[label]}, {"le", bounds[bucket]}}, cumulative);
    }
    cumulative += summed(base + kBuckets);
    writer.sample("authcore_http_request_duration_seconds_bucket", {{"route", labels_[label]}, {"le", "+Inf"}},
                  cumulative);
    const double seconds = static_cast<double>(summed(base + kBuckets + 1)) / std::nano::den;
    writer.sample("authcore_http_request_duration_seconds_sum", {{"route", labels_[label]}}, seconds);
    writer.sample("authcore_http_request_duration_seconds_count", {{"route", labels_[label]}}, cumulative);
  }
}

void Metrics::write_events(prometheus::TextWriter& writer) const {
  writer.family("authcore_logins_total", "counter",
                "Password logins by outcome: success, failure (unknown user or wrong password), throttled.");
  const char* const outcomes[] = {"success", "failure", "throttled"};
  for (std::size_t i = 0; i < logins_.size(); ++i) {
    writer.sample("authcore_logins_total", {{"outcome", outcomes[i]}}, logins_[i].load(std::memory_order_relaxed));
  }
  writer.family("authcore_refresh_rotations_total", "counter", "Refresh tokens rotated.");
  writer.sample("authcore_refresh_rotations_total", {}, refresh_rotations_.load(std::memory_order_relaxed));
  writer.family("authcore_refresh_reuse_total", "counter",
                "Spent, foreign or revoked refresh tokens presented; each killed its session (RFC 9700 4.14.2). "
                "Alert on any increase: a refresh token was stolen or replayed.");
  writer.sample("authcore_refresh_reuse_total", {}, refresh_reuse_.load(std::memory_order_relaxed));
  writer.family("authcore_sessions_purged_total", "counter", "Expired sessions deleted by the background purge.");
  writer.sample("authcore_sessions_purged_total", {}, sessions_purged_.load(std::memory_order_relaxed));
  writer.family("authcore_key_reloads_total", "counter", "Reloads of --keys-file on SIGHUP, by outcome.");
  writer.sample("authcore_key_reloads_total", {{"outcome", "success"}},
                key_reloads_[0].load(std::memory_order_relaxed));
  writer.sample("authcore_key_reloads_total", {{"outcome", "failure"}},
                key_reloads_[1].load(std::memory_order_relaxed));
}

std::string Metrics::exposition(const Readings& readings) const {
  prometheus::TextWriter writer;
  write_requests(writer);
  write_latency(writer);
  write_events(writer);
  writer.family("authcore_hash_gate_running", "gauge", "Password hashes running now.");
  writer.sample("authcore_hash_gate_running", {}, std::uint64_t{readings.hash_gate.running});
  writer.family("authcore_hash_gate_queued", "gauge", "Password hashes waiting for a worker now.");
  writer.sample("authcore_hash_gate_queued", {}, std::uint64_t{readings.hash_gate.waiting});
  writer.family("authcore_store_errors_total", "counter",
                "User-store calls that failed with a store error (database unavailable, busy, full or broken).");
  writer.sample("authcore_store_errors_total", {}, readings.store_failures);
  writer.family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.");
  writer.sample("process_start_time_seconds", {}, start_time_seconds_);
  writer.family("authcore_build_info", "gauge", "The authcore version this server was built with; always 1.");
  writer.sample("authcore_build_info", {{"version", AUTHCORE_VERSION_STRING}}, std::uint64_t{1});
  return writer.text();
}

}  // namespace authcore_server
