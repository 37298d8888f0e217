// authcore/hash_gate.hpp: HashGate, admission control for password work.
#ifndef AUTHCORE_HASH_GATE_HPP
#define AUTHCORE_HASH_GATE_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "authcore/export.hpp"
#include "authcore/result.hpp"

namespace authcore {

/// How a HashGate bounds password work. Every field documents its default.
struct HashGateOptions {
  /// Worker threads, which is the most jobs that run at once (N). Default 0,
  /// meaning std::thread::hardware_concurrency() (at least 1). Peak memory of
  /// password work is N times the policy's memory, whatever the load.
  std::size_t workers = 0;
  /// Jobs that may wait for a worker (Q). Default 64. A job offered while Q
  /// jobs wait and no worker is idle is refused at once.
  std::size_t max_waiters = 64;
  /// How long a job may wait before it starts (its deadline, unless
  /// submit() is given one). Default 2 s. Raised to at least 1 ms.
  std::chrono::milliseconds max_wait{2000};
  /// How much lower than the rest of the process the workers are scheduled
  /// (a nice increment; Linux only, elsewhere ignored). Default 10: on a
  /// saturated machine, password hashing gets what the request threads
  /// leave, so logins running back to back cannot starve cheap requests
  /// (DESIGN §8; docs/performance.md measures it). When the machine has
  /// idle cores a hash runs at full speed whatever this is. 0 schedules the
  /// workers like every other thread: a login flood then takes its share of
  /// every core from the requests that are already authenticated.
  int worker_niceness = 10;
};

/// A snapshot of a HashGate's counters, for monitoring and tests.
struct HashGateStats {
  std::size_t workers = 0;             ///< N
  std::size_t running = 0;             ///< jobs running now
  std::size_t waiting = 0;             ///< jobs queued now and not yet taken by a worker
  std::size_t peak_running = 0;        ///< the most jobs ever running at once (never above N)
  std::size_t peak_waiting = 0;        ///< the most jobs ever waiting at once (never above Q)
  std::uint64_t completed = 0;         ///< jobs that ran
  std::uint64_t refused_full = 0;      ///< refused on arrival: Q jobs were waiting
  std::uint64_t refused_expired = 0;   ///< refused because their deadline passed before they started
  std::uint64_t refused_shutdown = 0;  ///< refused because the gate was being destroyed
};

namespace detail {
template <class T>
struct GateResult {
  using type = Result<T>;
};
// A job that itself returns a Result gives that Result, not a nested one.
template <class T>
struct GateResult<Result<T>> {
  using type = Result<T>;
};
}  // namespace detail

/// Bounds password work (DESIGN §4): it runs only on the gate's own N worker
/// threads, at most N at a time; at most Q jobs wait, each until a deadline;
/// anything beyond is refused with ErrorCode::overloaded and a retry_after
/// hint (the server answers 503 with Retry-After). So a flood of logins
/// costs at most N hashes' memory and CPU, and never blocks the threads that
/// serve other requests.
///
/// Two ways in:
///  - submit(): asynchronous, for event loops. The completion is called
///    exactly once: after the work ran (on the worker, right after it), or
///    with ErrorCode::overloaded when the queue is full (at once, on the
///    caller's thread, before submit() returns), when the deadline passes
///    before the work started (on a gate thread, at the deadline or as soon
///    after it as a thread is scheduled), or when the gate is destroyed first
///    (on the destroying thread).
///  - run(): synchronous; blocks the caller until its work ran on a worker or
///    was refused. Not allowed on the gate's own threads (from inside a job
///    or a completion): it returns ErrorCode::invalid_argument there instead
///    of waiting for a worker that may be itself.
///
/// Thread-safe. The destructor lets running jobs finish, refuses the queued
/// ones (refused_shutdown) and joins its threads; it must not run on one of
/// them, and nothing but the gate's own completions may call submit() once
/// it has started (those are refused).
class AUTHCORE_API HashGate {
 public:
  /// The clock deadlines are measured on.
  using Clock = std::chrono::steady_clock;
  /// The password work. It must not throw (an exception escaping it calls
  /// std::terminate, as one escaping a std::thread does); run() lifts this.
  using Work = std::function<void()>;
  /// Called exactly once with success or ErrorCode::overloaded. Keep it short
  /// and non-throwing (post the result to your own executor): it runs on a
  /// gate thread, or inside submit().
  using Completion = std::function<void(Result<void>)>;

  /// Starts N worker threads and one deadline thread. Throws
  /// std::system_error if the threads cannot be created.
  explicit HashGate(HashGateOptions options = {});
  ~HashGate();
  HashGate(const HashGate&) = delete;
  HashGate& operator=(const HashGate&) = delete;

  /// Queues `work` with the deadline now + max_wait; see the class comment
  /// for when and where `done` is called.
  void submit(Work work, Completion done);
  /// As above with an explicit deadline by which the work must have started.
  void submit(Work work, Completion done, Clock::time_point deadline);

  /// Runs `work` on a worker and returns what it returned, as a Result: a
  /// job returning T gives Result<T>, one returning Result<T> gives that
  /// Result, and void gives Result<void>. Fails with ErrorCode::overloaded
  /// when the gate refused the job (queue full, deadline passed, shutting
  /// down), and with ErrorCode::invalid_argument when called on one of the
  /// gate's own threads. An exception thrown by `work` is rethrown here.
  template <class Fn>
  typename detail::GateResult<std::invoke_result_t<Fn&>>::type run(Fn&& work);

  /// The counters now.
  HashGateStats stats() const;
  /// The options in force (workers resolved, max_wait raised to its minimum).
  const HashGateOptions& options() const noexcept;

 private:
  Result<void> run_blocking(Work work);

  class Impl;
  std::unique_ptr<Impl> impl_;
};

template <class Fn>
typename detail::GateResult<std::invoke_result_t<Fn&>>::type HashGate::run(Fn&& work) {
  using Value = std::invoke_result_t<Fn&>;
  // What the work produced, filled on the worker and read here only after
  // run_blocking() has synchronised with it.
  std::optional<std::conditional_t<std::is_void_v<Value>, std::monostate, Value>> value;
  std::exception_ptr failure;
  const Result<void> admitted = run_blocking([&] {
    try {
      if constexpr (std::is_void_v<Value>) {
        work();
        value.emplace();
      } else {
        value.emplace(work());
      }
    } catch (...) {
      failure = std::current_exception();
    }
  });
  if (!admitted) return admitted.error();
  if (failure) std::rethrow_exception(failure);
  if constexpr (std::is_void_v<Value>) {
    return {};
  } else {
    return std::move(*value);
  }
}

}  // namespace authcore

#endif  // AUTHCORE_HASH_GATE_HPP
