// Internal: how a store hears of other processes' writes, for the
// Authenticator's session cache (UserStore::session_changes(), DESIGN §5).
#ifndef AUTHCORE_STORES_CHANGE_FEED_HPP
#define AUTHCORE_STORES_CHANGE_FEED_HPP

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "authcore/user_store.hpp"

namespace authcore::detail {

/// The generation and completeness a watcher maintains; read lock-free on
/// every request.
class ChangeFeed {
 public:
  SessionChanges read() const noexcept {
    // Completeness first: a watcher that restores it bumps the generation
    // before setting it, so a reader that sees it restored also sees the
    // new generation.
    const bool complete = complete_.load(std::memory_order_acquire);
    return {generation_.load(std::memory_order_acquire), complete};
  }
  /// Another process changed something.
  void changed() noexcept { generation_.fetch_add(1, std::memory_order_acq_rel); }
  /// Changes may go unheard from now on.
  void lost() noexcept { complete_.store(false, std::memory_order_release); }
  /// Heard again; what happened meanwhile is unknown, so it counts as a change.
  void restored() noexcept {
    changed();
    complete_.store(true, std::memory_order_release);
  }

 private:
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> complete_{true};
};

/// A thread that runs `step` until destroyed; `step` gets a function that
/// sleeps for a while unless the thread is being stopped, and returns false
/// when it is (so the step returns at once).
class WatcherThread {
 public:
  using Pause = std::function<bool(std::chrono::milliseconds)>;

  // The thread runs a std::function, not the lambda itself: std::thread's
  // state type would then name the lambda, an inline function's type of
  // vague linkage, and the shared libraries would export it.
  explicit WatcherThread(std::function<void(const Pause&)> step)
      : thread_(std::function<void()>([this, step = std::move(step)] {
          const Pause pause = [this](std::chrono::milliseconds period) { return sleep_unless_stopped(period); };
          while (!stopping()) step(pause);
        })) {}

  ~WatcherThread() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  WatcherThread(const WatcherThread&) = delete;
  WatcherThread& operator=(const WatcherThread&) = delete;

 private:
  bool stopping() {
    const std::lock_guard lock(mutex_);
    return stopping_;
  }

  bool sleep_unless_stopped(std::chrono::milliseconds period) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, period, [this] { return stopping_; });
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  ///< last: started once the members it uses exist
};

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_CHANGE_FEED_HPP
