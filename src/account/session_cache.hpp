// Internal: the Authenticator's per-process cache of session state, so that
// authenticate() does not ask the store on every request (DESIGN §5).
#ifndef AUTHCORE_ACCOUNT_SESSION_CACHE_HPP
#define AUTHCORE_ACCOUNT_SESSION_CACHE_HPP

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "authcore/clock.hpp"

namespace authcore::detail {

/// Remembers, per session id, whether the store last said the session was
/// active and when. An "active" answer is trusted for `staleness`; an
/// "inactive" one for ever, since a revoked, expired or deleted session never
/// comes back (session ids are 128-bit random values, never reused).
/// Sharded by hash so that request threads rarely share a lock; each shard
/// holds at most capacity / shards entries and is emptied when full (the
/// cost is only extra store queries, never a wrong answer).
class SessionCache {
 public:
  SessionCache(std::chrono::milliseconds staleness, std::size_t capacity);

  /// The cached state of `session_id` if it is still trustworthy at `now`.
  std::optional<bool> lookup(std::string_view session_id, Clock::time_point now) const;
  /// Records what the store said at `now`. Active answers are not kept when
  /// staleness is zero.
  void remember(std::string_view session_id, bool active, Clock::time_point now);
  /// Records that this process revoked the session (logout, reuse).
  void forget_active(std::string_view session_id) { remember(session_id, false, {}); }

 private:
  static constexpr std::size_t kShards = 16;
  struct Entry {
    bool active;
    Clock::time_point checked_at;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };

  Shard& shard_for(std::string_view session_id) const noexcept;

  std::chrono::milliseconds staleness_;
  std::size_t shard_capacity_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace authcore::detail

#endif
