// The background purge of expired sessions (--purge-interval): nothing else
// deletes them, so without it the sessions table only grows.
#ifndef AUTHCORE_SERVER_SESSION_PURGE_HPP
#define AUTHCORE_SERVER_SESSION_PURGE_HPP

#include <atomic>
#include <chrono>

#include "authcore/user_store.hpp"
#include "metrics.hpp"
#include "service.hpp"

namespace authcore_server {

/// Runs UserStore::purge_expired() on the blocking executor (a store call,
/// possibly long on a large table, never on a network thread), one purge at
/// a time. A purge that deleted sessions logs one stderr line and adds to
/// `authcore_sessions_purged_total`; one that failed logs the error (and
/// the store counts it in `authcore_store_errors_total`).
class SessionPurge {
 public:
  /// Everything must outlive the purge, and the executor must have run or
  /// dropped every purge handed to it before the purge goes.
  /// With a positive `inactivity_timeout` (--session-inactivity-timeout),
  /// the sessions inactive for longer are deleted too. Default: none.
  SessionPurge(authcore::UserStore& store, BlockingExecutor blocking, Metrics& metrics,
               std::chrono::seconds inactivity_timeout = std::chrono::seconds{0});

  /// Hands a purge to the executor, unless the previous one is still
  /// running. For the maintenance timer: cheap, never blocks.
  void start();

 private:
  void purge();

  authcore::UserStore& store_;
  BlockingExecutor blocking_;
  Metrics& metrics_;
  std::chrono::seconds inactivity_timeout_;
  std::atomic<bool> running_{false};
};

}  // namespace authcore_server

#endif
