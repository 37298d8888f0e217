// The upgrade from schema version 1 (authcore before accounts, DESIGN §5),
// checked the same way on SQLite and PostgreSQL: each test writes a
// database with exactly the version-1 schema and these rows, in its own
// SQL, opens it with the current store, and calls check_upgraded_from_v1().
//
//   users     alice  (v1_alice_hash(), "alice@example.com"), bob (no e-mail)
//   sessions  s-alice of alice until kSessionEnd: j1 spent, j2 live
//             s-bob of bob until kSessionEnd, revoked: k1 live
#ifndef AUTHCORE_TESTS_SCHEMA_V1_CHECK_HPP
#define AUTHCORE_TESTS_SCHEMA_V1_CHECK_HPP

#include <set>
#include <string>

#include "authcore/authenticator.hpp"
#include "authcore/password_hasher.hpp"
#include "authcore/token_issuer.hpp"
#include "user_store_contract.hpp"

namespace authcore::test {

inline PasswordPolicy cheap_policy() { return PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes); }

inline constexpr const char* kV1AlicePassword = "alice password";

/// 2026-01-01T00:00:00Z: these tests run after it, so an upgrade does too.
inline constexpr std::int64_t kUpgradedNoEarlierThan = 1'767'225'600;

/// An Argon2id hash of kV1AlicePassword, made once at test time.
inline const std::string& v1_alice_hash() {
  static const std::string hash = PasswordHasher(cheap_policy()).hash(kV1AlicePassword).value();
  return hash;
}

/// The refresh token a version-1 authcore handed out for s-alice (live jti j2).
inline std::string v1_alice_refresh_token(const Clock& clock) {
  IssueOptions options;
  options.subject = "alice";
  options.type = TokenType::refresh;
  options.session_id = "s-alice";
  options.jwt_id = "j2";
  options.ttl = std::chrono::seconds(kSessionEnd - kNow);
  return TokenIssuer(test_key(), clock).issue(options).value();
}

inline void check_upgraded_from_v1(UserStore& store) {
  const auto alice = store.find_user("alice");
  REQUIRE_STORE_OK(alice);
  CHECK(alice->password_hash == v1_alice_hash());
  CHECK(alice->email == std::optional<std::string>("alice@example.com"));
  CHECK(alice->created_at == kNow);
  CHECK_FALSE(alice->full_name.has_value());
  CHECK_FALSE(alice->disabled);
  CHECK(alice->roles == std::set<std::string>{"user"});
  CHECK(store.find_user_by_email("ALICE@example.com")->username == "alice");
  CHECK(store.list_users().value().size() == 2);

  const auto session = store.find_session("s-alice");
  REQUIRE_STORE_OK(session);
  CHECK(session->username == "alice");
  CHECK(session->current_jti == "j2");
  CHECK(session->expires_at == kSessionEnd);
  CHECK_FALSE(session->scope.has_value());  // granted before scopes existed
  // Version 3 dates sessions from before it at the upgrade (the database's
  // clock), and records no pair to issue again.
  CHECK(session->created_at >= kUpgradedNoEarlierThan);
  CHECK(session->last_refreshed_at == session->created_at);
  CHECK_FALSE(session->previous_jti.has_value());
  CHECK(session->access_jti.empty());
  CHECK(session->user_agent.empty());
  CHECK(store.find_session("s-bob")->revoked);
  CHECK_FALSE(store.is_session_active("s-bob", kNow).value());

  // The users log in, and the session goes on: its refresh token rotates,
  // with the scopes of alice's roles (the session recorded none).
  FixedClock clock(FixedClock::from_unix_seconds(kNow));
  AuthenticatorOptions options;
  options.password_policy = cheap_policy();
  Authenticator auth(store, test_key(), options, clock);
  const auto refreshed = auth.refresh(v1_alice_refresh_token(clock));
  REQUIRE_STORE_OK(refreshed);
  CHECK(refreshed->scope == "me");
  REQUIRE_STORE_OK(auth.authenticate(refreshed->access_token, {"me"}));
  REQUIRE_STORE_ERROR(ErrorCode::revoked, auth.refresh(v1_alice_refresh_token(clock)));  // j2 is spent now
  const auto login = auth.login("alice@example.com", kV1AlicePassword);
  REQUIRE_STORE_OK(login);
  CHECK(login->scope == "me");
  REQUIRE_STORE_OK(store.create_user(contract_user("carol", "carol@example.com")));
  REQUIRE_STORE_ERROR(ErrorCode::conflict, store.create_user(contract_user("dave", "Alice@Example.com")));
}

}  // namespace authcore::test

#endif  // AUTHCORE_TESTS_SCHEMA_V1_CHECK_HPP
