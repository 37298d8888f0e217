// The UserStore contract (DESIGN §5), run against every backend:
//
//     TEST_CASE("...") { authcore::test::check_user_store_contract(make_store); }
//
// Every SECTION runs on a fresh, empty store from `make_store`. Every
// rejection asserts its exact ErrorCode.
#ifndef AUTHCORE_TESTS_USER_STORE_CONTRACT_HPP
#define AUTHCORE_TESTS_USER_STORE_CONTRACT_HPP

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "authcore/user_store.hpp"
#include "support/catch.hpp"
#include "support/store_support.hpp"
#include "support/test_support.hpp"

namespace authcore::test {

using StoreFactory = std::function<std::unique_ptr<UserStore>()>;

/// A session that lasts an hour from kNow.
inline constexpr std::int64_t kSessionEnd = kNow + 3600;

inline User contract_user(std::string username, std::optional<std::string> email = std::nullopt) {
  return User{std::move(username), "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
              std::move(email), kNow};
}

/// Usernames a store must keep byte for byte and never interpret: SQL
/// injection attempts, LIKE wildcards, quotes, and Unicode (two spellings
/// of "é", NFC and NFD, stay two users: stores do not normalise).
inline std::vector<std::string> hostile_usernames() {
  return {"x' OR '1'='1",
          "; DROP TABLE users; --",
          "robert'); DROP TABLE sessions;--",
          "%",
          "_",
          "a%",
          "\"quoted\"",
          "back\\slash",
          "zo\xC3\xAB",
          "zoe\xCC\x88",
          "\xE7\x94\xA8\xE6\x88\xB7",
          "\xF0\x9F\x94\x91 key",
          " spaced ",
          "$1",
          "?1"};
}

/// How many of `outcomes` are successes and how many are `code`.
inline std::size_t count_outcome(const std::vector<std::optional<ErrorCode>>& outcomes, std::optional<ErrorCode> code) {
  return static_cast<std::size_t>(std::count(outcomes.begin(), outcomes.end(), code));
}

inline void check_user_contract(UserStore& store) {
  SECTION("a created user is found with every field as stored") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice", "alice@example.com")));
    REQUIRE_STORE_OK(store.create_user(contract_user("bob")));
    const auto alice = store.find_user("alice");
    REQUIRE_STORE_OK(alice);
    CHECK(alice->username == "alice");
    CHECK(alice->password_hash == contract_user("alice").password_hash);
    CHECK(alice->email == std::optional<std::string>("alice@example.com"));
    CHECK(alice->created_at == kNow);
    const auto bob = store.find_user("bob");
    REQUIRE_STORE_OK(bob);
    CHECK_FALSE(bob->email.has_value());
  }
  SECTION("an unknown user is not_found, and names are compared exactly") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user("nobody"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user("Alice"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user("alice "));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user("alic"));
  }
  SECTION("a duplicate username is a conflict and never overwrites") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice", "first@example.com")));
    User impostor = contract_user("alice", "second@example.com");
    impostor.password_hash = "$argon2id$attacker";
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.create_user(impostor));
    const auto alice = store.find_user("alice");
    REQUIRE_STORE_OK(alice);
    CHECK(alice->password_hash == contract_user("alice").password_hash);
    CHECK(alice->email == std::optional<std::string>("first@example.com"));
  }
  SECTION("hostile and Unicode usernames are stored verbatim, never executed") {
    const auto names = hostile_usernames();
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    for (const auto& name : names) REQUIRE_STORE_OK(store.create_user(contract_user(name, name)));
    for (const auto& name : names) {
      const auto user = store.find_user(name);
      REQUIRE_STORE_OK(user);
      CHECK(user->username == name);
      CHECK(user->email == std::optional<std::string>(name));
    }
    REQUIRE_STORE_OK(store.find_user("alice"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user("x"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user("ab"));
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.create_user(contract_user("x' OR '1'='1")));
    REQUIRE_STORE_OK(store.create_session("; DROP TABLE users; --", "s'; --", "j' OR 1=1", kSessionEnd));
    REQUIRE_STORE_OK(store.rotate("s'; --", "j' OR 1=1", "j2", kNow));
    REQUIRE_STORE_OK(store.delete_user("%"));
    REQUIRE_STORE_OK(store.find_user("a%"));
    REQUIRE_STORE_OK(store.find_user("alice"));
  }
  SECTION("text no backend can store verbatim is invalid_argument") {
    using namespace std::string_literals;
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.create_user(contract_user("alice\0admin"s)));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.create_user(contract_user("\xC3\x28")));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.create_user(contract_user("")));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.create_user(contract_user("alice", "a\0b"s)));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.find_user("alice\0"s));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user("alice"));
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.create_session("alice", "", "jti", kSessionEnd));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.create_session("alice", "s", "\xFF", kSessionEnd));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.rotate("s", "jti", "", kNow));
  }
  SECTION("the password hash changes only by compare-and-set") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    const std::string original = contract_user("alice").password_hash;
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.update_password_hash("alice", "stale", "$argon2id$new"));
    CHECK(store.find_user("alice")->password_hash == original);
    REQUIRE_STORE_OK(store.update_password_hash("alice", original, "$argon2id$new"));
    CHECK(store.find_user("alice")->password_hash == "$argon2id$new");
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.update_password_hash("alice", original, "$argon2id$newer"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.update_password_hash("nobody", original, "$argon2id$new"));
  }
  SECTION("of 8 racing compare-and-sets from one hash, exactly one wins") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    const std::string original = contract_user("alice").password_hash;
    std::vector<std::optional<ErrorCode>> outcomes(8);
    run_together(8, [&](int i) {
      outcomes[static_cast<std::size_t>(i)] =
          outcome(store.update_password_hash("alice", original, "$argon2id$writer" + std::to_string(i)));
    });
    CHECK(count_outcome(outcomes, std::nullopt) == 1);
    CHECK(count_outcome(outcomes, ErrorCode::conflict) == 7);
    CHECK(store.find_user("alice")->password_hash.rfind("$argon2id$writer", 0) == 0);
  }
  SECTION("of 16 racing sign-ups of one name, exactly one wins") {
    std::vector<std::optional<ErrorCode>> outcomes(16);
    run_together(16, [&](int i) {
      outcomes[static_cast<std::size_t>(i)] =
          outcome(store.create_user(contract_user("alice", "writer" + std::to_string(i) + "@example.com")));
    });
    CHECK(count_outcome(outcomes, std::nullopt) == 1);
    CHECK(count_outcome(outcomes, ErrorCode::conflict) == 15);
  }
  SECTION("deleting a user ends their sessions, and a new user of that name inherits nothing") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    REQUIRE_STORE_OK(store.create_user(contract_user("bob")));
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "a1", kSessionEnd));
    REQUIRE_STORE_OK(store.create_session("alice", "s2", "b1", kSessionEnd));
    REQUIRE_STORE_OK(store.create_session("bob", "s3", "c1", kSessionEnd));
    REQUIRE_STORE_OK(store.delete_user("alice"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user("alice"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.delete_user("alice"));
    CHECK_FALSE(store.is_session_active("s1", kNow).value());
    CHECK_FALSE(store.is_session_active("s2", kNow).value());
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("s1", "a1", "a2", kNow));
    CHECK(store.is_session_active("s3", kNow).value());
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    CHECK_FALSE(store.is_session_active("s1", kNow).value());
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("s2", "b1", "b2", kNow));
  }
  SECTION("an unknown user cannot be deleted") {
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.delete_user("nobody"));
  }
}

/// The account fields (DESIGN §5, "Accounts"): full name, disabled, roles,
/// unique e-mail addresses, imports, and what disabling does to sessions.
inline void check_account_contract(UserStore& store) {
  SECTION("full name, disabled and roles are stored; a new user has the role user") {
    User alice = contract_user("alice", "alice@example.com");
    alice.full_name = "Alice Liddell";
    alice.roles = {"admin", "user"};
    REQUIRE_STORE_OK(store.create_user(alice));
    User carol = contract_user("carol");
    carol.roles = {};
    carol.disabled = true;
    REQUIRE_STORE_OK(store.create_user(carol));
    REQUIRE_STORE_OK(store.create_user(contract_user("bob")));
    const auto found = store.find_user("alice");
    REQUIRE_STORE_OK(found);
    CHECK(found->full_name == std::optional<std::string>("Alice Liddell"));
    CHECK(found->roles == std::set<std::string>{"admin", "user"});
    CHECK_FALSE(found->disabled);
    const auto bob = store.find_user("bob");
    REQUIRE_STORE_OK(bob);
    CHECK(bob->roles == std::set<std::string>{"user"});
    CHECK_FALSE(bob->full_name.has_value());
    CHECK_FALSE(bob->disabled);
    CHECK(store.find_user("carol")->roles.empty());
    CHECK(store.find_user("carol")->disabled);
  }
  SECTION("e-mail addresses are unique in any ASCII case, and the conflict says which key is taken") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice", "Alice@Example.com")));
    const auto same_address = store.create_user(contract_user("bob", "alice@example.COM"));
    REQUIRE_STORE_ERROR(ErrorCode::conflict, same_address);
    CHECK(same_address.error().message.find("e-mail") != std::string::npos);
    const auto same_name = store.create_user(contract_user("alice", "other@example.com"));
    REQUIRE_STORE_ERROR(ErrorCode::conflict, same_name);
    CHECK(same_name.error().message.find("username") != std::string::npos);
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user("bob"));
    // Users without an address are not in each other's way.
    REQUIRE_STORE_OK(store.create_user(contract_user("carol")));
    REQUIRE_STORE_OK(store.create_user(contract_user("dave")));
    // Only A-Z fold: U+00EB and U+00CB are two addresses, "zo" and "ZO" one.
    REQUIRE_STORE_OK(store.create_user(contract_user("erin", "zo\xC3\xAB@example.org")));
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.create_user(contract_user("frank", "ZO\xC3\xAB@example.org")));
    REQUIRE_STORE_OK(store.create_user(contract_user("frank", "zo\xC3\x8B@example.org")));
    // A deleted user's address is free again.
    REQUIRE_STORE_OK(store.delete_user("alice"));
    REQUIRE_STORE_OK(store.create_user(contract_user("bob", "alice@example.com")));
  }
  SECTION("find_user_by_email matches in any ASCII case, and only whole addresses") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice", "Alice@Example.com")));
    REQUIRE_STORE_OK(store.create_user(contract_user("bob", "bob@example.com")));
    const auto alice = store.find_user_by_email("ALICE@example.COM");
    REQUIRE_STORE_OK(alice);
    CHECK(alice->username == "alice");
    CHECK(alice->email == std::optional<std::string>("Alice@Example.com"));
    CHECK(store.find_user_by_email("bob@example.com")->username == "bob");
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user_by_email("alice@example.co"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user_by_email("%@example.com"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user_by_email("alice"));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.find_user_by_email(""));
  }
  SECTION("list_users gives every user in byte order of username") {
    CHECK(store.list_users().value().empty());
    for (const char* name : {"carol", "Bob", "alice", "zo\xC3\xAB"})
      REQUIRE_STORE_OK(store.create_user(contract_user(name)));
    const auto users = store.list_users();
    REQUIRE_STORE_OK(users);
    std::vector<std::string> names;
    for (const auto& user : *users) names.push_back(user.username);
    CHECK(names == std::vector<std::string>{"Bob", "alice", "carol", "zo\xC3\xAB"});
    CHECK((*users)[1].roles == std::set<std::string>{"user"});
  }
  SECTION("disabling revokes every session and refuses new ones; enabling restores none") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    REQUIRE_STORE_OK(store.create_user(contract_user("bob")));
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
    REQUIRE_STORE_OK(store.create_session("alice", "s2", "k1", kSessionEnd));
    REQUIRE_STORE_OK(store.create_session("bob", "s3", "l1", kSessionEnd));
    REQUIRE_STORE_OK(store.set_disabled("alice", true));
    CHECK(store.find_user("alice")->disabled);
    CHECK(store.find_session("s1")->revoked);
    CHECK(store.find_session("s2")->revoked);
    CHECK_FALSE(store.is_session_active("s1", kNow).value());
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("s2", "k1", "k2", kNow));
    REQUIRE_STORE_ERROR(ErrorCode::account_disabled, store.create_session("alice", "s4", "m1", kSessionEnd));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_session("s4"));
    CHECK(store.active_session_owner("s3", kNow).value() == std::optional<std::string>("bob"));
    REQUIRE_STORE_OK(store.set_disabled("alice", true));  // idempotent
    REQUIRE_STORE_OK(store.set_disabled("alice", false));
    CHECK_FALSE(store.find_user("alice")->disabled);
    CHECK_FALSE(store.is_session_active("s1", kNow).value());
    REQUIRE_STORE_OK(store.create_session("alice", "s5", "n1", kSessionEnd));
    CHECK(store.is_session_active("s5", kNow).value());
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.set_disabled("nobody", true));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.set_disabled("", true));
  }
  SECTION("sessions started while the user is disabled: none survives active") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    std::vector<std::optional<ErrorCode>> outcomes(16);
    run_together(17, [&](int i) {
      if (i == 16) {
        (void)store.set_disabled("alice", true);
        return;
      }
      const std::string id = std::to_string(i);
      outcomes[static_cast<std::size_t>(i)] = outcome(store.create_session("alice", "s" + id, "j" + id, kSessionEnd));
    });
    CHECK(count_outcome(outcomes, std::nullopt) + count_outcome(outcomes, ErrorCode::account_disabled) == 16);
    for (int i = 0; i < 16; ++i) CHECK_FALSE(store.is_session_active("s" + std::to_string(i), kNow).value());
    for (int i = 0; i < 16; ++i) {
      const auto session = store.find_session("s" + std::to_string(i));
      if (session) CHECK(session->revoked);
    }
  }
  SECTION("set_roles replaces the roles; role names are scope-tokens of 1 to 64 characters") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    REQUIRE_STORE_OK(store.set_roles("alice", {"admin", "auditor:read"}));
    CHECK(store.find_user("alice")->roles == std::set<std::string>{"admin", "auditor:read"});
    REQUIRE_STORE_OK(store.set_roles("alice", {}));
    CHECK(store.find_user("alice")->roles.empty());
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.set_roles("nobody", {"user"}));
    for (const std::string& bad : std::vector<std::string>{"has space", "", "quote\"", "back\\slash", "tab\t",
                                                           "caf\xC3\xA9", std::string(65, 'r')}) {
      INFO("role " << bad);
      REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.set_roles("alice", {"user", bad}));
      User user = contract_user("bob");
      user.roles = {bad};
      REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.create_user(user));
    }
    CHECK(store.find_user("alice")->roles.empty());
    REQUIRE_STORE_OK(store.set_roles("alice", {std::string(64, 'r')}));
  }
  SECTION("import_users adds every user or none") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice", "alice@example.com")));
    User bob = contract_user("bob", "bob@example.com");
    bob.full_name = "Bob";
    bob.disabled = true;
    bob.roles = {"admin"};
    const auto imported = store.import_users({bob, contract_user("carol")});
    REQUIRE_STORE_OK(imported);
    CHECK(*imported == 2);
    CHECK(store.find_user("bob")->full_name == std::optional<std::string>("Bob"));
    CHECK(store.find_user("bob")->disabled);
    CHECK(store.find_user("bob")->roles == std::set<std::string>{"admin"});
    REQUIRE_STORE_OK(store.find_user("carol"));

    const auto taken_name = store.import_users({contract_user("dave"), contract_user("alice")});
    REQUIRE_STORE_ERROR(ErrorCode::conflict, taken_name);
    CHECK(taken_name.error().message.find("\"alice\"") != std::string::npos);
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.import_users({contract_user("dave", "ALICE@example.com")}));
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.import_users({contract_user("dave", "d@example.com"),
                                                                 contract_user("erin", "D@example.com")}));
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.import_users({contract_user("dave"), contract_user("dave")}));
    User bad_role = contract_user("erin");
    bad_role.roles = {"two words"};
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.import_users({contract_user("dave"), bad_role}));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user("dave"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user("erin"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_user_by_email("d@example.com"));
    CHECK(store.import_users({}).value() == 0);
    CHECK(store.list_users().value().size() == 3);
  }
  SECTION("active_session_owner names the owner of an active session of an enabled user, else nothing") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    REQUIRE_STORE_OK(store.create_user(contract_user("bob")));
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
    REQUIRE_STORE_OK(store.create_session("bob", "s2", "k1", kSessionEnd));
    REQUIRE_STORE_OK(store.create_session("bob", "s3", "l1", kSessionEnd));
    CHECK(store.active_session_owner("s1", kNow).value() == std::optional<std::string>("alice"));
    CHECK(store.active_session_owner("s1", kSessionEnd).value() == std::optional<std::string>("alice"));
    CHECK_FALSE(store.active_session_owner("s1", kSessionEnd + 1).value().has_value());
    CHECK_FALSE(store.active_session_owner("nothing", kNow).value().has_value());
    REQUIRE_STORE_OK(store.revoke_session("s2"));
    CHECK_FALSE(store.active_session_owner("s2", kNow).value().has_value());
    CHECK(store.active_session_owner("s3", kNow).value() == std::optional<std::string>("bob"));
    REQUIRE_STORE_OK(store.delete_user("bob"));
    CHECK_FALSE(store.active_session_owner("s3", kNow).value().has_value());
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.active_session_owner("", kNow));
  }
  SECTION("a session keeps the scope it was granted through rotations") {
    REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd, "admin me"));
    REQUIRE_STORE_OK(store.create_session("alice", "s2", "k1", kSessionEnd));
    CHECK(store.find_session("s1")->scope == std::optional<std::string>("admin me"));
    CHECK(store.find_session("s2")->scope == std::optional<std::string>(""));
    const auto rotated = store.rotate("s1", "j1", "j2", kNow);
    REQUIRE_STORE_OK(rotated);
    CHECK(rotated->scope == std::optional<std::string>("admin me"));
    using namespace std::string_literals;
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.create_session("alice", "s3", "l1", kSessionEnd, "me\0"s));
  }
}

inline void check_session_contract(UserStore& store) {
  REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
  REQUIRE_STORE_OK(store.create_user(contract_user("bob")));

  SECTION("a session is created for existing users only, with unique ids and jtis") {
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
    const auto session = store.find_session("s1");
    REQUIRE_STORE_OK(session);
    CHECK(session->session_id == "s1");
    CHECK(session->username == "alice");
    CHECK(session->current_jti == "j1");
    CHECK(session->expires_at == kSessionEnd);
    CHECK_FALSE(session->revoked);
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.create_session("nobody", "s2", "j2", kSessionEnd));
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.create_session("bob", "s1", "j3", kSessionEnd));
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.create_session("bob", "s4", "j1", kSessionEnd));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_session("s4"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_session("nothing"));
    CHECK(store.find_session("s1")->username == "alice");
  }
  SECTION("rotation succeeds once per jti and hands over to the next one") {
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
    const auto rotated = store.rotate("s1", "j1", "j2", kNow);
    REQUIRE_STORE_OK(rotated);
    CHECK(rotated->session_id == "s1");
    CHECK(rotated->username == "alice");
    CHECK(rotated->current_jti == "j2");
    CHECK(rotated->expires_at == kSessionEnd);
    CHECK_FALSE(rotated->revoked);
    for (int i = 2; i < 6; ++i) {
      REQUIRE_STORE_OK(store.rotate("s1", "j" + std::to_string(i), "j" + std::to_string(i + 1), kNow + i));
    }
    CHECK(store.find_session("s1")->current_jti == "j6");
    CHECK(store.is_session_active("s1", kNow).value());
  }
  SECTION("a spent jti presented again revokes the whole session (RFC 9700 §4.14.2)") {
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
    REQUIRE_STORE_OK(store.create_session("alice", "other", "k1", kSessionEnd));
    REQUIRE_STORE_OK(store.rotate("s1", "j1", "j2", kNow));
    REQUIRE_STORE_OK(store.rotate("s1", "j2", "j3", kNow));
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("s1", "j1", "j4", kNow));
    CHECK_FALSE(store.is_session_active("s1", kNow).value());
    CHECK(store.find_session("s1")->revoked);
    // The live token of the family dies with it: the legitimate user and
    // the attacker cannot be told apart.
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("s1", "j3", "j5", kNow));
    CHECK(store.is_session_active("other", kNow).value());
    REQUIRE_STORE_OK(store.rotate("other", "k1", "k2", kNow));
  }
  SECTION("a jti that never belonged to the session revokes it") {
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
    REQUIRE_STORE_OK(store.create_session("bob", "s2", "k1", kSessionEnd));
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("s1", "k1", "j2", kNow));
    CHECK_FALSE(store.is_session_active("s1", kNow).value());
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("s1", "j1", "j2", kNow));
    CHECK(store.is_session_active("s2", kNow).value());
  }
  SECTION("an unknown session rotates to revoked") {
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("nothing", "j1", "j2", kNow));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_session("nothing"));
  }
  SECTION("a session rotates until its expiry instant, and is revoked after it") {
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
    REQUIRE_STORE_OK(store.create_session("alice", "s2", "k1", kSessionEnd));
    REQUIRE_STORE_OK(store.rotate("s1", "j1", "j2", kSessionEnd));
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("s2", "k1", "k2", kSessionEnd + 1));
    CHECK(store.find_session("s2")->current_jti == "k1");
  }
  SECTION("a taken next jti is a conflict and spends nothing") {
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
    REQUIRE_STORE_OK(store.create_session("bob", "s2", "k1", kSessionEnd));
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.rotate("s1", "j1", "k1", kNow));
    REQUIRE_STORE_ERROR(ErrorCode::conflict, store.rotate("s1", "j1", "j1", kNow));
    CHECK(store.is_session_active("s1", kNow).value());
    REQUIRE_STORE_OK(store.rotate("s1", "j1", "j2", kNow));
  }
  SECTION("a revoked session stays revoked, and revoking an unknown one is not_found") {
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
    REQUIRE_STORE_OK(store.revoke_session("s1"));
    REQUIRE_STORE_OK(store.revoke_session("s1"));
    CHECK_FALSE(store.is_session_active("s1", kNow).value());
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("s1", "j1", "j2", kNow));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.revoke_session("nothing"));
  }
  SECTION("is_session_active: until expires_at inclusive, false when revoked or unknown") {
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
    CHECK(store.is_session_active("s1", kNow).value());
    CHECK(store.is_session_active("s1", kSessionEnd).value());
    CHECK_FALSE(store.is_session_active("s1", kSessionEnd + 1).value());
    CHECK_FALSE(store.is_session_active("nothing", kNow).value());
    CHECK(store.find_session("s1")->is_active(kSessionEnd));
    CHECK_FALSE(store.find_session("s1")->is_active(kSessionEnd + 1));
  }
  SECTION("revoke_all_sessions revokes every session of one user, except the one kept") {
    for (const char* id : {"a1", "a2", "a3"}) {
      REQUIRE_STORE_OK(store.create_session("alice", id, std::string("jti-") + id, kSessionEnd));
    }
    REQUIRE_STORE_OK(store.create_session("bob", "b1", "jti-b1", kSessionEnd));
    REQUIRE_STORE_OK(store.revoke_session("a3"));
    const auto revoked = store.revoke_all_sessions("alice", "a2");
    REQUIRE_STORE_OK(revoked);
    CHECK(*revoked == 1);
    CHECK_FALSE(store.is_session_active("a1", kNow).value());
    CHECK(store.is_session_active("a2", kNow).value());
    CHECK(store.is_session_active("b1", kNow).value());
    CHECK(store.revoke_all_sessions("alice").value() == 1);
    CHECK_FALSE(store.is_session_active("a2", kNow).value());
    CHECK(store.revoke_all_sessions("alice").value() == 0);
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("a1", "jti-a1", "next", kNow));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.revoke_all_sessions("nobody"));
    CHECK(store.revoke_all_sessions("bob", "b1").value() == 0);
  }
  SECTION("purge_expired deletes the sessions that ended before now, and only those") {
    REQUIRE_STORE_OK(store.create_session("alice", "old", "j-old", kNow - 10));
    REQUIRE_STORE_OK(store.create_session("alice", "revoked-old", "j-revoked-old", kNow - 1));
    REQUIRE_STORE_OK(store.revoke_session("revoked-old"));
    REQUIRE_STORE_OK(store.create_session("alice", "edge", "j-edge", kNow));
    REQUIRE_STORE_OK(store.create_session("bob", "live", "j-live", kSessionEnd));
    REQUIRE_STORE_OK(store.rotate("live", "j-live", "j-live2", kNow));
    const auto purged = store.purge_expired(kNow);
    REQUIRE_STORE_OK(purged);
    CHECK(*purged == 2);
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_session("old"));
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_session("revoked-old"));
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("old", "j-old", "j-old2", kNow));
    REQUIRE_STORE_OK(store.find_session("edge"));
    CHECK(store.purge_expired(kNow).value() == 0);
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("live", "j-live", "j-live3", kNow));
    CHECK(store.purge_expired(kSessionEnd + 1).value() == 2);
  }
  SECTION("16 threads present the same refresh token: exactly one rotates, the session dies") {
    REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
    std::vector<std::optional<ErrorCode>> outcomes(16);
    run_together(16, [&](int i) {
      outcomes[static_cast<std::size_t>(i)] = outcome(store.rotate("s1", "j1", "next-" + std::to_string(i), kNow));
    });
    CHECK(count_outcome(outcomes, std::nullopt) == 1);
    CHECK(count_outcome(outcomes, ErrorCode::revoked) == 15);
    CHECK_FALSE(store.is_session_active("s1", kNow).value());
    const auto winner = std::find(outcomes.begin(), outcomes.end(), std::nullopt) - outcomes.begin();
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate("s1", "next-" + std::to_string(winner), "after", kNow));
  }
}

/// A rotation as the Authenticator makes it: the next pair's access jti is
/// "a-" and the next refresh jti (a per-thread copy that the view points
/// at, good until the next call on the thread), its expiry now + 60, its
/// scope "me".
inline RotationRequest contract_rotation(std::string_view session_id, std::string_view presented, std::string_view next,
                                         std::int64_t now,
                                         std::chrono::seconds reuse_interval = std::chrono::seconds{0},
                                         std::chrono::seconds inactivity_timeout = std::chrono::seconds{0}) {
  static thread_local std::string access_jti;
  access_jti = "a-" + std::string(next);
  RotationRequest rotation;
  rotation.session_id = session_id;
  rotation.presented_jti = presented;
  rotation.next_jti = next;
  rotation.next_access_jti = access_jti;
  rotation.next_access_expires_at = now + 60;
  rotation.next_scope = "me";
  rotation.now = now;
  rotation.reuse_interval = reuse_interval;
  rotation.inactivity_timeout = inactivity_timeout;
  return rotation;
}

/// A session of `username` started at `created_at` from 192.0.2.1 with
/// the user agent "ua-" and its id.
inline Result<void> start_contract_session(UserStore& store, std::string_view username, std::string_view session_id,
                                           std::string_view first_jti, std::int64_t created_at,
                                           std::int64_t expires_at = kSessionEnd) {
  const std::string user_agent = "ua-" + std::string(session_id);
  SessionStart start;
  start.username = username;
  start.session_id = session_id;
  start.first_refresh_jti = first_jti;
  start.expires_at = expires_at;
  start.scope = "me";
  start.created_at = created_at;
  start.client_address = "192.0.2.1";
  start.user_agent = user_agent;
  return store.create_session(start);
}

/// Schema version 3 (DESIGN §5, "Sessions for real clients"): what a
/// session records, the reuse interval, the inactivity timeout, listing.
inline void check_session_lifetime_contract(UserStore& store) {
  using std::chrono::seconds;
  REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
  REQUIRE_STORE_OK(store.create_user(contract_user("bob")));

  SECTION("a session records its start, client and user agent, and each rotation its pair") {
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s1", "j1", kNow - 100));
    auto session = store.find_session("s1");
    REQUIRE_STORE_OK(session);
    CHECK(session->created_at == kNow - 100);
    CHECK(session->last_refreshed_at == kNow - 100);
    CHECK(session->client_address == "192.0.2.1");
    CHECK(session->user_agent == "ua-s1");
    CHECK_FALSE(session->previous_jti.has_value());
    const auto rotated = store.rotate(contract_rotation("s1", "j1", "j2", kNow));
    REQUIRE_STORE_OK(rotated);
    CHECK(rotated->current_jti == "j2");
    CHECK(rotated->previous_jti == std::optional<std::string>("j1"));
    CHECK(rotated->last_refreshed_at == kNow);
    CHECK(rotated->access_jti == "a-j2");
    CHECK(rotated->access_expires_at == kNow + 60);
    CHECK(rotated->pair_scope == "me");
    session = store.find_session("s1");
    REQUIRE_STORE_OK(session);
    CHECK(session->current_jti == "j2");
    CHECK(session->previous_jti == std::optional<std::string>("j1"));
    CHECK(session->last_refreshed_at == kNow);
    CHECK(session->access_jti == "a-j2");
    CHECK(session->access_expires_at == kNow + 60);
    CHECK(session->pair_scope == "me");
    CHECK(session->created_at == kNow - 100);
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, start_contract_session(store, "alice", "s2", "k1", -1));
  }
  SECTION("the token just rotated away, within the reuse interval, returns the current pair and changes nothing") {
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s1", "j1", kNow));
    REQUIRE_STORE_OK(store.rotate(contract_rotation("s1", "j1", "j2", kNow, seconds{10})));
    for (const std::int64_t at : {kNow, kNow + 5, kNow + 9}) {
      const auto again = store.rotate(contract_rotation("s1", "j1", "j-retry", at, seconds{10}));
      REQUIRE_STORE_OK(again);
      CHECK(again->current_jti == "j2");
      CHECK(again->access_jti == "a-j2");
      CHECK(again->access_expires_at == kNow + 60);
      CHECK(again->last_refreshed_at == kNow);
      CHECK_FALSE(again->revoked);
    }
    const auto session = store.find_session("s1");
    REQUIRE_STORE_OK(session);
    CHECK(session->current_jti == "j2");
    CHECK(session->last_refreshed_at == kNow);
    // Nothing was spent for the retries: "j-retry" is free, j2 still rotates.
    REQUIRE_STORE_OK(store.rotate(contract_rotation("s1", "j2", "j-retry", kNow + 9, seconds{10})));
  }
  SECTION("the token just rotated away, at or after the end of the interval, revokes the session") {
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s1", "j1", kNow));
    REQUIRE_STORE_OK(store.rotate(contract_rotation("s1", "j1", "j2", kNow, seconds{10})));
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate(contract_rotation("s1", "j1", "j3", kNow + 10, seconds{10})));
    CHECK(store.find_session("s1")->revoked);
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate(contract_rotation("s1", "j2", "j3", kNow + 10, seconds{10})));
  }
  SECTION("with no interval, and for any older token, reuse revokes at once") {
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s1", "j1", kNow));
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s2", "k1", kNow));
    REQUIRE_STORE_OK(store.rotate(contract_rotation("s1", "j1", "j2", kNow)));
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate(contract_rotation("s1", "j1", "j3", kNow)));
    CHECK(store.find_session("s1")->revoked);
    REQUIRE_STORE_OK(store.rotate(contract_rotation("s2", "k1", "k2", kNow, seconds{10})));
    REQUIRE_STORE_OK(store.rotate(contract_rotation("s2", "k2", "k3", kNow + 1, seconds{10})));
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate(contract_rotation("s2", "k1", "k4", kNow + 2, seconds{10})));
    CHECK(store.find_session("s2")->revoked);
  }
  SECTION("within the interval, a revoked session or one rotated without a recorded pair is still refused") {
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s1", "j1", kNow));
    REQUIRE_STORE_OK(store.rotate(contract_rotation("s1", "j1", "j2", kNow, seconds{10})));
    REQUIRE_STORE_OK(store.revoke_session("s1"));
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate(contract_rotation("s1", "j1", "j3", kNow + 1, seconds{10})));
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s2", "k1", kNow));
    REQUIRE_STORE_OK(store.rotate("s2", "k1", "k2", kNow));
    REQUIRE_STORE_ERROR(ErrorCode::revoked, store.rotate(contract_rotation("s2", "k1", "k3", kNow + 1, seconds{10})));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument,
                        store.rotate(contract_rotation("s2", "k2", "k3", kNow, seconds{-1})));
  }
  SECTION("a session not refreshed for longer than the inactivity timeout is revoked at its next rotation") {
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s1", "j1", kNow));
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s2", "k1", kNow));
    REQUIRE_STORE_OK(store.rotate(contract_rotation("s1", "j1", "j2", kNow + 60, seconds{0}, seconds{60})));
    REQUIRE_STORE_OK(store.rotate(contract_rotation("s1", "j2", "j3", kNow + 120, seconds{0}, seconds{60})));
    REQUIRE_STORE_ERROR(ErrorCode::revoked,
                        store.rotate(contract_rotation("s2", "k1", "k2", kNow + 61, seconds{0}, seconds{60})));
    CHECK(store.find_session("s2")->revoked);
    CHECK(store.find_session("s1")->is_live(kNow + 180, seconds{60}));
    CHECK_FALSE(store.find_session("s1")->is_live(kNow + 181, seconds{60}));
    CHECK(store.find_session("s1")->is_live(kNow + 181, seconds{0}));
  }
  SECTION("list_sessions lists a user's live sessions, oldest first, and nobody else's") {
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s-late", "j1", kNow - 10));
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s-early", "j2", kNow - 20));
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s-revoked", "j3", kNow - 30));
    REQUIRE_STORE_OK(store.revoke_session("s-revoked"));
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s-expired", "j4", kNow - 40, kNow - 1));
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s-idle", "j5", kNow - 1000));
    REQUIRE_STORE_OK(start_contract_session(store, "bob", "s-bob", "j6", kNow - 50));
    const auto listed = store.list_sessions("alice", kNow, seconds{100});
    REQUIRE_STORE_OK(listed);
    REQUIRE(listed->size() == 2);
    CHECK((*listed)[0].session_id == "s-early");
    CHECK((*listed)[0].created_at == kNow - 20);
    CHECK((*listed)[0].user_agent == "ua-s-early");
    CHECK((*listed)[0].client_address == "192.0.2.1");
    CHECK((*listed)[1].session_id == "s-late");
    const auto without_timeout = store.list_sessions("alice", kNow);
    REQUIRE_STORE_OK(without_timeout);
    REQUIRE(without_timeout->size() == 3);
    CHECK((*without_timeout)[0].session_id == "s-idle");
    CHECK(store.list_sessions("nobody", kNow).value().empty());
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.list_sessions("alice", kNow, seconds{-1}));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.list_sessions("", kNow));
  }
  SECTION("purge_expired with an inactivity timeout also deletes the inactive sessions") {
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "idle", "j1", kNow - 61));
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "edge", "j2", kNow - 60));
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "refreshed", "j3", kNow - 100));
    REQUIRE_STORE_OK(store.rotate(contract_rotation("refreshed", "j3", "j4", kNow - 10)));
    CHECK(store.purge_expired(kNow).value() == 0);
    CHECK(store.purge_expired(kNow, seconds{60}).value() == 1);
    REQUIRE_STORE_ERROR(ErrorCode::not_found, store.find_session("idle"));
    REQUIRE_STORE_OK(store.find_session("edge"));
    REQUIRE_STORE_OK(store.find_session("refreshed"));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, store.purge_expired(kNow, seconds{-1}));
  }
  SECTION("16 threads present the live token with a reuse interval: one rotates, all get its pair, the session lives") {
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s1", "j1", kNow));
    std::vector<std::string> current(16);
    std::vector<std::optional<ErrorCode>> outcomes(16);
    run_together(16, [&](int i) {
      const auto index = static_cast<std::size_t>(i);
      const auto rotated = store.rotate(contract_rotation("s1", "j1", "next-" + std::to_string(i), kNow, seconds{10}));
      outcomes[index] = outcome(rotated);
      if (rotated) current[index] = rotated->current_jti;
    });
    CHECK(count_outcome(outcomes, std::nullopt) == 16);
    CHECK(std::count(current.begin(), current.end(), current[0]) == 16);
    CHECK(current[0].rfind("next-", 0) == 0);
    const auto session = store.find_session("s1");
    REQUIRE_STORE_OK(session);
    CHECK(session->current_jti == current[0]);
    CHECK(session->access_jti == "a-" + current[0]);
    CHECK(session->is_active(kNow));
  }
  SECTION("16 threads present the token just rotated away, within the interval: all get the same pair") {
    REQUIRE_STORE_OK(start_contract_session(store, "alice", "s1", "j1", kNow));
    REQUIRE_STORE_OK(store.rotate(contract_rotation("s1", "j1", "j2", kNow, seconds{10})));
    std::vector<std::string> current(16);
    run_together(16, [&](int i) {
      const auto rotated =
          store.rotate(contract_rotation("s1", "j1", "retry-" + std::to_string(i), kNow + 1, seconds{10}));
      if (rotated) current[static_cast<std::size_t>(i)] = rotated->current_jti;
    });
    CHECK(std::count(current.begin(), current.end(), "j2") == 16);
    CHECK(store.is_session_active("s1", kNow + 1).value());
  }
}

/// The whole contract: users, sessions, and a health check.
// Each revoking write moves session_changes() before it returns, succeeding
// or not, so that a session cache asks again on the very next request.
inline void check_change_generation_contract(UserStore& store) {
  REQUIRE_STORE_OK(store.create_user(contract_user("alice")));
  REQUIRE_STORE_OK(store.create_session("alice", "s1", "j1", kSessionEnd));
  const auto moves = [&](const char* what, auto&& write) {
    const auto before = store.session_changes().generation;
    (void)write();
    INFO(what);
    CHECK(store.session_changes().generation != before);
  };
  moves("refused rotation", [&] { return store.rotate("s1", "not-j1", "j2", kNow); });
  moves("revoke_session", [&] { return store.revoke_session("s1"); });
  moves("revoke_session of an unknown session", [&] { return store.revoke_session("unknown"); });
  moves("revoke_all_sessions", [&] { return store.revoke_all_sessions("alice"); });
  moves("set_roles", [&] { return store.set_roles("alice", {"admin"}); });
  moves("update_password_hash", [&] { return store.update_password_hash("alice", "wrong", "new"); });
  moves("set_disabled", [&] { return store.set_disabled("alice", true); });
  moves("purge_expired", [&] { return store.purge_expired(kNow); });
  moves("delete_user", [&] { return store.delete_user("alice"); });
  CHECK(store.session_changes().complete);
}

inline void check_user_store_contract(const StoreFactory& make_store) {
  const std::unique_ptr<UserStore> store = make_store();
  REQUIRE(store != nullptr);
  SECTION("ping answers") { REQUIRE_STORE_OK(store->ping()); }
  SECTION("users") { check_user_contract(*store); }
  SECTION("accounts") { check_account_contract(*store); }
  SECTION("sessions") { check_session_contract(*store); }
  SECTION("session lifetimes") { check_session_lifetime_contract(*store); }
  SECTION("change generation") { check_change_generation_contract(*store); }
}

}  // namespace authcore::test

#endif  // AUTHCORE_TESTS_USER_STORE_CONTRACT_HPP
