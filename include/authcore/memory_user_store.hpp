// authcore/memory_user_store.hpp: a UserStore in process memory.
#ifndef AUTHCORE_MEMORY_USER_STORE_HPP
#define AUTHCORE_MEMORY_USER_STORE_HPP

#include <functional>
#include <map>
#include <set>
#include <shared_mutex>
#include <string>

#include "authcore/export.hpp"
#include "authcore/user_store.hpp"

namespace authcore {

/// A UserStore that keeps everything in this process's memory, behind one
/// reader-writer lock: for tests, examples and single-process services that
/// accept losing every user and session on restart. Never fails with a
/// store_* error; otherwise it behaves exactly like the database backends
/// (the same contract tests run against all three).
class AUTHCORE_API InMemoryUserStore final : public UserStore {
 public:
  InMemoryUserStore() = default;

 private:
  struct SessionRecord {
    Session session;
    std::set<std::string, std::less<>> spent_jtis;  ///< remembered for reuse detection (RFC 9700 §4.14.2)
  };

  Result<void> do_create_user(const User& user) override;
  Result<std::size_t> do_import_users(const std::vector<User>& users) override;
  Result<User> do_find_user(std::string_view username) const override;
  Result<User> do_find_user_by_email(std::string_view email) const override;
  Result<std::vector<User>> do_list_users() const override;
  Result<void> do_set_disabled(std::string_view username, bool disabled) override;
  Result<void> do_set_roles(std::string_view username, const std::set<std::string>& roles) override;
  Result<void> do_update_password_hash(std::string_view username, std::string_view expected_hash,
                                       std::string_view new_hash) override;
  Result<void> do_delete_user(std::string_view username) override;
  Result<void> do_create_session(const SessionStart& start) override;
  Result<Session> do_rotate(const RotationRequest& rotation) override;
  Result<Session> do_find_session(std::string_view session_id) const override;
  Result<void> do_revoke_session(std::string_view session_id) override;
  Result<std::size_t> do_revoke_all_sessions(std::string_view username, std::string_view except_session_id) override;
  Result<std::vector<Session>> do_list_sessions(std::string_view username, std::int64_t now,
                                                std::chrono::seconds inactivity_timeout) const override;
  Result<std::optional<std::string>> do_active_session_owner(std::string_view session_id,
                                                             std::int64_t now) const override;
  Result<std::size_t> do_purge_expired(std::int64_t now, std::chrono::seconds inactivity_timeout) override;
  Result<void> do_ping() const override;

  /// conflict when `user`'s username or e-mail address is taken, in the
  /// store or by one of `batch` (the usernames and folded e-mail addresses
  /// of an import so far); the caller holds the lock.
  Result<void> check_available(const User& user, const std::set<std::string, std::less<>>& batch) const;
  /// Adds a user that check_available() accepted; the caller holds the lock exclusively.
  void insert(const User& user);

  /// Revokes the user's sessions but `except_session_id`; returns how many.
  /// The caller holds the lock exclusively.
  std::size_t revoke_sessions_of(std::string_view username, std::string_view except_session_id);

  /// Deletes the matching sessions and forgets their jtis; the caller holds
  /// the lock exclusively. Returns how many were deleted.
  std::size_t erase_sessions_if(const std::function<bool(const Session&)>& should_erase);

  mutable std::shared_mutex mutex_;
  std::map<std::string, User, std::less<>> users_;
  /// E-mail address, ASCII-lower-cased, to username: the case-insensitive
  /// unique index of the database backends.
  std::map<std::string, std::string, std::less<>> emails_;
  std::map<std::string, SessionRecord, std::less<>> sessions_;
  /// Every refresh jti in use (live or spent), so that jtis stay unique
  /// across the store as they do in the databases' primary key.
  std::set<std::string, std::less<>> jtis_;
};

}  // namespace authcore

#endif  // AUTHCORE_MEMORY_USER_STORE_HPP
