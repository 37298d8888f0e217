#include "authcore/memory_user_store.hpp"

#include <mutex>

#include "stores/store_errors.hpp"

namespace authcore {

Result<void> InMemoryUserStore::do_create_user(const User& user) {
  std::unique_lock lock(mutex_);
  if (!users_.emplace(user.username, user).second) return detail::username_taken();
  return {};
}

Result<User> InMemoryUserStore::do_find_user(std::string_view username) const {
  std::shared_lock lock(mutex_);
  const auto user = users_.find(username);
  if (user == users_.end()) return detail::no_such_user();
  return user->second;
}

Result<void> InMemoryUserStore::do_update_password_hash(std::string_view username, std::string_view expected_hash,
                                                        std::string_view new_hash) {
  std::unique_lock lock(mutex_);
  const auto user = users_.find(username);
  if (user == users_.end()) return detail::no_such_user();
  if (user->second.password_hash != expected_hash) return detail::password_hash_changed();
  user->second.password_hash = std::string(new_hash);
  return {};
}

Result<void> InMemoryUserStore::do_delete_user(std::string_view username) {
  std::unique_lock lock(mutex_);
  const auto user = users_.find(username);
  if (user == users_.end()) return detail::no_such_user();
  users_.erase(user);
  erase_sessions_if([username](const Session& session) { return session.username == username; });
  return {};
}

Result<void> InMemoryUserStore::do_create_session(std::string_view username, std::string_view session_id,
                                                  std::string_view first_refresh_jti, std::int64_t expires_at) {
  std::unique_lock lock(mutex_);
  if (users_.find(username) == users_.end()) return detail::no_such_user();
  if (sessions_.count(session_id) != 0 || jtis_.count(first_refresh_jti) != 0) {
    return detail::session_or_jti_taken();
  }
  Session session{std::string(session_id), std::string(username), std::string(first_refresh_jti), expires_at, false};
  sessions_.emplace(session_id, SessionRecord{std::move(session), {}});
  jtis_.emplace(first_refresh_jti);
  return {};
}

Result<Session> InMemoryUserStore::do_rotate(std::string_view session_id, std::string_view presented_jti,
                                             std::string_view next_jti, std::int64_t now) {
  std::unique_lock lock(mutex_);
  const auto found = sessions_.find(session_id);
  if (found == sessions_.end()) return detail::rotation_refused();
  SessionRecord& record = found->second;
  if (record.session.current_jti != presented_jti || !record.session.is_active(now)) {
    // RFC 9700 §4.14.2: a refresh token used twice means one of the two
    // users is an attacker, and the server cannot tell which: end the family.
    record.session.revoked = true;
    return detail::rotation_refused();
  }
  if (jtis_.count(next_jti) != 0) return detail::jti_taken();
  record.spent_jtis.emplace(presented_jti);
  record.session.current_jti = std::string(next_jti);
  jtis_.emplace(next_jti);
  return record.session;
}

Result<Session> InMemoryUserStore::do_find_session(std::string_view session_id) const {
  std::shared_lock lock(mutex_);
  const auto found = sessions_.find(session_id);
  if (found == sessions_.end()) return detail::no_such_session();
  return found->second.session;
}

Result<void> InMemoryUserStore::do_revoke_session(std::string_view session_id) {
  std::unique_lock lock(mutex_);
  const auto found = sessions_.find(session_id);
  if (found == sessions_.end()) return detail::no_such_session();
  found->second.session.revoked = true;
  return {};
}

Result<std::size_t> InMemoryUserStore::do_revoke_all_sessions(std::string_view username,
                                                              std::string_view except_session_id) {
  std::unique_lock lock(mutex_);
  if (users_.find(username) == users_.end()) return detail::no_such_user();
  std::size_t revoked = 0;
  for (auto& [id, record] : sessions_) {
    Session& session = record.session;
    if (session.username != username || session.revoked || id == except_session_id) continue;
    session.revoked = true;
    ++revoked;
  }
  return revoked;
}

Result<bool> InMemoryUserStore::do_is_session_active(std::string_view session_id, std::int64_t now) const {
  std::shared_lock lock(mutex_);
  const auto found = sessions_.find(session_id);
  return found != sessions_.end() && found->second.session.is_active(now);
}

Result<std::size_t> InMemoryUserStore::do_purge_expired(std::int64_t now) {
  std::unique_lock lock(mutex_);
  return erase_sessions_if([now](const Session& session) { return session.expires_at < now; });
}

Result<void> InMemoryUserStore::do_ping() const { return {}; }

std::size_t InMemoryUserStore::erase_sessions_if(const std::function<bool(const Session&)>& should_erase) {
  std::size_t erased = 0;
  for (auto record = sessions_.begin(); record != sessions_.end();) {
    if (!should_erase(record->second.session)) {
      ++record;
      continue;
    }
    for (const auto& jti : record->second.spent_jtis) jtis_.erase(jti);
    jtis_.erase(record->second.session.current_jti);
    record = sessions_.erase(record);
    ++erased;
  }
  return erased;
}

}  // namespace authcore
