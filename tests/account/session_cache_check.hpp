// The Authenticator's session cache against two instances of one database
// (DESIGN §5, "Fleets"), run on every backend that can be shared:
//
//     TEST_CASE("...") { authcore::test::check_revocations_reach_caches(make_instances, 100ms); }
//
// Instance A's cache trusts an active session for an hour (and the clock
// stands still), so only the store's change generation can make A ask
// again: every revocation through A must be seen by A's very next request,
// and every revocation through B by A within `bound`.
#ifndef AUTHCORE_TESTS_SESSION_CACHE_CHECK_HPP
#define AUTHCORE_TESTS_SESSION_CACHE_CHECK_HPP

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "authcore/authenticator.hpp"
#include "authcore/password_hasher.hpp"
#include "support/catch.hpp"
#include "support/store_support.hpp"
#include "support/test_support.hpp"

namespace authcore::test {

using Instances = std::array<std::unique_ptr<UserStore>, 2>;
using InstancesFactory = std::function<Instances()>;

/// Two Authenticators, A and B, each on its own store instance of one
/// database, A caching active sessions for an hour; alice signed up.
struct TwoInstances {
  explicit TwoInstances(const InstancesFactory& make_instances)
      : stores(make_instances()),
        a(*stores[0], test_key(), options(), clock),
        b(*stores[1], test_key(), options(), clock) {
    REQUIRE(a.signup("alice", "correct horse"));
  }

  static AuthenticatorOptions options() {
    AuthenticatorOptions options;
    options.password_policy = PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes);
    options.session_cache_staleness = std::chrono::hours{1};
    return options;
  }

  /// A fresh session of alice's, logged in on A and cached by A.
  TokenPair cached_on_a() {
    auto pair = a.login("alice", "correct horse");
    REQUIRE(pair);
    REQUIRE(a.authenticate(pair->access_token));
    return std::move(*pair);
  }

  /// How long A took to refuse `access_token` as revoked, polling; fails
  /// the test past 5 s.
  std::chrono::microseconds time_until_a_refuses(const std::string& access_token,
                                                 std::chrono::steady_clock::time_point since) const {
    for (;;) {
      const auto claims = a.authenticate(access_token);
      const auto elapsed = std::chrono::steady_clock::now() - since;
      if (!claims) {
        CHECK(claims.error().code == ErrorCode::revoked);
        return std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
      }
      REQUIRE(elapsed < std::chrono::seconds{5});
      std::this_thread::sleep_for(std::chrono::microseconds{200});
    }
  }

  FixedClock clock{FixedClock::from_unix_seconds(kNow)};
  Instances stores;
  Authenticator a;
  Authenticator b;
};

inline void check_revocations_reach_caches(const InstancesFactory& make_instances, std::chrono::milliseconds bound) {
  TwoInstances fleet(make_instances);
  const TokenPair pair = fleet.cached_on_a();
  // A string of its own: the view session_id() gives dies with the claims.
  const std::string session_id(*fleet.a.authenticate(pair.access_token)->session_id());
  UserStore& own = *fleet.stores[0];
  UserStore& other = *fleet.stores[1];

  SECTION("A's own revocations are seen by A's very next request") {
    SECTION("logout") { REQUIRE(fleet.a.logout(pair.access_token)); }
    SECTION("revoke_session") { REQUIRE_STORE_OK(own.revoke_session(session_id)); }
    SECTION("disable") { REQUIRE_STORE_OK(own.set_disabled("alice", true)); }
    SECTION("revoke-all") { REQUIRE(own.revoke_all_sessions("alice").value() == 1); }
    SECTION("delete") { REQUIRE_STORE_OK(own.delete_user("alice")); }
    SECTION("password change") { REQUIRE(fleet.a.change_password("alice", "correct horse", "battery staple")); }
    SECTION("refresh-token reuse") {
      REQUIRE(fleet.a.refresh(pair.refresh_token));
      CHECK(fleet.a.refresh(pair.refresh_token).error().code == ErrorCode::revoked);
    }
    CHECK(fleet.a.authenticate(pair.access_token).error().code == ErrorCode::revoked);
  }

  SECTION("B's revocations are seen by A within the bound") {
    const auto since = std::chrono::steady_clock::now();
    SECTION("logout") { REQUIRE(fleet.b.logout(pair.access_token)); }
    SECTION("disable") { REQUIRE_STORE_OK(other.set_disabled("alice", true)); }
    SECTION("revoke-all") { REQUIRE(other.revoke_all_sessions("alice").value() == 1); }
    SECTION("delete") { REQUIRE_STORE_OK(other.delete_user("alice")); }
    SECTION("refresh-token reuse") {
      REQUIRE(fleet.b.refresh(pair.refresh_token));
      CHECK(fleet.b.refresh(pair.refresh_token).error().code == ErrorCode::revoked);
    }
    const auto elapsed = fleet.time_until_a_refuses(pair.access_token, since);
    INFO("A refused after " << elapsed.count() << " us");
    CHECK(elapsed <= bound);
  }

  SECTION("a session nobody revoked stays good on A") {
    REQUIRE(fleet.b.login("alice", "correct horse"));
    REQUIRE(fleet.b.refresh(pair.refresh_token));
    std::this_thread::sleep_for(bound);
    CHECK(fleet.a.authenticate(pair.access_token));
  }
}

}  // namespace authcore::test

#endif  // AUTHCORE_TESTS_SESSION_CACHE_CHECK_HPP
