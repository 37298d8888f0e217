// The session rules of the Authenticator (DESIGN §5, "Sessions for real
// clients"), run on every backend:
//
//     TEST_CASE("...") { authcore::test::check_session_flows(make_store); }
//
// the reuse interval (the same pair byte for byte, within and after the
// interval, racing threads), logout scopes, listing and ending one's own
// sessions, the inactivity timeout, all with a FixedClock.
#ifndef AUTHCORE_TESTS_SESSION_FLOW_CHECK_HPP
#define AUTHCORE_TESTS_SESSION_FLOW_CHECK_HPP

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "authcore/authenticator.hpp"
#include "authcore/password_hasher.hpp"
#include "support/catch.hpp"
#include "support/store_support.hpp"
#include "support/test_support.hpp"

namespace authcore::test {

using SessionStoreFactory = std::function<std::unique_ptr<UserStore>()>;

/// An Authenticator on a fresh store with a FixedClock at kNow, cheap
/// hashing, and alice signed up.
struct SessionFlow {
  explicit SessionFlow(const SessionStoreFactory& make_store, AuthenticatorOptions options = {})
      : store(make_store()), auth(*store, test_key(), cheap(std::move(options)), clock) {
    REQUIRE(auth.signup("alice", "correct horse"));
    REQUIRE(auth.signup("bob", "battery staple"));
  }

  static AuthenticatorOptions cheap(AuthenticatorOptions options) {
    options.password_policy = PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes);
    return options;
  }

  TokenPair login(const std::string& username = "alice", std::string_view user_agent = "test-agent/1.0") {
    auto pair = auth.login(username, username == "alice" ? "correct horse" : "battery staple",
                           ClientInfo{"192.0.2.7", user_agent});
    REQUIRE(pair);
    return std::move(*pair);
  }

  FixedClock clock{FixedClock::from_unix_seconds(kNow)};
  std::unique_ptr<UserStore> store;
  Authenticator auth;
};

inline AuthenticatorOptions with_reuse_interval(std::chrono::seconds interval) {
  AuthenticatorOptions options;
  options.refresh_reuse_interval = interval;
  return options;
}

inline ErrorCode failure_code(const Result<void>& result) {
  REQUIRE_FALSE(result);
  return result.error().code;
}
template <class T>
ErrorCode failure_code(const Result<T>& result) {
  REQUIRE_FALSE(result);
  return result.error().code;
}

inline void check_reuse_interval_flows(const SessionStoreFactory& make_store) {
  using namespace std::chrono_literals;
  SECTION("within the interval, the token just rotated away returns the current pair byte for byte") {
    SessionFlow f(make_store, with_reuse_interval(10s));
    const TokenPair first = f.login();
    f.clock.advance(30s);
    const auto second = f.auth.refresh(first.refresh_token);
    REQUIRE(second);
    for (const auto after : {0s, 4s, 5s}) {
      f.clock.advance(after);
      const auto again = f.auth.refresh(first.refresh_token);
      REQUIRE(again);
      CHECK(again->access_token == second->access_token);
      CHECK(again->refresh_token == second->refresh_token);
      CHECK(again->expires_in == second->expires_in);
      CHECK(again->scope == second->scope);
    }
    REQUIRE(f.auth.authenticate(second->access_token, {"me"}));
    // The current pair goes on: its refresh token rotates as usual.
    const auto third = f.auth.refresh(second->refresh_token);
    REQUIRE(third);
    CHECK(third->refresh_token != second->refresh_token);
    REQUIRE(f.auth.authenticate(third->access_token));
  }
  SECTION("at the end of the interval, the token just rotated away revokes the session") {
    SessionFlow f(make_store, with_reuse_interval(10s));
    const TokenPair first = f.login();
    const auto second = f.auth.refresh(first.refresh_token);
    REQUIRE(second);
    f.clock.advance(10s);
    CHECK(failure_code(f.auth.refresh(first.refresh_token)) == ErrorCode::revoked);
    CHECK(failure_code(f.auth.refresh(second->refresh_token)) == ErrorCode::revoked);
    CHECK(failure_code(f.auth.authenticate(second->access_token)) == ErrorCode::revoked);
  }
  SECTION("an older token, within the interval, revokes the session") {
    SessionFlow f(make_store, with_reuse_interval(10s));
    const TokenPair first = f.login();
    const auto second = f.auth.refresh(first.refresh_token);
    REQUIRE(second);
    const auto third = f.auth.refresh(second->refresh_token);
    REQUIRE(third);
    CHECK(failure_code(f.auth.refresh(first.refresh_token)) == ErrorCode::revoked);
    CHECK(failure_code(f.auth.authenticate(third->access_token)) == ErrorCode::revoked);
  }
  SECTION("by default (no interval) any reuse revokes, as before") {
    SessionFlow f(make_store);
    CHECK(f.auth.options().refresh_reuse_interval == 0s);
    const TokenPair first = f.login();
    const auto second = f.auth.refresh(first.refresh_token);
    REQUIRE(second);
    CHECK(failure_code(f.auth.refresh(first.refresh_token)) == ErrorCode::revoked);
    CHECK(failure_code(f.auth.authenticate(second->access_token)) == ErrorCode::revoked);
  }
  SECTION("16 threads refresh one token at once: all get the same pair, and the session lives") {
    SessionFlow f(make_store, with_reuse_interval(10s));
    const TokenPair first = f.login();
    std::vector<Result<TokenPair>> pairs(16, Error{ErrorCode::store_error, "not run"});
    run_together(16, [&](int i) { pairs[static_cast<std::size_t>(i)] = f.auth.refresh(first.refresh_token); });
    REQUIRE(pairs[0]);
    for (const auto& pair : pairs) {
      REQUIRE(pair);
      CHECK(pair->access_token == pairs[0]->access_token);
      CHECK(pair->refresh_token == pairs[0]->refresh_token);
    }
    REQUIRE(f.auth.authenticate(pairs[0]->access_token));
    REQUIRE(f.auth.refresh(pairs[0]->refresh_token));
  }
  SECTION("a narrower scope asked for on a retry gets the current pair as it was") {
    SessionFlow f(make_store, with_reuse_interval(10s));
    const TokenPair first = f.login();
    const auto second = f.auth.refresh(first.refresh_token, {}, {"me"});
    REQUIRE(second);
    const auto again = f.auth.refresh(first.refresh_token, {}, {"nothing-granted"});
    REQUIRE(again);
    CHECK(again->access_token == second->access_token);
  }
  SECTION("a negative interval is refused at construction") {
    CHECK_THROWS_AS(SessionFlow(make_store, with_reuse_interval(-1s)), std::invalid_argument);
  }
}

inline void check_logout_scope_flows(const SessionStoreFactory& make_store) {
  SECTION("logout scopes: local ends this session, others all but it, global all of them") {
    SessionFlow f(make_store);
    const TokenPair one = f.login();
    const TokenPair two = f.login();
    const TokenPair three = f.login();
    const TokenPair bobs = f.login("bob");
    REQUIRE(f.auth.logout(one.access_token, LogoutScope::local));
    CHECK(failure_code(f.auth.authenticate(one.access_token)) == ErrorCode::revoked);
    REQUIRE(f.auth.authenticate(two.access_token));

    REQUIRE(f.auth.logout(two.access_token, LogoutScope::others));
    REQUIRE(f.auth.authenticate(two.access_token));
    CHECK(failure_code(f.auth.authenticate(three.access_token)) == ErrorCode::revoked);
    CHECK(failure_code(f.auth.refresh(three.refresh_token)) == ErrorCode::revoked);
    REQUIRE(f.auth.authenticate(bobs.access_token));

    const TokenPair four = f.login();
    REQUIRE(f.auth.logout(four.access_token, LogoutScope::global));
    CHECK(failure_code(f.auth.authenticate(two.access_token)) == ErrorCode::revoked);
    CHECK(failure_code(f.auth.authenticate(four.access_token)) == ErrorCode::revoked);
    CHECK(failure_code(f.auth.refresh(two.refresh_token)) == ErrorCode::revoked);
    REQUIRE(f.auth.authenticate(bobs.access_token));
    CHECK(failure_code(f.auth.logout(four.access_token, LogoutScope::others)) == ErrorCode::revoked);
  }
  SECTION("logout scopes are named local, others and global") {
    CHECK(parse_logout_scope("local") == LogoutScope::local);
    CHECK(parse_logout_scope("others") == LogoutScope::others);
    CHECK(parse_logout_scope("global") == LogoutScope::global);
    CHECK_FALSE(parse_logout_scope("Global").has_value());
    CHECK_FALSE(parse_logout_scope("").has_value());
    CHECK(to_string(LogoutScope::others) == "others");
  }
}

inline void check_session_listing_flows(const SessionStoreFactory& make_store) {
  using namespace std::chrono_literals;
  SECTION("sessions() lists the user's live sessions, oldest first, the caller's marked current") {
    SessionFlow f(make_store);
    const TokenPair first = f.login("alice", "phone/1");
    f.clock.advance(5s);
    const TokenPair second = f.login("alice", "browser/2");
    f.clock.advance(5s);
    const TokenPair ended = f.login();
    REQUIRE(f.auth.logout(ended.access_token));
    (void)f.login("bob");
    f.clock.advance(5s);
    const auto refreshed = f.auth.refresh(first.refresh_token);
    REQUIRE(refreshed);
    const auto listed = f.auth.sessions(second.access_token);
    REQUIRE(listed);
    REQUIRE(listed->size() == 2);
    const SessionInfo& phone = (*listed)[0];
    CHECK(phone.created_at == kNow);
    CHECK(phone.last_refreshed_at == kNow + 15);
    CHECK(phone.user_agent == "phone/1");
    CHECK(phone.client_address == "192.0.2.7");
    CHECK_FALSE(phone.current);
    CHECK((*listed)[1].user_agent == "browser/2");
    CHECK((*listed)[1].current);
    CHECK((*listed)[1].last_refreshed_at == kNow + 5);
    CHECK(failure_code(f.auth.sessions(ended.access_token)) == ErrorCode::revoked);
    CHECK(failure_code(f.auth.sessions("not a token")) == ErrorCode::malformed);
  }
  SECTION("end_session ends one's own session, and says not_found for anyone else's") {
    SessionFlow f(make_store);
    const TokenPair mine = f.login();
    const TokenPair other = f.login();
    const TokenPair bobs = f.login("bob");
    const auto bob_sessions = f.auth.sessions(bobs.access_token);
    REQUIRE(bob_sessions);
    REQUIRE(bob_sessions->size() == 1);
    CHECK(failure_code(f.auth.end_session(mine.access_token, (*bob_sessions)[0].session_id)) == ErrorCode::not_found);
    REQUIRE(f.auth.authenticate(bobs.access_token));
    CHECK(failure_code(f.auth.end_session(mine.access_token, "no-such-session")) == ErrorCode::not_found);
    CHECK(failure_code(f.auth.end_session(mine.access_token, "")) == ErrorCode::not_found);
    const auto listed = f.auth.sessions(mine.access_token);
    REQUIRE(listed);
    REQUIRE(listed->size() == 2);
    const std::string other_id = (*listed)[0].current ? (*listed)[1].session_id : (*listed)[0].session_id;
    REQUIRE(f.auth.end_session(mine.access_token, other_id));
    CHECK(failure_code(f.auth.authenticate(other.access_token)) == ErrorCode::revoked);
    REQUIRE(f.auth.authenticate(mine.access_token));
    CHECK(f.auth.sessions(mine.access_token)->size() == 1);
  }
  SECTION("the stored user agent is sanitised: valid UTF-8, no control characters, at most 256 bytes") {
    SessionFlow f(make_store);
    const TokenPair odd = f.login("alice", "bad\xFF\x01tab\tz\xC3\xA9");
    (void)f.login("alice", std::string(300, 'x'));
    const std::string accents(200, 'a');
    (void)f.login("alice", accents + std::string(30, '\xC3') + "\xC3\xA9\xC3\xA9\xC3\xA9");
    const auto listed = f.auth.sessions(odd.access_token);
    REQUIRE(listed);
    REQUIRE(listed->size() == 3);
    std::vector<std::string> agents;
    for (const auto& session : *listed) agents.push_back(session.user_agent);
    CHECK(std::count(agents.begin(), agents.end(), "bad\xEF\xBF\xBDtabz\xC3\xA9") == 1);
    CHECK(std::count(agents.begin(), agents.end(), std::string(256, 'x')) == 1);
    // 200 bytes, then 30 stray lead bytes become U+FFFD (3 bytes each):
    // 18 of them fit in 256 bytes, with 2 bytes left over.
    std::string expected = accents;
    for (int i = 0; i < 18; ++i) expected += "\xEF\xBF\xBD";
    CHECK(std::count(agents.begin(), agents.end(), expected) == 1);
  }
}

inline void check_inactivity_flows(const SessionStoreFactory& make_store) {
  using namespace std::chrono_literals;
  AuthenticatorOptions options;
  options.inactivity_timeout = 10min;
  SECTION("a session refreshed within the inactivity timeout goes on, one idle for longer ends") {
    SessionFlow f(make_store, options);
    const TokenPair first = f.login();
    CHECK(first.expires_in == 10min);  // an access token never outlives the timeout
    f.clock.advance(9min);
    const auto second = f.auth.refresh(first.refresh_token);
    REQUIRE(second);
    f.clock.advance(9min);
    REQUIRE(f.auth.authenticate(second->access_token));
    f.clock.advance(1min + 1s);  // 10 min 1 s since the last refresh
    CHECK(failure_code(f.auth.authenticate(second->access_token)) == ErrorCode::expired);
    CHECK(failure_code(f.auth.refresh(second->refresh_token)) == ErrorCode::revoked);
    const TokenPair again = f.login();  // a new session starts its own clock
    REQUIRE(f.auth.authenticate(again.access_token));
  }
  SECTION("sessions() leaves out, and purge_expired() deletes, the inactive sessions") {
    SessionFlow f(make_store, options);
    const TokenPair idle = f.login();
    f.clock.advance(8min);
    const TokenPair active = f.login();
    f.clock.advance(3min);
    const auto listed = f.auth.sessions(active.access_token);
    REQUIRE(listed);
    REQUIRE(listed->size() == 1);
    CHECK((*listed)[0].current);
    const auto purged = f.store->purge_expired(f.clock.unix_seconds(), options.inactivity_timeout);
    REQUIRE(purged);
    CHECK(*purged == 1);
    CHECK(failure_code(f.auth.refresh(idle.refresh_token)) == ErrorCode::revoked);
  }
  SECTION("a negative inactivity timeout is refused at construction") {
    AuthenticatorOptions negative;
    negative.inactivity_timeout = -1s;
    CHECK_THROWS_AS(SessionFlow(make_store, negative), std::invalid_argument);
  }
}

/// Every session rule of the Authenticator on stores from `make_store`.
inline void check_session_flows(const SessionStoreFactory& make_store) {
  SECTION("reuse interval") { check_reuse_interval_flows(make_store); }
  SECTION("logout scopes") { check_logout_scope_flows(make_store); }
  SECTION("session listing") { check_session_listing_flows(make_store); }
  SECTION("inactivity timeout") { check_inactivity_flows(make_store); }
}

}  // namespace authcore::test

#endif  // AUTHCORE_TESTS_SESSION_FLOW_CHECK_HPP
