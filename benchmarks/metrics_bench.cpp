// What authcore-server's /metrics costs (docs/performance.md, "Metrics"):
// counting one response (a request series and a latency bucket, on the
// calling thread's shard) from 1 and 2 threads at once, next to a relaxed
// atomic increment of one shared counter, the naive alternative; and one
// scrape (the whole exposition text).
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <string_view>
#include <vector>

#include "metrics.hpp"

namespace {

using authcore_server::Metrics;

Metrics& metrics() {
  static Metrics instance(std::vector<std::string_view>{"/signup", "/token", "/users/me", "/refresh", "/metrics"});
  return instance;
}

void BM_count_request(benchmark::State& state) {
  Metrics& counters = metrics();
  for (auto _ : state) {
    counters.count_request(2, authcore_server::http::verb::get, 200, std::chrono::microseconds(40));
  }
}
BENCHMARK(BM_count_request)->Threads(1)->Threads(2)->UseRealTime();

// Every thread adding to one shared counter: the cache line moves between
// cores on each request.
void BM_shared_atomic_increment(benchmark::State& state) {
  static std::atomic<std::uint64_t> shared{0};
  for (auto _ : state) shared.fetch_add(1, std::memory_order_relaxed);
}
BENCHMARK(BM_shared_atomic_increment)->Threads(1)->Threads(2)->UseRealTime();

void BM_exposition(benchmark::State& state) {
  Metrics& counters = metrics();
  for (auto _ : state) benchmark::DoNotOptimize(counters.exposition({}));
}
BENCHMARK(BM_exposition);

}  // namespace

BENCHMARK_MAIN();
