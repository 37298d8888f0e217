#include "authcore/memory_user_store.hpp"

#include <algorithm>
#include <mutex>
#include <tuple>

#include "detail/ascii_names.hpp"
#include "stores/rotation_rules.hpp"
#include "stores/store_errors.hpp"

namespace authcore {

namespace {

// Keys of an import batch: usernames as they are, e-mail addresses folded
// and marked so that neither can pass for the other.
std::string email_key(const std::string& email) { return "@" + detail::ascii_lower(email); }
std::string username_key(const std::string& username) { return "u" + username; }

}  // namespace

Result<void> InMemoryUserStore::check_available(const User& user,
                                                const std::set<std::string, std::less<>>& batch) const {
  if (users_.count(user.username) != 0 || batch.count(username_key(user.username)) != 0) {
    return detail::username_taken();
  }
  if (!user.email) return {};
  if (emails_.count(detail::ascii_lower(*user.email)) != 0 || batch.count(email_key(*user.email)) != 0) {
    return detail::email_taken();
  }
  return {};
}

void InMemoryUserStore::insert(const User& user) {
  users_.emplace(user.username, user);
  if (user.email) emails_.emplace(detail::ascii_lower(*user.email), user.username);
}

Result<void> InMemoryUserStore::do_create_user(const User& user) {
  std::unique_lock lock(mutex_);
  if (auto available = check_available(user, {}); !available) return available;
  insert(user);
  return {};
}

Result<std::size_t> InMemoryUserStore::do_import_users(const std::vector<User>& users) {
  std::unique_lock lock(mutex_);
  std::set<std::string, std::less<>> batch;
  for (const auto& user : users) {
    if (auto available = check_available(user, batch); !available) {
      return detail::not_imported(user.username, available.error());
    }
    batch.insert(username_key(user.username));
    if (user.email) batch.insert(email_key(*user.email));
  }
  for (const auto& user : users) insert(user);
  return users.size();
}

Result<User> InMemoryUserStore::do_find_user(std::string_view username) const {
  std::shared_lock lock(mutex_);
  const auto user = users_.find(username);
  if (user == users_.end()) return detail::no_such_user();
  return user->second;
}

Result<User> InMemoryUserStore::do_find_user_by_email(std::string_view email) const {
  std::shared_lock lock(mutex_);
  const auto owner = emails_.find(detail::ascii_lower(email));
  if (owner == emails_.end()) return detail::no_such_user();
  return users_.find(owner->second)->second;
}

Result<std::vector<User>> InMemoryUserStore::do_list_users() const {
  std::shared_lock lock(mutex_);
  std::vector<User> users;
  users.reserve(users_.size());
  for (const auto& entry : users_) users.push_back(entry.second);
  return users;
}

Result<void> InMemoryUserStore::do_set_disabled(std::string_view username, bool disabled) {
  std::unique_lock lock(mutex_);
  const auto user = users_.find(username);
  if (user == users_.end()) return detail::no_such_user();
  user->second.disabled = disabled;
  if (disabled) revoke_sessions_of(username, {});
  return {};
}

Result<void> InMemoryUserStore::do_set_roles(std::string_view username, const std::set<std::string>& roles) {
  std::unique_lock lock(mutex_);
  const auto user = users_.find(username);
  if (user == users_.end()) return detail::no_such_user();
  user->second.roles = roles;
  return {};
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
  if (user->second.email) emails_.erase(detail::ascii_lower(*user->second.email));
  users_.erase(user);
  erase_sessions_if([username](const Session& session) { return session.username == username; });
  return {};
}

Result<void> InMemoryUserStore::do_create_session(const SessionStart& start) {
  std::unique_lock lock(mutex_);
  const auto user = users_.find(start.username);
  if (user == users_.end()) return detail::no_such_user();
  if (user->second.disabled) return detail::user_disabled();
  if (sessions_.count(start.session_id) != 0 || jtis_.count(start.first_refresh_jti) != 0) {
    return detail::session_or_jti_taken();
  }
  Session session{std::string(start.session_id),
                  std::string(start.username),
                  std::string(start.first_refresh_jti),
                  start.expires_at,
                  false,
                  std::string(start.scope)};
  session.created_at = start.created_at;
  session.last_refreshed_at = start.created_at;
  session.client_address = std::string(start.client_address);
  session.user_agent = std::string(start.user_agent);
  sessions_.emplace(start.session_id, SessionRecord{std::move(session), {}});
  jtis_.emplace(start.first_refresh_jti);
  return {};
}

Result<Session> InMemoryUserStore::do_rotate(const RotationRequest& rotation) {
  std::unique_lock lock(mutex_);
  const auto found = sessions_.find(rotation.session_id);
  if (found == sessions_.end()) return detail::rotation_refused();
  SessionRecord& record = found->second;
  switch (detail::rotation_step(record.session, rotation)) {
    case detail::RotationStep::reissue: return record.session;
    case detail::RotationStep::refuse:
      // RFC 9700 §4.14.2: a refresh token used twice means one of the two
      // users is an attacker, and the server cannot tell which: end the family.
      record.session.revoked = true;
      return detail::rotation_refused();
    case detail::RotationStep::rotate: break;
  }
  if (jtis_.count(rotation.next_jti) != 0) return detail::jti_taken();
  record.spent_jtis.emplace(rotation.presented_jti);
  detail::record_rotation(record.session, rotation);
  jtis_.emplace(rotation.next_jti);
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
  return revoke_sessions_of(username, except_session_id);
}

std::size_t InMemoryUserStore::revoke_sessions_of(std::string_view username, std::string_view except_session_id) {
  std::size_t revoked = 0;
  for (auto& [id, record] : sessions_) {
    Session& session = record.session;
    if (session.username != username || session.revoked || id == except_session_id) continue;
    session.revoked = true;
    ++revoked;
  }
  return revoked;
}

Result<std::vector<Session>> InMemoryUserStore::do_list_sessions(std::string_view username, std::int64_t now,
                                                                 std::chrono::seconds inactivity_timeout) const {
  std::shared_lock lock(mutex_);
  std::vector<Session> live;
  for (const auto& entry : sessions_) {
    const Session& session = entry.second.session;
    if (session.username == username && session.is_live(now, inactivity_timeout)) live.push_back(session);
  }
  std::sort(live.begin(), live.end(), [](const Session& a, const Session& b) {
    return std::tie(a.created_at, a.session_id) < std::tie(b.created_at, b.session_id);
  });
  return live;
}

Result<std::optional<std::string>> InMemoryUserStore::do_active_session_owner(std::string_view session_id,
                                                                              std::int64_t now) const {
  std::shared_lock lock(mutex_);
  const auto found = sessions_.find(session_id);
  if (found == sessions_.end() || !found->second.session.is_active(now)) return std::optional<std::string>();
  const std::string& owner = found->second.session.username;
  if (users_.find(owner)->second.disabled) return std::optional<std::string>();
  return std::optional<std::string>(owner);
}

Result<std::size_t> InMemoryUserStore::do_purge_expired(std::int64_t now, std::chrono::seconds inactivity_timeout) {
  std::unique_lock lock(mutex_);
  return erase_sessions_if([now, inactivity_timeout](const Session& session) {
    return session.expires_at < now ||
           (inactivity_timeout.count() > 0 && session.last_refreshed_at + inactivity_timeout.count() < now);
  });
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
