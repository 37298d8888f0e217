// The Authenticator flow on an in-memory store with a FixedClock: sign-up
// rules, login, legacy-hash upgrade, throttling, refresh rotation and reuse
// detection, logout and revocation, deleted users, password changes,
// security events, the session cache, and the asynchronous entry points.
#include "authcore/authenticator.hpp"

#include <atomic>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "authcore/dangerous.hpp"
#include "authcore/memory_user_store.hpp"
#include "support/catch.hpp"
#include "support/faulty_store.hpp"
#include "support/test_support.hpp"

using namespace authcore;
using namespace std::chrono_literals;

namespace {

const std::string kScript = std::string(AUTHCORE_TEST_SOURCE_DIR) + "/support/password_interop.py";

// Cheap Argon2 so the flow tests run fast; the presets are tested elsewhere.
PasswordPolicy fast_policy() { return PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes); }

struct Events {
  std::mutex mutex;
  std::vector<std::pair<SecurityEventKind, std::string>> seen;
  std::function<void(const SecurityEvent&)> sink() {
    return [this](const SecurityEvent& event) {
      const std::lock_guard lock(mutex);
      seen.emplace_back(event.kind, std::string(event.username));
    };
  }
  bool contains(SecurityEventKind kind, const std::string& username) {
    const std::lock_guard lock(mutex);
    return std::find(seen.begin(), seen.end(), std::make_pair(kind, username)) != seen.end();
  }
};

struct Fixture {
  FixedClock clock{FixedClock::from_unix_seconds(test::kNow)};
  InMemoryUserStore store;
  Events events;
  Authenticator auth;

  explicit Fixture(AuthenticatorOptions options = {})
      : auth(store, test::test_key(), with_defaults(std::move(options), events), clock) {}

  static AuthenticatorOptions with_defaults(AuthenticatorOptions options, Events& events) {
    options.password_policy = fast_policy();
    if (!options.on_security_event) options.on_security_event = events.sink();
    return options;
  }

  TokenPair signed_up_and_logged_in(const std::string& username = "alice") {
    REQUIRE(auth.signup(username, "correct horse", "alice@example.com"));
    auto pair = auth.login(username, "correct horse", "10.0.0.1");
    REQUIRE(pair);
    return std::move(pair).value();
  }
};

template <class T>
ErrorCode code_of(const Result<T>& result) {
  REQUIRE_FALSE(result);
  return result.error().code;
}

}  // namespace

TEST_CASE("signup validates username, password and e-mail", "[authenticator]") {
  Fixture f;
  const auto created = f.auth.signup("alice.b-c_9", "correct horse", "alice@example.com");
  REQUIRE(created);
  CHECK(created->username == "alice.b-c_9");
  CHECK(created->email == "alice@example.com");
  CHECK(created->password_hash.rfind("$argon2id$", 0) == 0);
  CHECK(f.events.contains(SecurityEventKind::signup, "alice.b-c_9"));
  CHECK(f.auth.signup("nomail", "correct horse"));

  const std::pair<const char*, const char*> bad_usernames[] = {{"ab", "too short"},
                                                               {"x' OR '1'='1", "quote and spaces"},
                                                               {"; DROP TABLE users; --", "SQL"},
                                                               {"jos\xc3\xa9", "non-ASCII"},
                                                               {"with space", "space"},
                                                               {"a/b", "slash"},
                                                               {"", "empty"}};
  for (const auto& [username, why] : bad_usernames) {
    INFO(why);
    CHECK(code_of(f.auth.signup(username, "correct horse")) == ErrorCode::invalid_argument);
  }
  CHECK(code_of(f.auth.signup(std::string(65, 'a'), "pw-ok")) == ErrorCode::invalid_argument);
  CHECK(f.auth.signup(std::string(64, 'a'), "pw-ok"));
  CHECK(code_of(f.auth.signup("bob", "")) == ErrorCode::invalid_argument);
  CHECK(code_of(f.auth.signup("bob", std::string(4097, 'p'))) == ErrorCode::invalid_argument);
  for (const char* email : {"no-at-sign", "a@b", "@example.com", "a@.example.com", "a..b@example.com", "a@example..com",
                            "a b@example.com", "a@-example.com", "a@example.com\n"}) {
    INFO(email);
    CHECK(code_of(f.auth.signup("bob", "correct horse", std::string_view(email))) == ErrorCode::invalid_argument);
  }
  CHECK(f.auth.signup("bob", "correct horse", "bob+tag@mail.example.co.uk"));
}

TEST_CASE("a taken username is a conflict and the first user keeps their password", "[authenticator]") {
  Fixture f;
  REQUIRE(f.auth.signup("alice", "first password"));
  CHECK(code_of(f.auth.signup("alice", "second password")) == ErrorCode::conflict);
  CHECK(f.auth.login("alice", "first password"));
  CHECK(code_of(f.auth.login("alice", "second password")) == ErrorCode::invalid_credentials);
}

TEST_CASE("login hands out an access and a refresh token of one session", "[authenticator]") {
  Fixture f;
  const TokenPair pair = f.signed_up_and_logged_in();
  CHECK(pair.expires_in == 15min);
  const auto claims = f.auth.authenticate(pair.access_token);
  REQUIRE(claims);
  CHECK(claims->subject() == "alice");
  CHECK(claims->type() == "at+jwt");
  REQUIRE(claims->session_id());
  CHECK(f.events.contains(SecurityEventKind::login_success, "alice"));
  // The refresh token is not an access token, and the reverse.
  CHECK(code_of(f.auth.authenticate(pair.refresh_token)) == ErrorCode::wrong_token_type);
  CHECK(code_of(f.auth.refresh(pair.access_token)) == ErrorCode::wrong_token_type);
}

TEST_CASE("unknown users and wrong passwords fail alike", "[authenticator]") {
  Fixture f;
  REQUIRE(f.auth.signup("alice", "correct horse"));
  CHECK(code_of(f.auth.login("alice", "wrong")) == ErrorCode::invalid_credentials);
  CHECK(code_of(f.auth.login("nobody", "wrong")) == ErrorCode::invalid_credentials);
  CHECK(code_of(f.auth.login("not a valid name!", "wrong")) == ErrorCode::invalid_credentials);
  CHECK(code_of(f.auth.login("alice", "")) == ErrorCode::invalid_credentials);
  CHECK(f.events.contains(SecurityEventKind::login_failure, "nobody"));
}

TEST_CASE("a passlib bcrypt user logs in and is upgraded to Argon2id", "[authenticator][interop]") {
  Fixture f;
  const auto bcrypt = test::run_python(kScript, {"hash", "bcrypt-4"}, "legacy password");
  REQUIRE(bcrypt.exit_code == 0);
  std::string stored = bcrypt.out;
  while (!stored.empty() && stored.back() == '\n') stored.pop_back();
  REQUIRE(stored.rfind("$2b$", 0) == 0);
  REQUIRE(f.store.create_user(User{"legacy", stored, std::nullopt, test::kNow}));

  CHECK(code_of(f.auth.login("legacy", "wrong password")) == ErrorCode::invalid_credentials);
  CHECK(f.store.find_user("legacy")->password_hash == stored);
  REQUIRE(f.auth.login("legacy", "legacy password"));
  const std::string upgraded = f.store.find_user("legacy")->password_hash;
  CHECK(upgraded.rfind("$argon2id$", 0) == 0);
  CHECK(f.auth.login("legacy", "legacy password"));
  CHECK(f.store.find_user("legacy")->password_hash == upgraded);  // no rehash once current
}

TEST_CASE("failed logins are throttled per username and per client, and the throttle expires", "[authenticator]") {
  Fixture f;
  REQUIRE(f.auth.signup("alice", "correct horse"));
  for (int i = 0; i < 5; ++i)
    CHECK(code_of(f.auth.login("alice", "wrong", "10.0.0.1")) == ErrorCode::invalid_credentials);
  // The sixth failure starts the back-off.
  CHECK(code_of(f.auth.login("alice", "wrong", "10.0.0.1")) == ErrorCode::invalid_credentials);
  const auto throttled = f.auth.login("alice", "correct horse", "10.0.0.2");
  REQUIRE_FALSE(throttled);
  CHECK(throttled.error().code == ErrorCode::too_many_attempts);
  CHECK(throttled.error().retry_after == 1s);
  CHECK(f.events.contains(SecurityEventKind::login_throttled, "alice"));

  f.clock.advance(1s);
  CHECK(code_of(f.auth.login("alice", "wrong", "10.0.0.1")) == ErrorCode::invalid_credentials);
  CHECK(f.auth.login("alice", "correct horse", "10.0.0.3").error().retry_after == 2s);  // doubled
  f.clock.advance(2s);
  CHECK(f.auth.login("alice", "correct horse", "10.0.0.3"));
  // Success forgets the username's failures, not the client's.
  REQUIRE(f.auth.signup("bob", "bob password"));
  const auto by_client = f.auth.login("bob", "bob password", "10.0.0.1");
  CHECK(by_client);  // 10.0.0.1's lock (2 s) has expired too
  for (int i = 0; i < 6; ++i) (void)f.auth.login("carol" + std::to_string(i), "x", "10.9.9.9");
  const auto client_locked = f.auth.login("bob", "bob password", "10.9.9.9");
  REQUIRE_FALSE(client_locked);
  CHECK(client_locked.error().code == ErrorCode::too_many_attempts);
  CHECK(f.auth.login("bob", "bob password", "10.0.0.4"));
}

TEST_CASE("refresh rotates, replaying a spent token kills the session", "[authenticator]") {
  Fixture f;
  const TokenPair first = f.signed_up_and_logged_in();
  f.clock.advance(10s);
  const auto second = f.auth.refresh(first.refresh_token);
  REQUIRE(second);
  CHECK(f.events.contains(SecurityEventKind::refresh, "alice"));
  CHECK(f.auth.authenticate(second->access_token));
  CHECK(f.auth.authenticate(first.access_token));  // same session, still alive

  CHECK(code_of(f.auth.refresh(first.refresh_token)) == ErrorCode::revoked);  // replay
  CHECK(f.events.contains(SecurityEventKind::refresh_reuse, "alice"));
  CHECK(code_of(f.auth.refresh(second->refresh_token)) == ErrorCode::revoked);  // the new one dies too
  CHECK(code_of(f.auth.authenticate(second->access_token)) == ErrorCode::revoked);
  CHECK(code_of(f.auth.authenticate(first.access_token)) == ErrorCode::revoked);
}

TEST_CASE("rotation keeps the session's end, an expired session cannot refresh", "[authenticator]") {
  AuthenticatorOptions options;
  options.refresh_ttl = 1h;
  Fixture f(options);
  const TokenPair first = f.signed_up_and_logged_in();
  f.clock.advance(50min);
  const auto second = f.auth.refresh(first.refresh_token);
  REQUIRE(second);
  CHECK(second->expires_in == 10min);  // the access token does not outlive its session
  f.clock.advance(11min);
  CHECK(code_of(f.auth.refresh(second->refresh_token)) == ErrorCode::expired);
}

TEST_CASE("logout stops the access and the refresh token at once", "[authenticator]") {
  Fixture f;
  const TokenPair pair = f.signed_up_and_logged_in();
  REQUIRE(f.auth.logout(pair.access_token, "10.0.0.1"));
  CHECK(f.events.contains(SecurityEventKind::logout, "alice"));
  CHECK(code_of(f.auth.authenticate(pair.access_token)) == ErrorCode::revoked);
  CHECK(code_of(f.auth.refresh(pair.refresh_token)) == ErrorCode::revoked);
  CHECK(code_of(f.auth.logout(pair.access_token)) == ErrorCode::revoked);
  CHECK(f.auth.login("alice", "correct horse"));  // other sessions are unaffected
}

TEST_CASE("revoke ends the session of an access or a refresh token (RFC 7009)", "[authenticator]") {
  Fixture f;
  const TokenPair kept = f.signed_up_and_logged_in();
  const auto login = [&f] {
    auto pair = f.auth.login("alice", "correct horse", "10.0.0.2");
    REQUIRE(pair);
    return std::move(pair).value();
  };
  const auto check_session_ended = [&f](const TokenPair& pair) {
    CHECK(code_of(f.auth.authenticate(pair.access_token)) == ErrorCode::revoked);
    CHECK(code_of(f.auth.refresh(pair.refresh_token)) == ErrorCode::revoked);
  };
  SECTION("by its refresh token") {
    const TokenPair pair = login();
    REQUIRE(f.auth.revoke(pair.refresh_token, "10.0.0.2"));
    CHECK(f.events.contains(SecurityEventKind::logout, "alice"));
    check_session_ended(pair);
  }
  SECTION("by its access token") {
    const TokenPair pair = login();
    REQUIRE(f.auth.revoke(pair.access_token));
    check_session_ended(pair);
  }
  SECTION("by a refresh token already spent: it still names its session") {
    const TokenPair first = login();
    const auto second = f.auth.refresh(first.refresh_token);
    REQUIRE(second);
    REQUIRE(f.auth.revoke(first.refresh_token));
    check_session_ended(*second);
  }
  SECTION("twice: the second is success too") {
    const TokenPair pair = login();
    REQUIRE(f.auth.revoke(pair.refresh_token));
    CHECK(f.auth.revoke(pair.refresh_token));
    CHECK(f.auth.revoke(pair.access_token));
  }
  CHECK(f.auth.authenticate(kept.access_token));  // the user's other session lives on
}

TEST_CASE("revoke refuses tokens that are not valid with their token code and ends nothing", "[authenticator]") {
  Fixture f;
  const TokenPair pair = f.signed_up_and_logged_in();
  CHECK(code_of(f.auth.revoke("garbage")) == ErrorCode::malformed);
  CHECK(code_of(f.auth.revoke(pair.access_token + "x")) == ErrorCode::invalid_signature);
  CHECK(code_of(f.auth.revoke(pair.refresh_token + "x")) == ErrorCode::invalid_signature);
  f.clock.advance(16min);  // the access token has expired, the refresh token has not
  CHECK(code_of(f.auth.revoke(pair.access_token)) == ErrorCode::expired);
  CHECK(f.auth.refresh(pair.refresh_token));
}

TEST_CASE("an access token whose user was deleted is rejected", "[authenticator]") {
  Fixture f;
  const TokenPair pair = f.signed_up_and_logged_in();
  REQUIRE(f.store.delete_user("alice"));
  CHECK(code_of(f.auth.authenticate(pair.access_token)) == ErrorCode::revoked);
  CHECK(code_of(f.auth.refresh(pair.refresh_token)) == ErrorCode::revoked);
  // A new user of the same name inherits nothing.
  REQUIRE(f.auth.signup("alice", "another password"));
  CHECK(code_of(f.auth.authenticate(pair.access_token)) == ErrorCode::revoked);
}

TEST_CASE("change_password checks the old one and revokes the other sessions", "[authenticator]") {
  Fixture f;
  const TokenPair kept = f.signed_up_and_logged_in();
  const auto other = f.auth.login("alice", "correct horse");
  REQUIRE(other);
  const std::string kept_session(*f.auth.authenticate(kept.access_token)->session_id());

  CHECK(code_of(f.auth.change_password("alice", "wrong", "new password")) == ErrorCode::invalid_credentials);
  CHECK(code_of(f.auth.change_password("alice", "correct horse", "")) == ErrorCode::invalid_argument);
  REQUIRE(f.auth.change_password("alice", "correct horse", "new password", kept_session));
  CHECK(f.events.contains(SecurityEventKind::password_changed, "alice"));
  CHECK(f.auth.authenticate(kept.access_token));
  CHECK(code_of(f.auth.authenticate(other->access_token)) == ErrorCode::revoked);
  CHECK(code_of(f.auth.login("alice", "correct horse")) == ErrorCode::invalid_credentials);
  CHECK(f.auth.login("alice", "new password"));
}

TEST_CASE("tokens from another key, or expired ones, are refused with their token code", "[authenticator]") {
  Fixture f;
  const TokenPair pair = f.signed_up_and_logged_in();
  FixedClock other_clock(FixedClock::from_unix_seconds(test::kNow));
  InMemoryUserStore other_store;
  AuthenticatorOptions options;
  options.password_policy = fast_policy();
  Authenticator other(other_store, HmacKey::from_bytes(std::string(32, 'z')).value(), options, other_clock);
  CHECK(code_of(other.authenticate(pair.access_token)) == ErrorCode::invalid_signature);
  f.clock.advance(16min);
  CHECK(code_of(f.auth.authenticate(pair.access_token)) == ErrorCode::expired);
  CHECK(code_of(f.auth.authenticate("garbage")) == ErrorCode::malformed);
}

TEST_CASE("the session cache trusts 'active' until the store changes, for at most its staleness, 'ended' for ever",
          "[authenticator][cache]") {
  // Two Authenticators on one store stand for two service instances.
  FixedClock clock(FixedClock::from_unix_seconds(test::kNow));
  test::FaultyStore store;
  AuthenticatorOptions options;
  options.password_policy = fast_policy();
  options.session_cache_staleness = 1s;
  Authenticator a(store, test::test_key(), options, clock);
  Authenticator b(store, test::test_key(), options, clock);
  CHECK(a.options().session_cache_staleness == 1s);
  REQUIRE(a.signup("alice", "correct horse"));
  const auto first = a.login("alice", "correct horse");
  const auto second = a.login("alice", "correct horse");
  REQUIRE(first);
  REQUIRE(second);
  REQUIRE(b.authenticate(first->access_token));  // cached as active by b
  REQUIRE(b.authenticate(second->access_token));
  REQUIRE(a.logout(first->access_token));
  CHECK(code_of(a.authenticate(first->access_token)) == ErrorCode::revoked);  // a knows at once
  CHECK(code_of(b.authenticate(first->access_token)) == ErrorCode::revoked);  // so does b: the store changed
  REQUIRE(b.authenticate(second->access_token));                              // asked again, and cached

  // With the store silent, 'active' is trusted for the staleness, then asked
  // again; 'ended' never is.
  store.session_error = ErrorCode::store_unavailable;
  CHECK(b.authenticate(second->access_token));
  clock.advance(1001ms);
  CHECK(code_of(b.authenticate(second->access_token)) == ErrorCode::store_unavailable);
  clock.advance(10min);  // within the access token's 15
  CHECK(code_of(b.authenticate(first->access_token)) == ErrorCode::revoked);

  // The default is the store's: zero for memory.
  InMemoryUserStore plain_store;
  AuthenticatorOptions plain;
  plain.password_policy = fast_policy();
  const Authenticator c(plain_store, test::test_key(), plain, clock);
  CHECK(c.options().session_cache_staleness == 0ms);
}

TEST_CASE("the asynchronous entry points call back exactly once", "[authenticator]") {
  Fixture f;
  std::promise<Result<User>> signed_up;
  f.auth.signup_async("alice", SecretBytes("correct horse"), std::string("alice@example.com"),
                      [&](Result<User> user) { signed_up.set_value(std::move(user)); });
  REQUIRE(signed_up.get_future().get());

  std::promise<Result<TokenPair>> logged_in;
  f.auth.login_async("alice", SecretBytes("correct horse"), "10.0.0.1",
                     [&](Result<TokenPair> pair) { logged_in.set_value(std::move(pair)); });
  const auto pair = logged_in.get_future().get();
  REQUIRE(pair);
  CHECK(f.auth.authenticate(pair->access_token));

  std::promise<Result<User>> refused;
  f.auth.signup_async("x", SecretBytes("pw"), std::nullopt,
                      [&](Result<User> user) { refused.set_value(std::move(user)); });
  CHECK(code_of(refused.get_future().get()) == ErrorCode::invalid_argument);

  std::promise<Result<TokenPair>> wrong;
  f.auth.login_async("alice", SecretBytes("wrong"), "", [&](Result<TokenPair> p) { wrong.set_value(std::move(p)); });
  CHECK(code_of(wrong.get_future().get()) == ErrorCode::invalid_credentials);
}

TEST_CASE("a saturated HashGate refuses logins with overloaded", "[authenticator]") {
  HashGateOptions gate_options;
  gate_options.workers = 1;
  gate_options.max_waiters = 1;
  gate_options.max_wait = 5s;
  AuthenticatorOptions options;
  options.hash_gate = std::make_shared<HashGate>(gate_options);
  Fixture f(options);
  REQUIRE(f.auth.signup("alice", "correct horse"));

  // Hold the only worker, fill the only waiting place, then ask once more.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> held{0};
  options.hash_gate->submit(
      [&held, released] {
        ++held;
        released.wait();
      },
      [](Result<void>) {});
  while (held.load() == 0) std::this_thread::yield();
  std::promise<Result<TokenPair>> queued;
  f.auth.login_async("alice", SecretBytes("correct horse"), "",
                     [&](Result<TokenPair> p) { queued.set_value(std::move(p)); });
  const auto refused = f.auth.login("alice", "correct horse");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::overloaded);
  CHECK(refused.error().retry_after.count() > 0);
  release.set_value();
  CHECK(queued.get_future().get());
}

TEST_CASE("a throwing security-event hook does not break authentication", "[authenticator]") {
  AuthenticatorOptions options;
  options.on_security_event = [](const SecurityEvent&) { throw std::runtime_error("audit log down"); };
  Fixture f(options);
  REQUIRE(f.auth.signup("alice", "correct horse"));
  CHECK(f.auth.login("alice", "correct horse"));
  CHECK(to_string(SecurityEventKind::refresh_reuse) == "refresh_reuse");
}

TEST_CASE("tokens without a session are refused unless migration mode accepts them", "[authenticator]") {
  // What the FastAPI tutorial issues with PyJWT: typ JWT, sub and exp, no sid.
  const std::string legacy = test::forge(R"({"alg":"HS256","typ":"JWT"})",
                                         R"({"sub":"johndoe","exp":)" + std::to_string(test::kNow + 600) + "}");
  Fixture strict;
  CHECK(code_of(strict.auth.authenticate(legacy)) == ErrorCode::missing_claim);

  AuthenticatorOptions options;
  options.accept_tokens_without_session = true;
  Fixture migrating(options);
  // Its user must exist and be enabled (DESIGN §5: a token of a user who no
  // longer exists or is disabled never succeeds).
  CHECK(code_of(migrating.auth.authenticate(legacy)) == ErrorCode::revoked);
  REQUIRE(migrating.store.create_user(User{"johndoe", "$2b$12$unused", std::nullopt, test::kNow}));
  const auto claims = migrating.auth.authenticate(legacy);
  REQUIRE(claims);
  CHECK(claims->subject() == "johndoe");
  CHECK(code_of(migrating.auth.logout(legacy)) == ErrorCode::missing_claim);  // nothing to end
  CHECK(code_of(migrating.auth.revoke(legacy)) == ErrorCode::missing_claim);
  CHECK(migrating.auth.authenticate(legacy, {"me"}));  // no scope claim: its user's roles' scopes
  CHECK(code_of(migrating.auth.authenticate(legacy, {"admin"})) == ErrorCode::insufficient_scope);
  REQUIRE(migrating.store.set_disabled("johndoe", true));
  CHECK(code_of(migrating.auth.authenticate(legacy)) == ErrorCode::revoked);
  // Tokens with a session are still checked against it.
  const TokenPair pair = migrating.signed_up_and_logged_in();
  REQUIRE(migrating.auth.logout(pair.access_token));
  CHECK(code_of(migrating.auth.authenticate(pair.access_token)) == ErrorCode::revoked);
}

// ---- accounts: e-mail logins, disabled users, scopes, binding, claims ----

namespace {

// A correctly signed token (the Authenticator's own key) with this payload:
// what someone holding the key, or a bug, could present.
std::string forged(TokenType type, const std::string& payload_members) {
  const std::string header =
      type == TokenType::access ? R"({"alg":"HS256","typ":"at+jwt"})" : R"({"alg":"HS256","typ":"rt+jwt"})";
  return test::forge(header, "{" + payload_members + R"(,"iat":)" + std::to_string(test::kNow) + R"(,"exp":)" +
                                 std::to_string(test::kNow + 600) + "}");
}

std::string session_of(Authenticator& auth, const TokenPair& pair) {
  return std::string(*auth.authenticate(pair.access_token)->session_id());
}

std::string scope_claim(Authenticator& auth, const TokenPair& pair) {
  return auth.authenticate(pair.access_token)->get<std::string>("scope").value_or("(none)");
}

}  // namespace

TEST_CASE("a username may be an e-mail address, and login takes the username or the e-mail", "[authenticator]") {
  Fixture f;
  REQUIRE(f.auth.signup("alice", "correct horse", "Alice@Example.com"));
  const auto by_email = f.auth.signup("bob+tag@example.org", "bob password");
  REQUIRE(by_email);
  CHECK(by_email->email == std::optional<std::string>("bob+tag@example.org"));
  CHECK(f.store.find_user_by_email("BOB+tag@example.org")->username == "bob+tag@example.org");

  for (const char* login : {"alice", "alice@example.com", "ALICE@EXAMPLE.COM", "Alice@Example.com"}) {
    INFO(login);
    const auto pair = f.auth.login(login, "correct horse");
    REQUIRE(pair);
    CHECK(f.auth.authenticate(pair->access_token)->subject() == "alice");  // sub is always the username
  }
  CHECK(f.auth.login("Bob+Tag@Example.ORG", "bob password"));
  CHECK(code_of(f.auth.login("Alice", "correct horse")) == ErrorCode::invalid_credentials);  // usernames are exact
  CHECK(code_of(f.auth.login("alice@example.com", "wrong")) == ErrorCode::invalid_credentials);
  CHECK(code_of(f.auth.login("nobody@example.com", "correct horse")) == ErrorCode::invalid_credentials);
  CHECK(code_of(f.auth.login("alice@", "correct horse")) == ErrorCode::invalid_credentials);
  REQUIRE(f.auth.change_password("alice@example.com", "correct horse", "new horse"));
  CHECK(f.auth.login("alice", "new horse"));

  const std::tuple<const char*, std::optional<std::string_view>, ErrorCode, const char*> refused[] = {
      {"carol@example.com", std::string_view("other@example.com"), ErrorCode::invalid_argument,
       "a username-address must be the account's address"},
      {"carol@localhost", std::nullopt, ErrorCode::invalid_argument, "an '@' but no valid address"},
      {"carol", std::string_view("ALICE@example.COM"), ErrorCode::conflict, "alice's address in another case"},
      {"dave", std::string_view("bob+tag@example.org"), ErrorCode::conflict, "bob's username is his address"},
      {"Alice@Example.com", std::nullopt, ErrorCode::conflict, "a username equal to alice's address"},
  };
  for (const auto& [username, email, code, why] : refused) {
    INFO(why);
    const auto created = f.auth.signup(username, "some password", email);
    REQUIRE_FALSE(created);
    CHECK(created.error().code == code);
    if (code == ErrorCode::conflict) CHECK(created.error().message.find("e-mail") != std::string::npos);
  }
  CHECK(f.auth.signup("carol@example.com", "carol password", "CAROL@example.com"));
  const auto checked = Authenticator::checked_account(User{"erin@example.com", "h", std::nullopt, 0});
  REQUIRE(checked);
  CHECK(checked->email == std::optional<std::string>("erin@example.com"));
  CHECK(code_of(Authenticator::checked_account(User{"x", "h", std::nullopt, 0})) == ErrorCode::invalid_argument);
}

TEST_CASE("failed logins by e-mail are throttled in every spelling of the address", "[authenticator]") {
  Fixture f;
  REQUIRE(f.auth.signup("alice", "correct horse", "alice@example.com"));
  const char* spellings[] = {"alice@example.com", "ALICE@example.com", "Alice@Example.com",
                             "aLiCe@example.com", "alicE@EXAMPLE.com", "ALICE@EXAMPLE.COM"};
  for (const char* login : spellings) (void)f.auth.login(login, "wrong", std::string("10.1.0.") + login[1]);
  const auto locked = f.auth.login("alice@EXAMPLE.com", "correct horse", "10.2.0.1");
  REQUIRE_FALSE(locked);
  CHECK(locked.error().code == ErrorCode::too_many_attempts);
}

TEST_CASE("a disabled account: the right password is account_disabled, a wrong one invalid_credentials",
          "[authenticator]") {
  Fixture f;
  const TokenPair pair = f.signed_up_and_logged_in();
  const TokenPair other = f.auth.login("alice", "correct horse").value();
  REQUIRE(f.store.set_disabled("alice", true));

  // Its tokens stop working on the next request (memory: the store is asked every time).
  CHECK(code_of(f.auth.authenticate(pair.access_token)) == ErrorCode::revoked);
  CHECK(code_of(f.auth.authenticate(other.access_token)) == ErrorCode::revoked);
  CHECK(code_of(f.auth.refresh(pair.refresh_token)) == ErrorCode::revoked);
  CHECK(code_of(f.auth.logout(other.access_token)) == ErrorCode::revoked);

  CHECK(code_of(f.auth.login("alice", "correct horse")) == ErrorCode::account_disabled);
  CHECK(code_of(f.auth.login("alice@example.com", "correct horse")) == ErrorCode::account_disabled);
  CHECK(code_of(f.auth.login("alice", "wrong")) == ErrorCode::invalid_credentials);
  CHECK(code_of(f.auth.change_password("alice", "correct horse", "other")) == ErrorCode::account_disabled);
  CHECK(f.events.contains(SecurityEventKind::login_failure, "alice"));

  // Enabling lets the user log in again; the old sessions stay ended.
  REQUIRE(f.store.set_disabled("alice", false));
  CHECK(code_of(f.auth.authenticate(pair.access_token)) == ErrorCode::revoked);
  CHECK(f.auth.login("alice", "correct horse"));
}

TEST_CASE("a disabled account's tokens stop at the next request, also when disabled past the Authenticator",
          "[authenticator][cache]") {
  FixedClock clock(FixedClock::from_unix_seconds(test::kNow));
  InMemoryUserStore store;
  AuthenticatorOptions options;
  options.password_policy = fast_policy();
  options.session_cache_staleness = 1h;
  Authenticator auth(store, test::test_key(), options, clock);
  REQUIRE(auth.signup("alice", "correct horse"));
  const auto pair = auth.login("alice", "correct horse");
  REQUIRE(pair);
  REQUIRE(auth.authenticate(pair->access_token));  // cached as active
  REQUIRE(store.set_disabled("alice", true));      // straight on the store, as an admin route would
  CHECK(code_of(auth.authenticate(pair->access_token)) == ErrorCode::revoked);
}

TEST_CASE("a token naming another user than its session's is revoked, and spends nothing", "[authenticator]") {
  Fixture f;
  const TokenPair alice = f.signed_up_and_logged_in("alice");
  REQUIRE(f.auth.signup("bob", "bob password"));
  const std::string sid = session_of(f.auth, alice);
  const std::string live_jti = f.store.find_session(sid)->current_jti;

  struct Row {
    const char* name;
    std::string subject;
  };
  const Row rows[] = {{"another user's sub", "bob"}, {"a user who does not exist", "mallory"}};
  for (const auto& row : rows) {
    INFO(row.name);
    const std::string claims = R"("sub":")" + row.subject + R"(","sid":")" + sid + R"(","scope":"me")";
    const std::string access = forged(TokenType::access, claims + R"(,"jti":"a1")");
    const std::string refresh = forged(TokenType::refresh, claims + R"(,"jti":")" + live_jti + "\"");
    CHECK(code_of(f.auth.authenticate(access)) == ErrorCode::revoked);
    CHECK(code_of(f.auth.authenticate(access, {"me"})) == ErrorCode::revoked);
    CHECK(code_of(f.auth.refresh(refresh)) == ErrorCode::revoked);
    CHECK(code_of(f.auth.logout(access)) == ErrorCode::revoked);
  }
  // Alice's session is untouched: her token works and her refresh token was not spent.
  CHECK(f.auth.authenticate(alice.access_token));
  CHECK(f.store.find_session(sid)->current_jti == live_jti);
  CHECK(f.auth.refresh(alice.refresh_token));
  // With her own sub, the same forged shape is accepted: the check is the binding.
  CHECK(f.auth.authenticate(forged(TokenType::access, R"("sub":"alice","sid":")" + sid + R"(","jti":"a2")")));
}

TEST_CASE("the binding is checked from the session cache too", "[authenticator]") {
  AuthenticatorOptions options;
  options.session_cache_staleness = 10s;
  Fixture f(options);
  const TokenPair alice = f.signed_up_and_logged_in("alice");
  const std::string sid = session_of(f.auth, alice);  // now cached as alice's
  REQUIRE(f.auth.signup("bob", "bob password"));
  const std::string as_bob = forged(TokenType::access, R"("sub":"bob","sid":")" + sid + R"(","jti":"b1")");
  CHECK(code_of(f.auth.authenticate(as_bob)) == ErrorCode::revoked);
  CHECK(f.auth.authenticate(alice.access_token));
}

TEST_CASE("scopes: granted = requested ∩ the user's roles' scopes, or all of them", "[authenticator]") {
  struct Row {
    const char* name;
    std::set<std::string> roles;
    ScopeSet requested;
    std::string granted;
  };
  const auto row = GENERATE(values<Row>({
      {"user, nothing requested", {"user"}, {}, "me"},
      {"admin, nothing requested", {"admin"}, {}, "admin me"},
      {"admin asks for me", {"admin"}, {"me"}, "me"},
      {"user asks for admin: left out", {"user"}, {"admin"}, ""},
      {"user asks for me and more", {"user"}, {"me", "unknown", "admin"}, "me"},
      {"no roles", {}, {}, ""},
      {"a role the map does not know", {"auditor"}, {}, ""},
      {"user and admin", {"user", "admin"}, {"admin"}, "admin"},
  }));
  INFO(row.name);
  Fixture f;
  REQUIRE(f.auth.signup("alice", "correct horse"));
  REQUIRE(f.store.set_roles("alice", row.roles));
  const auto pair = f.auth.login("alice", "correct horse", "", row.requested);
  REQUIRE(pair);
  CHECK(pair->scope == row.granted);
  CHECK(scope_claim(f.auth, *pair) == row.granted);  // RFC 9068 §2.2.3, also when empty
  CHECK(f.store.find_session(session_of(f.auth, *pair))->scope == std::optional<std::string>(row.granted));
  for (const std::string& scope : std::vector<std::string>{"me", "admin"}) {
    INFO("requires " << scope);
    const auto checked = f.auth.authenticate(pair->access_token, {scope});
    const bool has = parse_scope(row.granted).count(scope) != 0;
    CHECK(checked.has_value() == has);
    if (!has) CHECK(checked.error().code == ErrorCode::insufficient_scope);
  }
  CHECK(f.auth.authenticate(pair->access_token, {}));
}

TEST_CASE("a required scope must be a whole name of the token's scope claim", "[authenticator]") {
  Fixture f;
  const TokenPair alice = f.signed_up_and_logged_in("alice");
  const std::string sid = session_of(f.auth, alice);
  struct Row {
    const char* claim;
    const char* required;
    bool passes;
  };
  const Row rows[] = {
      {"me admin", "admin", true},
      {"admin", "admin", true},
      {"me  admin", "admin", true},
      {"administrator me", "admin", false},
      {"superadmin", "admin", false},
      {"me adminx", "admin", false},
      {"", "me", false},
      {"m e", "me", false},
      {"ME", "me", false},
  };
  for (const auto& row : rows) {
    INFO("scope \"" << row.claim << "\" requires " << row.required);
    const std::string token =
        forged(TokenType::access, R"("sub":"alice","sid":")" + sid + R"(","jti":"x","scope":")" + row.claim + "\"");
    const auto checked = f.auth.authenticate(token, {row.required});
    CHECK(checked.has_value() == row.passes);
    if (!row.passes) CHECK(checked.error().code == ErrorCode::insufficient_scope);
  }
}

TEST_CASE("refresh keeps the granted scope, narrows it when asked, and follows role changes", "[authenticator]") {
  Fixture f;
  REQUIRE(f.auth.signup("alice", "correct horse"));
  REQUIRE(f.store.set_roles("alice", {"admin"}));
  const auto first = f.auth.login("alice", "correct horse");
  REQUIRE(first);
  CHECK(first->scope == "admin me");
  const auto kept = f.auth.refresh(first->refresh_token);
  REQUIRE(kept);
  CHECK(kept->scope == "admin me");
  const auto narrowed = f.auth.refresh(kept->refresh_token, "", {"me"});
  REQUIRE(narrowed);
  CHECK(narrowed->scope == "me");
  CHECK(code_of(f.auth.authenticate(narrowed->access_token, {"admin"})) == ErrorCode::insufficient_scope);
  // RFC 6749 §6: narrowing does not change the grant; a later refresh gets it all again.
  const auto again = f.auth.refresh(narrowed->refresh_token, "", {"admin", "me", "extra"});
  REQUIRE(again);
  CHECK(again->scope == "admin me");
  REQUIRE(f.store.set_roles("alice", {"user"}));  // admin taken away
  const auto demoted = f.auth.refresh(again->refresh_token);
  REQUIRE(demoted);
  CHECK(demoted->scope == "me");

  // A narrow grant at login stays narrow.
  const auto narrow_login = f.auth.login("alice", "correct horse", "", {"me"});
  REQUIRE(f.store.set_roles("alice", {"admin"}));
  CHECK(f.auth.refresh(narrow_login->refresh_token)->scope == "me");
}

TEST_CASE("the role-to-scope map is an option, its scope names must be scope-tokens", "[authenticator]") {
  AuthenticatorOptions options;
  options.role_scopes = {{"user", {"me", "orders:read"}}, {"staff", {"orders:write"}}};
  Fixture f(options);
  REQUIRE(f.auth.signup("alice", "correct horse"));
  REQUIRE(f.store.set_roles("alice", {"user", "staff"}));
  CHECK(f.auth.login("alice", "correct horse")->scope == "me orders:read orders:write");

  for (const std::string& bad :
       std::vector<std::string>{"two words", "", "quo\"te", "back\\slash", std::string(65, 's'), "caf\xC3\xA9"}) {
    INFO("scope " << bad);
    AuthenticatorOptions refused;
    refused.role_scopes = {{"user", {bad}}};
    InMemoryUserStore store;
    CHECK_THROWS_AS(Authenticator(store, test::test_key(), refused), std::invalid_argument);
  }
  CHECK(parse_scope("  me  admin ") == ScopeSet{"admin", "me"});
  CHECK(parse_scope("").empty());
}

TEST_CASE("extra_claims adds claims to access tokens, registered names are refused", "[authenticator]") {
  AuthenticatorOptions options;
  options.extra_claims = [](const User& user) {
    return nlohmann::json{{"email", user.email.value_or("")}, {"roles", user.roles}};
  };
  Fixture f(options);
  const TokenPair pair = f.signed_up_and_logged_in();
  const auto claims = f.auth.authenticate(pair.access_token);
  REQUIRE(claims);
  CHECK(claims->get<std::string>("email") == "alice@example.com");
  CHECK(claims->get<std::vector<std::string>>("roles") == std::vector<std::string>{"user"});
  const auto refreshed = f.auth.refresh(pair.refresh_token);
  REQUIRE(refreshed);
  CHECK(f.auth.authenticate(refreshed->access_token)->get<std::string>("email") == "alice@example.com");
  CHECK(dangerous::decode_unverified(pair.refresh_token)->payload.find("email") == std::string::npos);

  const std::pair<const char*, std::function<nlohmann::json(const User&)>> refused[] = {
      {"sub",
       [](const User&) {
         return nlohmann::json{{"sub", "admin"}};
       }},
      {"exp",
       [](const User&) {
         return nlohmann::json{{"exp", 1}};
       }},
      {"iat",
       [](const User&) {
         return nlohmann::json{{"iat", 1}};
       }},
      {"nbf",
       [](const User&) {
         return nlohmann::json{{"nbf", 1}};
       }},
      {"iss",
       [](const User&) {
         return nlohmann::json{{"iss", "x"}};
       }},
      {"aud",
       [](const User&) {
         return nlohmann::json{{"aud", "x"}};
       }},
      {"jti",
       [](const User&) {
         return nlohmann::json{{"jti", "x"}};
       }},
      {"sid",
       [](const User&) {
         return nlohmann::json{{"sid", "x"}};
       }},
      {"scope",
       [](const User&) {
         return nlohmann::json{{"scope", "admin"}};
       }},
      {"not an object", [](const User&) { return nlohmann::json("admin"); }},
      {"a hook that throws", [](const User&) -> nlohmann::json { throw std::runtime_error("directory down"); }},
  };
  for (const auto& [why, hook] : refused) {
    INFO(why);
    AuthenticatorOptions bad;
    bad.extra_claims = hook;
    Fixture g(bad);
    REQUIRE(g.auth.signup("alice", "correct horse"));
    CHECK(code_of(g.auth.login("alice", "correct horse")) == ErrorCode::invalid_argument);
  }
  AuthenticatorOptions none;
  none.extra_claims = [](const User&) { return nlohmann::json(); };
  Fixture g(none);
  CHECK(g.signed_up_and_logged_in().scope == "me");
}

namespace {

// An Authenticator caching active sessions for `staleness`, on a store
// whose session lookups can be made to fail, with alice logged in and her
// session looked up once.
struct CachedSession {
  explicit CachedSession(std::chrono::milliseconds staleness)
      : auth(store, test::test_key(), options(staleness), clock) {
    REQUIRE(auth.signup("alice", "correct horse"));
    auto pair = auth.login("alice", "correct horse");
    REQUIRE(pair);
    access_token = pair->access_token;
    REQUIRE(auth.authenticate(access_token));
  }

  static AuthenticatorOptions options(std::chrono::milliseconds staleness) {
    AuthenticatorOptions options;
    options.password_policy = fast_policy();
    options.session_cache_staleness = staleness;
    return options;
  }

  test::FaultyStore store;
  FixedClock clock{FixedClock::from_unix_seconds(test::kNow)};
  Authenticator auth;
  std::string access_token;
};

}  // namespace

TEST_CASE("the session cache answers alone until the store's change generation moves", "[authenticator][cache]") {
  CachedSession f(1h);
  f.store.session_error = ErrorCode::store_unavailable;
  CHECK(f.auth.authenticate(f.access_token));  // from the cache: the store was not asked

  REQUIRE(f.store.set_roles("alice", {"user"}));  // any revoking write moves the generation
  CHECK(f.auth.authenticate(f.access_token).error().code == ErrorCode::store_unavailable);

  f.store.session_error.reset();
  CHECK(f.auth.authenticate(f.access_token));
  CHECK(f.store.session_changes().complete);
}

TEST_CASE("with a zero staleness the session cache never answers for the store", "[authenticator][cache]") {
  CachedSession f(0ms);
  f.store.session_error = ErrorCode::store_unavailable;
  CHECK(f.auth.authenticate(f.access_token).error().code == ErrorCode::store_unavailable);
}
