// authcore-server: the /users/me bodies of recent users, so that the hot
// path neither reads the store nor writes JSON for a user that has not
// changed (DESIGN §8).
#ifndef AUTHCORE_SERVER_PROFILE_CACHE_HPP
#define AUTHCORE_SERVER_PROFILE_CACHE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "authcore/user_store.hpp"

namespace authcore_server {

/// A body is good while the store's change generation
/// (UserStore::session_changes()) is the one it was made at and the store
/// hears of every change: every write that can change a user (disable,
/// roles, password, delete) moves it, at once for this process's writes and
/// as soon as the store hears of other processes'. Sharded so that request
/// threads rarely share a lock; a full shard is emptied (the cost is a
/// store lookup, never a wrong answer).
class ProfileCache {
 public:
  explicit ProfileCache(std::size_t capacity = 65'536);

  /// The body made for `username`, when it is still good under `changes`.
  std::optional<std::string> find(std::string_view username, const authcore::SessionChanges& changes) const;
  /// Keeps `body`, made from the store's answer at change `generation`
  /// (read before asking).
  void remember(std::string_view username, std::uint64_t generation, std::string body);

 private:
  static constexpr std::size_t kShards = 16;
  struct Entry {
    std::uint64_t generation;
    std::string body;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };

  Shard& shard_for(std::string_view username) const noexcept;

  std::size_t shard_capacity_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace authcore_server

#endif  // AUTHCORE_SERVER_PROFILE_CACHE_HPP
