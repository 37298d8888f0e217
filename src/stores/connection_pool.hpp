// Internal: a bounded pool of database connections, shared by the SQLite
// and PostgreSQL stores. A connection serves one thread at a time (neither
// an sqlite3 handle opened NOMUTEX nor a PGconn may be used concurrently).
#ifndef AUTHCORE_STORES_CONNECTION_POOL_HPP
#define AUTHCORE_STORES_CONNECTION_POOL_HPP

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "authcore/result.hpp"

namespace authcore::detail {

/// Hands out at most `max_size` connections, opening them lazily with the
/// given function and keeping returned ones for reuse. `Connection` must
/// have `bool reusable() noexcept`: false when the connection is broken or
/// was left inside a transaction; such a connection is closed instead of
/// being handed out again, which is how a store recovers from a database
/// restart without restarting the process.
template <class Connection>
class ConnectionPool {
 public:
  using Opener = std::function<Result<std::unique_ptr<Connection>>()>;

  /// Gives the connection back to its pool when the lease ends.
  struct GiveBack {
    ConnectionPool* pool = nullptr;
    void operator()(Connection* connection) const noexcept { pool->give_back(std::unique_ptr<Connection>(connection)); }
  };
  using Lease = std::unique_ptr<Connection, GiveBack>;

  ConnectionPool(std::size_t max_size, std::chrono::milliseconds acquire_timeout, Opener open)
      : max_size_(max_size == 0 ? 1 : max_size), acquire_timeout_(acquire_timeout), open_(std::move(open)) {}

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  /// A working connection: an idle one, else a new one while fewer than
  /// max_size are open, else the next one given back. Fails with the
  /// opener's error, or with store_busy when none is free within the
  /// acquire timeout.
  Result<Lease> acquire() {
    const auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
    std::unique_lock lock(mutex_);
    for (;;) {
      if (auto idle = take_reusable_idle()) return Lease(idle.release(), GiveBack{this});
      if (open_count_ < max_size_) return open_new(lock);
      if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_count_ >= max_size_) {
        return Error{ErrorCode::store_busy,
                     "no database connection became free within " + std::to_string(acquire_timeout_.count()) + " ms"};
      }
    }
  }

  /// Puts an already opened connection (e.g. the one migrations ran on)
  /// into the pool, if there is room.
  void adopt(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(mutex_);
    if (open_count_ >= max_size_) return;
    ++open_count_;
    idle_.push_back(std::move(connection));
  }

 private:
  std::unique_ptr<Connection> take_reusable_idle() {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (connection->reusable()) return connection;
      --open_count_;  // broken while idle (e.g. the server restarted): close it
    }
    return nullptr;
  }

  Result<Lease> open_new(std::unique_lock<std::mutex>& lock) {
    ++open_count_;
    lock.unlock();  // connecting can take long; other threads may use idle connections meanwhile
    auto opened = open_();
    if (opened) return Lease(opened->release(), GiveBack{this});
    lock.lock();
    --open_count_;
    freed_.notify_one();
    return opened.error();
  }

  void give_back(std::unique_ptr<Connection> connection) noexcept {
    const bool keep = connection->reusable();
    if (!keep) connection.reset();
    std::lock_guard lock(mutex_);
    if (keep) {
      idle_.push_back(std::move(connection));
    } else {
      --open_count_;
    }
    freed_.notify_one();
  }

  const std::size_t max_size_;
  const std::chrono::milliseconds acquire_timeout_;
  const Opener open_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_count_ = 0;  ///< idle plus leased
};

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_CONNECTION_POOL_HPP
