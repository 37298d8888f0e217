#include "authcore/user_store.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "detail/ascii_names.hpp"
#include "detail/utf8.hpp"

namespace authcore {

namespace {

/// One text argument of a UserStore call. Keys (usernames, session ids,
/// jtis) identify rows and must not be empty.
struct TextArgument {
  std::string_view name;
  std::string_view value;
  bool is_key = true;
};

/// The first argument that no backend could store verbatim: PostgreSQL
/// `text` holds neither NUL bytes nor invalid UTF-8, and libpq's text
/// parameters end at the first NUL, which would silently turn "alice\0x"
/// into "alice". Refusing these everywhere keeps the backends identical.
std::optional<Error> first_invalid(std::initializer_list<TextArgument> arguments) {
  for (const auto& argument : arguments) {
    if (argument.is_key && argument.value.empty()) {
      return Error{ErrorCode::invalid_argument, std::string(argument.name) + " must not be empty"};
    }
    if (argument.value.find('\0') != std::string_view::npos) {
      return Error{ErrorCode::invalid_argument, std::string(argument.name) + " contains a NUL byte"};
    }
    if (!detail::is_valid_utf8(argument.value)) {
      return Error{ErrorCode::invalid_argument, std::string(argument.name) + " is not valid UTF-8"};
    }
  }
  return std::nullopt;
}

/// A negative duration (reuse interval, inactivity timeout) has no meaning.
std::optional<Error> first_negative(std::initializer_list<std::chrono::seconds> durations) {
  for (const auto duration : durations) {
    if (duration.count() < 0) return Error{ErrorCode::invalid_argument, "a duration must not be negative"};
  }
  return std::nullopt;
}

// A failure of the store itself (a database down, locked, full or broken),
// as opposed to an answer about the data (not_found, conflict, revoked).
bool is_store_failure(ErrorCode code) noexcept {
  return code == ErrorCode::store_unavailable || code == ErrorCode::store_busy || code == ErrorCode::store_full ||
         code == ErrorCode::store_error;
}

TextArgument username_argument(std::string_view value) { return {"username", value}; }
TextArgument session_argument(std::string_view value) { return {"session id", value}; }

/// Roles are stored space-separated, so a name must not hold a space (nor
/// anything else an OAuth scope-token cannot hold).
std::optional<Error> first_invalid_role(const std::set<std::string>& roles) {
  for (const auto& role : roles) {
    if (!detail::is_valid_scope_name(role)) {
      return Error{ErrorCode::invalid_argument,
                   "role \"" + role + R"(" is not 1 to 64 printable ASCII characters without space, '"' or '\')"};
    }
  }
  return std::nullopt;
}

std::optional<Error> first_invalid(const User& user) {
  if (auto error = first_invalid({username_argument(user.username),
                                  {"password hash", user.password_hash, false},
                                  {"email", user.email.value_or(std::string()), false},
                                  {"full name", user.full_name.value_or(std::string()), false}})) {
    return error;
  }
  return first_invalid_role(user.roles);
}

}  // namespace

nlohmann::ordered_json profile_json(const User& user) {
  const auto optional = [](const std::optional<std::string>& text) {
    return text ? nlohmann::ordered_json(*text) : nlohmann::ordered_json(nullptr);
  };
  return nlohmann::ordered_json{{"username", user.username},
                                {"email", optional(user.email)},
                                {"full_name", optional(user.full_name)},
                                {"disabled", user.disabled},
                                {"roles", user.roles}};
}

SessionInfo session_info(const Session& session, bool current) {
  return SessionInfo{session.session_id,
                     session.created_at,
                     session.last_refreshed_at,
                     session.expires_at,
                     session.client_address,
                     session.user_agent,
                     current};
}

nlohmann::ordered_json session_json(const SessionInfo& session) {
  const auto unless_empty = [](const std::string& text) {
    return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
  };
  return nlohmann::ordered_json{{"id", session.session_id},
                                {"created_at", session.created_at},
                                {"last_refreshed_at", session.last_refreshed_at},
                                {"expires_at", session.expires_at},
                                {"client_address", unless_empty(session.client_address)},
                                {"user_agent", unless_empty(session.user_agent)},
                                {"current", session.current}};
}

UserStore::~UserStore() = default;

template <class T>
Result<T> UserStore::counted(Result<T> result) const {
  if (!result && is_store_failure(result.error().code)) store_failures_.fetch_add(1, std::memory_order_relaxed);
  return result;
}

template <class T>
Result<T> UserStore::changed(Result<T> result) {
  own_changes_.fetch_add(1, std::memory_order_release);
  return result;
}

std::uint64_t UserStore::store_failures() const noexcept { return store_failures_.load(std::memory_order_relaxed); }

Result<void> UserStore::create_user(const User& user) {
  if (auto error = first_invalid(user)) return *error;
  return counted(do_create_user(user));
}

Result<std::size_t> UserStore::import_users(const std::vector<User>& users) {
  for (const auto& user : users) {
    if (auto error = first_invalid(user)) {
      error->message = "user \"" + user.username + "\": " + error->message;
      return *error;
    }
  }
  return counted(do_import_users(users));
}

Result<User> UserStore::find_user(std::string_view username) const {
  if (auto error = first_invalid({username_argument(username)})) return *error;
  return counted(do_find_user(username));
}

Result<User> UserStore::find_user_by_email(std::string_view email) const {
  if (auto error = first_invalid({{"email", email}})) return *error;
  return counted(do_find_user_by_email(email));
}

Result<std::vector<User>> UserStore::list_users() const { return counted(do_list_users()); }

Result<void> UserStore::set_disabled(std::string_view username, bool disabled) {
  if (auto error = first_invalid({username_argument(username)})) return *error;
  return changed(counted(do_set_disabled(username, disabled)));
}

Result<void> UserStore::set_roles(std::string_view username, const std::set<std::string>& roles) {
  if (auto error = first_invalid({username_argument(username)})) return *error;
  if (auto error = first_invalid_role(roles)) return *error;
  return changed(counted(do_set_roles(username, roles)));
}

Result<void> UserStore::update_password_hash(std::string_view username, std::string_view expected_hash,
                                             std::string_view new_hash) {
  if (auto error = first_invalid({username_argument(username),
                                  {"expected password hash", expected_hash, false},
                                  {"new password hash", new_hash, false}})) {
    return *error;
  }
  return changed(counted(do_update_password_hash(username, expected_hash, new_hash)));
}

Result<void> UserStore::delete_user(std::string_view username) {
  if (auto error = first_invalid({username_argument(username)})) return *error;
  return changed(counted(do_delete_user(username)));
}

Result<void> UserStore::create_session(std::string_view username, std::string_view session_id,
                                       std::string_view first_refresh_jti, std::int64_t expires_at,
                                       std::string_view scope) {
  SessionStart start;
  start.username = username;
  start.session_id = session_id;
  start.first_refresh_jti = first_refresh_jti;
  start.expires_at = expires_at;
  start.scope = scope;
  return create_session(start);
}

Result<void> UserStore::create_session(const SessionStart& start) {
  if (auto error = first_invalid({username_argument(start.username),
                                  session_argument(start.session_id),
                                  {"refresh jti", start.first_refresh_jti},
                                  {"scope", start.scope, false},
                                  {"client address", start.client_address, false},
                                  {"user agent", start.user_agent, false}})) {
    return *error;
  }
  if (start.created_at < 0) return Error{ErrorCode::invalid_argument, "created_at must not be negative"};
  return counted(do_create_session(start));
}

Result<Session> UserStore::rotate(std::string_view session_id, std::string_view presented_jti,
                                  std::string_view next_jti, std::int64_t now) {
  RotationRequest rotation;
  rotation.session_id = session_id;
  rotation.presented_jti = presented_jti;
  rotation.next_jti = next_jti;
  rotation.now = now;
  return rotate(rotation);
}

Result<Session> UserStore::rotate(const RotationRequest& rotation) {
  if (auto error = first_invalid({session_argument(rotation.session_id),
                                  {"presented refresh jti", rotation.presented_jti},
                                  {"next refresh jti", rotation.next_jti},
                                  {"next access jti", rotation.next_access_jti, false},
                                  {"next scope", rotation.next_scope, false}})) {
    return *error;
  }
  if (auto error = first_negative({rotation.reuse_interval, rotation.inactivity_timeout})) return *error;
  auto rotated = counted(do_rotate(rotation));
  // A refused rotation may have revoked the session (reuse detection).
  if (!rotated) return changed(std::move(rotated));
  return rotated;
}

Result<Session> UserStore::find_session(std::string_view session_id) const {
  if (auto error = first_invalid({session_argument(session_id)})) return *error;
  return counted(do_find_session(session_id));
}

Result<void> UserStore::revoke_session(std::string_view session_id) {
  if (auto error = first_invalid({session_argument(session_id)})) return *error;
  return changed(counted(do_revoke_session(session_id)));
}

Result<std::size_t> UserStore::revoke_all_sessions(std::string_view username, std::string_view except_session_id) {
  if (auto error = first_invalid({username_argument(username), {"kept session id", except_session_id, false}})) {
    return *error;
  }
  return changed(counted(do_revoke_all_sessions(username, except_session_id)));
}

Result<std::vector<Session>> UserStore::list_sessions(std::string_view username, std::int64_t now,
                                                      std::chrono::seconds inactivity_timeout) const {
  if (auto error = first_invalid({username_argument(username)})) return *error;
  if (auto error = first_negative({inactivity_timeout})) return *error;
  return counted(do_list_sessions(username, now, inactivity_timeout));
}

Result<std::optional<std::string>> UserStore::active_session_owner(std::string_view session_id,
                                                                   std::int64_t now) const {
  if (auto error = first_invalid({session_argument(session_id)})) return *error;
  return counted(do_active_session_owner(session_id, now));
}

Result<bool> UserStore::is_session_active(std::string_view session_id, std::int64_t now) const {
  const auto owner = active_session_owner(session_id, now);
  if (!owner) return owner.error();
  return owner->has_value();
}

Result<std::size_t> UserStore::purge_expired(std::int64_t now, std::chrono::seconds inactivity_timeout) {
  if (auto error = first_negative({inactivity_timeout})) return *error;
  return changed(counted(do_purge_expired(now, inactivity_timeout)));
}

Result<void> UserStore::ping() const { return counted(do_ping()); }

std::chrono::milliseconds UserStore::default_session_cache_staleness() const noexcept {
  return do_default_session_cache_staleness();
}

SessionChanges UserStore::session_changes() const noexcept {
  const SessionChanges others = do_session_changes();
  // Both counters only grow, so their sum changes whenever either does.
  return {own_changes_.load(std::memory_order_acquire) + others.generation, others.complete};
}

SessionChanges UserStore::do_session_changes() const noexcept { return {}; }

std::chrono::milliseconds UserStore::do_default_session_cache_staleness() const noexcept {
  return std::chrono::milliseconds{0};
}

}  // namespace authcore
