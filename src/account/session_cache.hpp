// Internal: the Authenticator's per-process cache of session state, so that
// authenticate() does not ask the store on every request (DESIGN §5).
#ifndef AUTHCORE_ACCOUNT_SESSION_CACHE_HPP
#define AUTHCORE_ACCOUNT_SESSION_CACHE_HPP

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "authcore/clock.hpp"
#include "authcore/user_store.hpp"

namespace authcore::detail {

/// Remembers, per session id, whether the store last said the session was
/// active, whose it is, when, and at which of the store's change
/// generations (UserStore::session_changes()). An "active" answer is
/// trusted while the generation is the same, the store hears of every
/// change (SessionChanges::complete) and for at most `staleness` (which
/// bounds only sessions ending by expiry: every revocation moves the
/// generation); an "inactive" one for ever, since a revoked, expired or
/// deleted session never comes back (session ids are 128-bit random values,
/// never reused), and neither does a disabled user's (disabling revokes).
/// Sharded by hash so that request threads rarely share a lock; each shard
/// holds at most capacity / shards entries and is emptied when full (the
/// cost is only extra store queries, never a wrong answer).
class SessionCache {
 public:
  SessionCache(std::chrono::milliseconds staleness, std::size_t capacity);

  /// Whether `session_id` is active and `subject`'s, if what is cached is
  /// still trustworthy at `now`: false when it ended or is another user's.
  std::optional<bool> lookup(std::string_view session_id, std::string_view subject, Clock::time_point now,
                             const SessionChanges& changes) const;
  /// Records what the store said at `now`, asked at change `generation`
  /// (read before asking): the active session's owner, or nullopt when it
  /// is not active. Active answers are not kept when staleness is zero.
  void remember(std::string_view session_id, std::optional<std::string_view> owner, Clock::time_point now,
                std::uint64_t generation);
  /// Records that this process revoked the session (logout, reuse).
  void forget_active(std::string_view session_id) { remember(session_id, std::nullopt, {}, 0); }

 private:
  static constexpr std::size_t kShards = 16;
  struct Entry {
    std::optional<std::string> owner;  ///< nullopt: the session has ended
    Clock::time_point checked_at;
    std::uint64_t generation;
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
