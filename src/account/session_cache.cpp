#include "account/session_cache.hpp"

#include <algorithm>
#include <functional>

namespace authcore::detail {

SessionCache::SessionCache(std::chrono::milliseconds staleness, std::size_t capacity)
    : staleness_(std::max(staleness, std::chrono::milliseconds{0})),
      shard_capacity_(std::max<std::size_t>(capacity / kShards, 1)) {}

SessionCache::Shard& SessionCache::shard_for(std::string_view session_id) const noexcept {
  return shards_[std::hash<std::string_view>{}(session_id) % kShards];
}

std::optional<bool> SessionCache::lookup(std::string_view session_id, std::string_view subject, Clock::time_point now,
                                         const SessionChanges& changes) const {
  Shard& shard = shard_for(session_id);
  const std::lock_guard lock(shard.mutex);
  // std::unordered_map has no heterogeneous lookup in C++17; a per-thread
  // key buffer keeps the hot path free of allocations.
  thread_local std::string key;
  key.assign(session_id);
  const auto found = shard.entries.find(key);
  if (found == shard.entries.end()) return std::nullopt;
  const Entry& entry = found->second;
  if (!entry.owner) return false;
  if (!changes.complete || entry.generation != changes.generation || now - entry.checked_at > staleness_) {
    return std::nullopt;
  }
  return *entry.owner == subject;
}

void SessionCache::remember(std::string_view session_id, std::optional<std::string_view> owner, Clock::time_point now,
                            std::uint64_t generation) {
  if (owner && staleness_.count() == 0) return;
  Shard& shard = shard_for(session_id);
  const std::lock_guard lock(shard.mutex);
  if (shard.entries.size() >= shard_capacity_) shard.entries.clear();
  shard.entries.insert_or_assign(std::string(session_id),
                                 Entry{owner ? std::optional<std::string>(*owner) : std::nullopt, now, generation});
}

}  // namespace authcore::detail
