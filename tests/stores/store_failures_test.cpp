// UserStore::store_failures(): calls that fail with a store error are
// counted, whatever the backend; refused arguments and answers about the
// data (not_found, conflict, revoked) are not.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "authcore/memory_user_store.hpp"
#include "authcore/user_store.hpp"
#include "support/catch.hpp"

using namespace authcore;

namespace {

User user_named(const std::string& username) {
  User user;
  user.username = username;
  user.password_hash = "hash";
  return user;
}

// A backend whose every call fails with `code`, as a database that is down
// (store_unavailable) or full (store_full) does.
class FailingStore final : public UserStore {
 public:
  explicit FailingStore(ErrorCode code) : code_(code) {}

 private:
  Error failure() const { return Error{code_, "the test store fails"}; }

  Result<void> do_create_user(const User&) override { return failure(); }
  Result<std::size_t> do_import_users(const std::vector<User>&) override { return failure(); }
  Result<User> do_find_user(std::string_view) const override { return failure(); }
  Result<User> do_find_user_by_email(std::string_view) const override { return failure(); }
  Result<std::vector<User>> do_list_users() const override { return failure(); }
  Result<void> do_set_disabled(std::string_view, bool) override { return failure(); }
  Result<void> do_set_roles(std::string_view, const std::set<std::string>&) override { return failure(); }
  Result<void> do_update_password_hash(std::string_view, std::string_view, std::string_view) override {
    return failure();
  }
  Result<void> do_delete_user(std::string_view) override { return failure(); }
  Result<void> do_create_session(const SessionStart&) override { return failure(); }
  Result<Session> do_rotate(const RotationRequest&) override { return failure(); }
  Result<std::vector<Session>> do_list_sessions(std::string_view, std::int64_t, std::chrono::seconds) const override {
    return failure();
  }
  Result<Session> do_find_session(std::string_view) const override { return failure(); }
  Result<void> do_revoke_session(std::string_view) override { return failure(); }
  Result<std::size_t> do_revoke_all_sessions(std::string_view, std::string_view) override { return failure(); }
  Result<std::optional<std::string>> do_active_session_owner(std::string_view, std::int64_t) const override {
    return failure();
  }
  Result<std::size_t> do_purge_expired(std::int64_t, std::chrono::seconds) override { return failure(); }
  Result<void> do_ping() const override { return failure(); }

  ErrorCode code_;
};

}  // namespace

TEST_CASE("every store error a backend returns is counted, from every call", "[store][store_failures]") {
  const ErrorCode code =
      GENERATE(ErrorCode::store_unavailable, ErrorCode::store_busy, ErrorCode::store_full, ErrorCode::store_error);
  INFO(to_string(code));
  FailingStore store(code);
  CHECK(store.store_failures() == 0);
  CHECK(store.create_user(user_named("alice")).error().code == code);
  CHECK(store.import_users({user_named("bob")}).error().code == code);
  CHECK(store.find_user("alice").error().code == code);
  CHECK(store.find_user_by_email("alice@example.com").error().code == code);
  CHECK(store.list_users().error().code == code);
  CHECK(store.set_disabled("alice", true).error().code == code);
  CHECK(store.set_roles("alice", {"admin"}).error().code == code);
  CHECK(store.update_password_hash("alice", "a", "b").error().code == code);
  CHECK(store.delete_user("alice").error().code == code);
  CHECK(store.create_session("alice", "s", "j", 1).error().code == code);
  CHECK(store.rotate("s", "j", "k", 0).error().code == code);
  CHECK(store.find_session("s").error().code == code);
  CHECK(store.revoke_session("s").error().code == code);
  CHECK(store.revoke_all_sessions("alice").error().code == code);
  CHECK(store.active_session_owner("s", 0).error().code == code);
  CHECK(store.purge_expired(0).error().code == code);
  CHECK(store.ping().error().code == code);
  CHECK(store.list_sessions("alice", 0).error().code == code);
  CHECK(store.store_failures() == 18);
}

TEST_CASE("refused arguments and answers about the data are no store failures", "[store][store_failures]") {
  FailingStore failing(ErrorCode::store_unavailable);
  CHECK(failing.find_user("").error().code == ErrorCode::invalid_argument);  // refused before the backend
  CHECK(failing.store_failures() == 0);

  InMemoryUserStore store;
  CHECK(store.find_user("nobody").error().code == ErrorCode::not_found);
  REQUIRE(store.create_user(user_named("alice")));
  CHECK(store.create_user(user_named("alice")).error().code == ErrorCode::conflict);
  CHECK(store.rotate("no-session", "j", "k", 0).error().code == ErrorCode::revoked);
  CHECK(store.find_user("alice"));
  CHECK(store.store_failures() == 0);
}
