#include "profile_cache.hpp"

#include <algorithm>
#include <functional>
#include <utility>

namespace authcore_server {

ProfileCache::ProfileCache(std::size_t capacity) : shard_capacity_(std::max<std::size_t>(capacity / kShards, 1)) {}

ProfileCache::Shard& ProfileCache::shard_for(std::string_view username) const noexcept {
  return shards_[std::hash<std::string_view>{}(username) % kShards];
}

std::optional<std::string> ProfileCache::find(std::string_view username,
                                              const authcore::SessionChanges& changes) const {
  if (!changes.complete) return std::nullopt;
  Shard& shard = shard_for(username);
  const std::lock_guard lock(shard.mutex);
  // No heterogeneous lookup in C++17's unordered_map: a per-thread key
  // buffer keeps the hot path free of allocations.
  thread_local std::string key;
  key.assign(username);
  const auto found = shard.entries.find(key);
  if (found == shard.entries.end() || found->second.generation != changes.generation) return std::nullopt;
  return found->second.body;
}

void ProfileCache::remember(std::string_view username, std::uint64_t generation, std::string body) {
  Shard& shard = shard_for(username);
  const std::lock_guard lock(shard.mutex);
  if (shard.entries.size() >= shard_capacity_) shard.entries.clear();
  shard.entries.insert_or_assign(std::string(username), Entry{generation, std::move(body)});
}

}  // namespace authcore_server
