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

#include "authcore/memory_user_store.hpp"
#include "support/catch.hpp"
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

TEST_CASE("the session cache trusts 'active' for its staleness and 'ended' for ever", "[authenticator]") {
  // Two Authenticators on one store stand for two service instances.
  FixedClock clock(FixedClock::from_unix_seconds(test::kNow));
  InMemoryUserStore store;
  AuthenticatorOptions options;
  options.password_policy = fast_policy();
  options.session_cache_staleness = 1s;
  Authenticator a(store, test::test_key(), options, clock);
  Authenticator b(store, test::test_key(), options, clock);
  CHECK(a.options().session_cache_staleness == 1s);
  REQUIRE(a.signup("alice", "correct horse"));
  const auto pair = a.login("alice", "correct horse");
  REQUIRE(pair);
  REQUIRE(b.authenticate(pair->access_token));  // cached as active by b
  REQUIRE(a.logout(pair->access_token));
  CHECK(code_of(a.authenticate(pair->access_token)) == ErrorCode::revoked);  // a knows at once
  CHECK(b.authenticate(pair->access_token));                                 // b within its staleness
  clock.advance(1001ms);
  CHECK(code_of(b.authenticate(pair->access_token)) == ErrorCode::revoked);

  // The default is the store's: zero for memory, so b would have known at once.
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
  const auto claims = migrating.auth.authenticate(legacy);
  REQUIRE(claims);
  CHECK(claims->subject() == "johndoe");
  CHECK(code_of(migrating.auth.logout(legacy)) == ErrorCode::missing_claim);  // nothing to end
  CHECK(code_of(migrating.auth.revoke(legacy)) == ErrorCode::missing_claim);
  // Tokens with a session are still checked against it.
  const TokenPair pair = migrating.signed_up_and_logged_in();
  REQUIRE(migrating.auth.logout(pair.access_token));
  CHECK(code_of(migrating.auth.authenticate(pair.access_token)) == ErrorCode::revoked);
}
