// HashGate (DESIGN §4): admission control for password work. Jobs that block
// until the test releases them make admission and expiry deterministic;
// under real load the test checks invariants only (never more than N at
// once, every completion exactly once, success or overloaded), so a noisy
// machine slows it down but cannot make it fail. Registered as one CTest test
// with a TIMEOUT (tests/CMakeLists.txt): a deadlock fails instead of hanging.
#include "authcore/hash_gate.hpp"

#if defined(__linux__)
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#endif

#include <algorithm>
#include <utility>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "authcore/password_hasher.hpp"
#include "support/catch.hpp"

using namespace authcore;
using namespace std::chrono_literals;

namespace {

// Only a deadlock or a lost completion takes this long.
constexpr auto kPatience = 30s;

// A count that threads can wait on (C++17 has no std::latch).
class Counter {
 public:
  void add() {
    const std::lock_guard lock(mutex_);
    ++value_;
    changed_.notify_all();
  }
  /// False when the count did not reach `target` within kPatience.
  bool wait_for(int target) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return value_ >= target; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int value_ = 0;
};

// What happened to each submitted job: how often its completion was called,
// with what, and when.
class CompletionLog {
 public:
  explicit CompletionLog(std::size_t jobs) : calls_(jobs, 0), errors_(jobs), times_(jobs) {}

  HashGate::Completion completion_for(std::size_t job) {
    return [this, job](Result<void> outcome) {
      const std::lock_guard lock(mutex_);
      ++calls_[job];
      if (!outcome) errors_[job] = outcome.error();
      times_[job] = HashGate::Clock::now();
      ++received_;
      changed_.notify_all();
    };
  }

  /// False when fewer than `count` completions arrived within kPatience.
  bool wait_for(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return received_ >= count; });
  }

  std::size_t received() {
    const std::lock_guard lock(mutex_);
    return received_;
  }
  int calls(std::size_t job) {
    const std::lock_guard lock(mutex_);
    return calls_[job];
  }
  bool succeeded(std::size_t job) {
    const std::lock_guard lock(mutex_);
    return calls_[job] == 1 && !errors_[job];
  }
  /// Refused with ErrorCode::overloaded and a retry hint of at least 1 s.
  bool overloaded(std::size_t job) {
    const std::lock_guard lock(mutex_);
    return calls_[job] == 1 && errors_[job] && errors_[job]->code == ErrorCode::overloaded &&
           errors_[job]->retry_after >= 1s;
  }
  HashGate::Clock::time_point time(std::size_t job) {
    const std::lock_guard lock(mutex_);
    return times_[job];
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<int> calls_;
  std::vector<std::optional<Error>> errors_;
  std::vector<HashGate::Clock::time_point> times_;
  std::size_t received_ = 0;
};

// The most jobs that were inside a scope at once, measured independently of
// the gate's own counters.
class ConcurrencyProbe {
 public:
  template <class Fn>
  auto measure(Fn&& work) {
    const int now = ++inside_;
    int peak = peak_.load();
    while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
    }
    auto result = work();
    --inside_;
    return result;
  }
  int peak() const { return peak_.load(); }

 private:
  std::atomic<int> inside_{0};
  std::atomic<int> peak_{0};
};

HashGateOptions gate_options(std::size_t workers, std::size_t max_waiters, std::chrono::milliseconds max_wait) {
  HashGateOptions options;
  options.workers = workers;
  options.max_waiters = max_waiters;
  options.max_wait = max_wait;
  return options;
}

}  // namespace

TEST_CASE("N=2, Q=4: two run, four wait and expire at their deadline, the rest are refused at once", "[.][hash_gate]") {
  HashGate gate(gate_options(2, 4, 60s));
  CompletionLog log(32);
  Counter started, release;
  std::atomic<int> queued_work_ran{0};
  const auto blocking_work = [&] {
    started.add();
    release.wait_for(1);
  };

  gate.submit(blocking_work, log.completion_for(0));
  gate.submit(blocking_work, log.completion_for(1));
  REQUIRE(started.wait_for(2));

  const auto deadline = HashGate::Clock::now() + 200ms;
  for (std::size_t job = 2; job < 32; ++job) {
    gate.submit([&] { ++queued_work_ran; }, log.completion_for(job), deadline);
  }
  // Refusals of a full queue are synchronous: all 26 are in already.
  CHECK(log.received() == 26);
  for (std::size_t job = 6; job < 32; ++job) CHECK(log.overloaded(job));
  auto stats = gate.stats();
  CHECK(stats.running == 2);
  CHECK(stats.waiting == 4);
  CHECK(stats.refused_full == 26);

  // Both workers are blocked, so the four waiters can only expire, and only
  // once their deadline has passed.
  REQUIRE(log.wait_for(30));
  for (std::size_t job = 2; job < 6; ++job) {
    CHECK(log.overloaded(job));
    CHECK(log.time(job) >= deadline);
  }
  CHECK(gate.stats().refused_expired == 4);

  release.add();
  REQUIRE(log.wait_for(32));
  CHECK(log.succeeded(0));
  CHECK(log.succeeded(1));
  CHECK(queued_work_ran == 0);
  stats = gate.stats();
  CHECK(stats.peak_running == 2);
  CHECK(stats.peak_waiting == 4);
  CHECK(stats.completed == 2);
  CHECK(stats.running == 0);
  CHECK(stats.waiting == 0);
  for (std::size_t job = 0; job < 32; ++job) CHECK(log.calls(job) == 1);
}

TEST_CASE("32 concurrent logins through N=2, Q=4 never hash more than 2 at once", "[.][hash_gate]") {
  const PasswordHasher hasher(PasswordPolicy::custom(1, std::size_t{8} << 20));
  const std::string stored = hasher.hash("correct horse").value();
  HashGate gate(gate_options(2, 4, 10s));
  ConcurrencyProbe probe;
  Counter go;
  std::atomic<int> matched{0}, overloaded{0}, other{0};

  std::vector<std::thread> callers;
  for (int i = 0; i < 32; ++i) {
    callers.emplace_back([&] {
      go.wait_for(1);
      const auto check =
          gate.run([&] { return probe.measure([&] { return hasher.verify("correct horse", stored); }); });
      if (check && *check == PasswordCheck::match) {
        ++matched;
      } else if (!check && check.error().code == ErrorCode::overloaded) {
        ++overloaded;
      } else {
        ++other;
      }
    });
  }
  go.add();
  for (auto& caller : callers) caller.join();

  CHECK(other == 0);
  CHECK(matched + overloaded == 32);
  CHECK(matched >= 2);  // the first two find free workers
  CHECK(probe.peak() <= 2);
  const auto stats = gate.stats();
  CHECK(stats.peak_running <= 2);
  CHECK(stats.peak_waiting <= 4);
  CHECK(stats.completed == static_cast<std::uint64_t>(matched.load()));
  CHECK(stats.refused_full + stats.refused_expired == static_cast<std::uint64_t>(overloaded.load()));
}

TEST_CASE("asynchronous work and its completion run on a gate worker, not on the caller", "[.][hash_gate]") {
  HashGate gate(gate_options(1, 4, 60s));
  CompletionLog log(1);
  std::thread::id work_thread, completion_thread;
  gate.submit([&] { work_thread = std::this_thread::get_id(); },
              [&, done = log.completion_for(0)](Result<void> outcome) {
                completion_thread = std::this_thread::get_id();
                done(std::move(outcome));
              });
  REQUIRE(log.wait_for(1));
  CHECK(log.succeeded(0));
  CHECK(work_thread != std::this_thread::get_id());
  CHECK(completion_thread == work_thread);
}

TEST_CASE("run() returns what the work returned and rethrows what it threw", "[.][hash_gate]") {
  HashGate gate(gate_options(2, 4, 60s));
  const PasswordHasher hasher(PasswordPolicy::custom(1, std::size_t{8} << 20));

  const Result<int> answer = gate.run([] { return 42; });
  REQUIRE(answer);
  CHECK(*answer == 42);
  const Result<void> nothing = gate.run([] {});
  CHECK(nothing);

  // A job returning a Result gives that Result, not a nested one.
  const Result<std::string> hashed = gate.run([&] { return hasher.hash("pw"); });
  REQUIRE(hashed);
  CHECK(hasher.verify("pw", *hashed) == PasswordCheck::match);
  const Result<std::string> refused = gate.run([&] { return hasher.hash(""); });
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_argument);

  CHECK_THROWS_AS(gate.run([]() -> int { throw std::runtime_error("boom"); }), std::runtime_error);
  CHECK(gate.stats().completed == 5);
}

TEST_CASE("run() on the gate's own threads is refused instead of deadlocking", "[.][hash_gate]") {
  HashGate gate(gate_options(1, 4, 60s));
  std::optional<Error> from_work;
  const Result<void> outer = gate.run([&] {
    const Result<int> inner = gate.run([] { return 1; });
    if (!inner) from_work = inner.error();
  });
  CHECK(outer);
  REQUIRE(from_work);
  CHECK(from_work->code == ErrorCode::invalid_argument);

  CompletionLog log(1);
  std::optional<Error> from_completion;
  gate.submit([] {},
              [&, done = log.completion_for(0)](Result<void> outcome) {
                const Result<int> inner = gate.run([] { return 1; });
                if (!inner) from_completion = inner.error();
                done(std::move(outcome));
              });
  REQUIRE(log.wait_for(1));
  REQUIRE(from_completion);
  CHECK(from_completion->code == ErrorCode::invalid_argument);
}

TEST_CASE("destroying the gate lets running work finish and refuses queued work", "[.][hash_gate]") {
  auto gate = std::make_unique<HashGate>(gate_options(1, 4, 60s));
  CompletionLog log(3);
  Counter started, release;
  std::atomic<int> queued_work_ran{0};
  gate->submit(
      [&] {
        started.add();
        release.wait_for(1);
      },
      log.completion_for(0));
  REQUIRE(started.wait_for(1));
  gate->submit([&] { ++queued_work_ran; }, log.completion_for(1));
  gate->submit([&] { ++queued_work_ran; }, log.completion_for(2));

  std::thread destroyer([&] { gate.reset(); });
  // The destructor refuses the queue first, then waits for the running job.
  REQUIRE(log.wait_for(2));
  CHECK(log.overloaded(1));
  CHECK(log.overloaded(2));
  CHECK(log.calls(0) == 0);
  release.add();
  destroyer.join();
  CHECK(log.succeeded(0));
  CHECK(queued_work_ran == 0);
}

TEST_CASE("Q=0 admits a job only when a worker is free", "[.][hash_gate]") {
  HashGate gate(gate_options(1, 0, 60s));
  CompletionLog log(3);
  Counter started, release;
  gate.submit(
      [&] {
        started.add();
        release.wait_for(1);
      },
      log.completion_for(0));
  REQUIRE(started.wait_for(1));
  gate.submit([] {}, log.completion_for(1));
  CHECK(log.overloaded(1));
  release.add();
  REQUIRE(log.wait_for(2));
  CHECK(log.succeeded(0));
  // The worker is free again (perhaps still finishing the completion, which
  // counts as free): the next job is admitted.
  gate.submit([] {}, log.completion_for(2));
  REQUIRE(log.wait_for(3));
  CHECK(log.succeeded(2));
  CHECK(gate.stats().refused_full == 1);
}

#if defined(__linux__)
// What the kernel says of the calling thread: its nice value and its name
// (no Catch2 assertion here: workers call it too).
std::pair<int, std::string> this_thread_schedule() {
  errno = 0;
  const int niceness = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  if (errno != 0) return {-100, "getpriority failed"};
  char name[16] = {};
  if (pthread_getname_np(pthread_self(), name, sizeof name) != 0) return {niceness, "getname failed"};
  return {niceness, name};
}

TEST_CASE("workers are named authcore-hash and run worker_niceness below the process", "[.][hash_gate]") {
  const int caller_niceness = this_thread_schedule().first;
  REQUIRE(caller_niceness != -100);
  for (const int increment : {0, 3}) {
    HashGateOptions options = gate_options(1, 4, 60s);
    options.worker_niceness = increment;
    HashGate gate(options);
    const auto worker = gate.run([] { return this_thread_schedule(); });
    REQUIRE(worker);
    CHECK(worker->first == std::min(caller_niceness + increment, 19));
    CHECK(worker->second == "authcore-hash");
  }
  // The process's own threads are left as they were.
  CHECK(this_thread_schedule().first == caller_niceness);
}
#endif

TEST_CASE("HashGate options: defaults, resolution and misuse", "[.][hash_gate]") {
  const HashGate gate;
  CHECK(gate.options().workers == std::max(1U, std::thread::hardware_concurrency()));
  CHECK(gate.options().max_waiters == 64);
  CHECK(gate.options().max_wait == 2000ms);
  CHECK(gate.options().worker_niceness == 10);
  CHECK(gate.stats().workers == gate.options().workers);

  HashGate tight(gate_options(1, 1, 0ms));
  CHECK(tight.options().max_wait == 1ms);
  CHECK_THROWS_AS(tight.submit(nullptr, [](Result<void>) {}), std::invalid_argument);
  CHECK_THROWS_AS(tight.submit([] {}, nullptr), std::invalid_argument);
}
