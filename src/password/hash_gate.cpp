#include "authcore/hash_gate.hpp"

#if defined(__linux__)
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#endif

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace authcore {
namespace {

constexpr std::chrono::milliseconds kMinWait{1};
constexpr std::chrono::seconds kMinRetryAfter{1};
constexpr const char* kShuttingDown = "the password work gate is shutting down";
constexpr const char* kDeadlinePassed = "password work waited past its deadline";

// The gate whose thread this is, if any: run() must not block a gate thread
// on its own gate.
thread_local const void* current_gate = nullptr;

// Linux gives each thread a nice value of its own (setpriority(2), NOTES),
// so the workers can yield to the process's other threads; raising it needs
// no privilege. The name shows the workers in top -H and perf.
void become_worker(int niceness) noexcept {
#if defined(__linux__)
  (void)pthread_setname_np(pthread_self(), "authcore-hash");
  if (niceness <= 0) return;
  const auto thread = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int current = ::getpriority(PRIO_PROCESS, thread);
  if (errno == 0) (void)::setpriority(PRIO_PROCESS, thread, current + niceness);
#else
  (void)niceness;
#endif
}

HashGateOptions resolved(HashGateOptions options) {
  if (options.workers == 0) options.workers = std::max(1U, std::thread::hardware_concurrency());
  options.max_wait = std::max(options.max_wait, kMinWait);
  return options;
}

struct Job {
  HashGate::Work work;
  HashGate::Completion done;
  HashGate::Clock::time_point deadline;
};

// Destroys the work before the completion runs, so nothing the work
// captured outlives the moment its submitter learns the outcome.
void complete(Job& job, Result<void> outcome) noexcept {
  job.work = nullptr;
  job.done(std::move(outcome));
}

void refuse(Job& job, const char* why, std::chrono::seconds retry_after) noexcept {
  complete(job, Error{ErrorCode::overloaded, why, retry_after});
}

}  // namespace

class HashGate::Impl {
 public:
  explicit Impl(HashGateOptions options) : options_(resolved(options)) {
    stats_.workers = options_.workers;
    try {
      for (std::size_t i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { work_loop(); });
      threads_.emplace_back([this] { deadline_loop(); });
    } catch (...) {
      shut_down();
      throw;
    }
  }

  void submit(Job job) {
    std::unique_lock lock(mutex_);
    if (stopping_) {
      ++stats_.refused_shutdown;
      lock.unlock();
      refuse(job, kShuttingDown, kMinRetryAfter);
      return;
    }
    // Room for a worker that is free (or about to be) plus Q waiters.
    if (queue_.size() + stats_.running >= options_.workers + options_.max_waiters) {
      ++stats_.refused_full;
      const auto retry_after = retry_after_hint();
      lock.unlock();
      refuse(job, "too much password work queued", retry_after);
      return;
    }
    const bool earlier_deadline = job.deadline < deadline_watched_;
    queue_.push_back(std::move(job));
    stats_.peak_waiting = std::max(stats_.peak_waiting, waiting());
    lock.unlock();
    work_ready_.notify_one();
    if (earlier_deadline) queue_changed_.notify_one();
  }

  HashGateStats stats() const {
    const std::lock_guard lock(mutex_);
    HashGateStats snapshot = stats_;
    snapshot.waiting = waiting();
    return snapshot;
  }

  const HashGateOptions& options() const noexcept { return options_; }

  bool owns_current_thread() const noexcept { return current_gate == this; }

  // Refuses the queued jobs, lets the running ones finish and joins every
  // thread. Runs in ~HashGate(), while the gate is still whole for
  // completions that call submit().
  void shut_down() noexcept {
    std::deque<Job> abandoned;
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
      abandoned.swap(queue_);
      stats_.refused_shutdown += abandoned.size();
    }
    work_ready_.notify_all();
    queue_changed_.notify_all();
    for (auto& job : abandoned) refuse(job, kShuttingDown, kMinRetryAfter);
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

 private:
  // Queued jobs beyond those the free workers are about to take.
  std::size_t waiting() const noexcept {
    const std::size_t free_workers = options_.workers - stats_.running;
    return queue_.size() - std::min(queue_.size(), free_workers);
  }

  // Roughly when a refused caller could be served: the work ahead of it
  // spread over the workers, at the recent mean job time.
  std::chrono::seconds retry_after_hint() const noexcept {
    const auto backlog = static_cast<std::int64_t>(queue_.size() + stats_.running);
    const auto drain = mean_job_time_ * backlog / static_cast<std::int64_t>(options_.workers);
    return std::max(kMinRetryAfter, std::chrono::ceil<std::chrono::seconds>(drain));
  }

  void work_loop() noexcept {
    current_gate = this;
    become_worker(options_.worker_niceness);
    while (auto job = next_job()) run(*job);
  }

  // The next job whose deadline has not passed, refusing those whose has;
  // std::nullopt when the gate shuts down.
  std::optional<Job> next_job() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return std::nullopt;
      Job job = std::move(queue_.front());
      queue_.pop_front();
      if (Clock::now() <= job.deadline) {
        ++stats_.running;
        stats_.peak_running = std::max(stats_.peak_running, stats_.running);
        return job;
      }
      ++stats_.refused_expired;
      const auto retry_after = retry_after_hint();
      lock.unlock();
      refuse(job, kDeadlinePassed, retry_after);
      lock.lock();
    }
  }

  void run(Job& job) noexcept {
    const auto started = Clock::now();
    job.work();
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started);
    {
      const std::lock_guard lock(mutex_);
      --stats_.running;
      ++stats_.completed;
      // An exponential moving average (weight 1/8) follows policy changes
      // within a few jobs.
      mean_job_time_ += (elapsed - mean_job_time_) / 8;
    }
    complete(job, {});
  }

  // Refuses queued jobs when their deadline passes, even while every worker
  // is busy: a caller learns it was refused at its deadline, not whenever a
  // worker frees up.
  void deadline_loop() noexcept {
    current_gate = this;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      deadline_watched_ = earliest_deadline();
      if (Clock::now() <= deadline_watched_) {
        queue_changed_.wait_until(lock, deadline_watched_);
        continue;
      }
      std::vector<Job> expired = take_expired(Clock::now());
      const auto retry_after = retry_after_hint();
      lock.unlock();
      for (auto& job : expired) refuse(job, kDeadlinePassed, retry_after);
      lock.lock();
    }
  }

  Clock::time_point earliest_deadline() const noexcept {
    Clock::time_point earliest = Clock::time_point::max();
    for (const auto& job : queue_) earliest = std::min(earliest, job.deadline);
    return earliest;
  }

  // Removes the queued jobs whose deadline is before `now`, keeping the
  // others in arrival order.
  std::vector<Job> take_expired(Clock::time_point now) {
    const auto expired_begin =
        std::stable_partition(queue_.begin(), queue_.end(), [now](const Job& job) { return !(job.deadline < now); });
    std::vector<Job> expired(std::make_move_iterator(expired_begin), std::make_move_iterator(queue_.end()));
    queue_.erase(expired_begin, queue_.end());
    stats_.refused_expired += expired.size();
    return expired;
  }

  const HashGateOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;     // a job was queued, or shutdown
  std::condition_variable queue_changed_;  // an earlier deadline was queued, or shutdown
  std::deque<Job> queue_;
  Clock::time_point deadline_watched_ = Clock::time_point::max();
  bool stopping_ = false;
  HashGateStats stats_;
  std::chrono::nanoseconds mean_job_time_{0};
  std::vector<std::thread> threads_;
};

HashGate::HashGate(HashGateOptions options) : impl_(std::make_unique<Impl>(options)) {}

HashGate::~HashGate() { impl_->shut_down(); }

void HashGate::submit(Work work, Completion done) {
  submit(std::move(work), std::move(done), Clock::now() + impl_->options().max_wait);
}

void HashGate::submit(Work work, Completion done, Clock::time_point deadline) {
  if (!work || !done) throw std::invalid_argument("HashGate::submit() needs both a work and a completion");
  impl_->submit(Job{std::move(work), std::move(done), deadline});
}

Result<void> HashGate::run_blocking(Work work) {
  if (impl_->owns_current_thread()) {
    return Error{ErrorCode::invalid_argument, "HashGate::run() called on one of the gate's own threads"};
  }
  std::mutex mutex;
  std::condition_variable finished;
  std::optional<Result<void>> outcome;
  submit(std::move(work), [&](Result<void> result) {
    // Notify under the lock: once the waiter sees the outcome it returns and
    // destroys `finished`.
    const std::lock_guard lock(mutex);
    outcome = std::move(result);
    finished.notify_one();
  });
  std::unique_lock lock(mutex);
  finished.wait(lock, [&] { return outcome.has_value(); });
  return std::move(*outcome);
}

HashGateStats HashGate::stats() const { return impl_->stats(); }

const HashGateOptions& HashGate::options() const noexcept { return impl_->options(); }

}  // namespace authcore
