// A UserStore over an InMemoryUserStore whose calls can be made to fail, for
// the paths a healthy in-memory store never takes: a lookup that throws, as
// any allocation can (std::bad_alloc), and session lookups and pings that
// fail as a store that does not answer. Header-only: the tests that link an authcore
// library and those that link its objects both use it.
#ifndef AUTHCORE_TESTS_SUPPORT_FAULTY_STORE_HPP
#define AUTHCORE_TESTS_SUPPORT_FAULTY_STORE_HPP

#include <cstdint>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "authcore/memory_user_store.hpp"

namespace authcore::test {

class FaultyStore final : public UserStore {
 public:
  /// find_user() throws std::bad_alloc.
  bool throw_on_find_user = false;
  /// When set, the session lookups (find_session(), active_session_owner())
  /// fail with this code, as a store that does not answer.
  std::optional<ErrorCode> session_error;
  /// When set, ping() fails with it (a database that went away).
  std::optional<ErrorCode> ping_error;

 private:
  Result<void> do_create_user(const User& user) override { return store_.create_user(user); }
  Result<std::size_t> do_import_users(const std::vector<User>& users) override { return store_.import_users(users); }
  Result<User> do_find_user(std::string_view username) const override {
    if (throw_on_find_user) throw std::bad_alloc();
    return store_.find_user(username);
  }
  Result<User> do_find_user_by_email(std::string_view email) const override { return store_.find_user_by_email(email); }
  Result<std::vector<User>> do_list_users() const override { return store_.list_users(); }
  Result<void> do_set_disabled(std::string_view username, bool disabled) override {
    return store_.set_disabled(username, disabled);
  }
  Result<void> do_set_roles(std::string_view username, const std::set<std::string>& roles) override {
    return store_.set_roles(username, roles);
  }
  Result<void> do_update_password_hash(std::string_view username, std::string_view expected,
                                       std::string_view next) override {
    return store_.update_password_hash(username, expected, next);
  }
  Result<void> do_delete_user(std::string_view username) override { return store_.delete_user(username); }
  Result<void> do_create_session(const SessionStart& start) override { return store_.create_session(start); }
  Result<Session> do_rotate(const RotationRequest& rotation) override { return store_.rotate(rotation); }
  Result<std::vector<Session>> do_list_sessions(std::string_view username, std::int64_t now,
                                                std::chrono::seconds inactivity_timeout) const override {
    return store_.list_sessions(username, now, inactivity_timeout);
  }
  Result<Session> do_find_session(std::string_view session_id) const override {
    if (session_error) return Error{*session_error, "the store is down (FaultyStore)"};
    return store_.find_session(session_id);
  }
  Result<void> do_revoke_session(std::string_view session_id) override { return store_.revoke_session(session_id); }
  Result<std::size_t> do_revoke_all_sessions(std::string_view username, std::string_view except) override {
    return store_.revoke_all_sessions(username, except);
  }
  Result<std::optional<std::string>> do_active_session_owner(std::string_view session_id,
                                                             std::int64_t now) const override {
    if (session_error) return Error{*session_error, "the store is down (FaultyStore)"};
    return store_.active_session_owner(session_id, now);
  }
  Result<std::size_t> do_purge_expired(std::int64_t now, std::chrono::seconds inactivity_timeout) override {
    return store_.purge_expired(now, inactivity_timeout);
  }
  SessionChanges do_session_changes() const noexcept override { return store_.session_changes(); }
  Result<void> do_ping() const override {
    if (ping_error) return Error{*ping_error, "connection to server on socket failed: host db.internal"};
    return store_.ping();
  }

  InMemoryUserStore store_;
};

}  // namespace authcore::test

#endif  // AUTHCORE_TESTS_SUPPORT_FAULTY_STORE_HPP
