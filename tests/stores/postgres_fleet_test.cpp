// Fleets on PostgreSQL (DESIGN §5): revocations reach every instance's
// session cache through LISTEN/NOTIFY within 100 ms; while an instance's
// LISTEN connection is down its cache trusts nothing; and
// PostgresLoginThrottle counts the failures of every instance together.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "account/session_cache_check.hpp"
#include "authcore/postgres_login_throttle.hpp"
#include "authcore/postgres_user_store.hpp"
#include "support/postgres_support.hpp"

using namespace authcore;
using namespace std::chrono_literals;

namespace {

test::Instances two_instances(const std::string& url, const PostgresUserStoreOptions& a_options,
                              const test::TestSchema& schema) {
  return {test::open_postgres_store(url, a_options), test::open_postgres_store(url, schema.options())};
}

// Ends every LISTEN connection of the server, as a network failure or a
// restarted pooler would end one.
void kill_listeners(const std::string& url) {
  test::RawPostgres(url).execute(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN authcore'"
      " AND pid <> pg_backend_pid()");
}

// Waits until `store`'s changes are complete or not, as `complete`; fails
// the test past 5 s.
void wait_until_complete_is(const UserStore& store, bool complete) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (store.session_changes().complete != complete) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(1ms);
  }
}

}  // namespace

TEST_CASE("revocations reach every instance's session cache through NOTIFY within 100 ms",
          "[authenticator][sessions][postgres][fleet]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url, "fleet");
  test::check_revocations_reach_caches([&] { return two_instances(*url, schema.options(), schema); }, 100ms);
}

TEST_CASE("a logout on B is refused on A within 100 ms at p99 over 50 logouts", "[authenticator][postgres][fleet]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url, "fleet");
  test::TwoInstances fleet([&] { return two_instances(*url, schema.options(), schema); });
  std::vector<std::chrono::microseconds> latencies;
  for (int i = 0; i < 50; ++i) {
    const TokenPair pair = fleet.cached_on_a();
    REQUIRE(fleet.b.logout(pair.access_token));
    latencies.push_back(fleet.time_until_a_refuses(pair.access_token, std::chrono::steady_clock::now()));
  }
  std::sort(latencies.begin(), latencies.end());
  const auto p50 = latencies[latencies.size() / 2];
  const auto p99 = latencies[(latencies.size() * 99 + 99) / 100 - 1];
  INFO("p50 " << p50.count() << " us, p99 " << p99.count() << " us");
  CHECK(p99 <= 100ms);
}

TEST_CASE("while its LISTEN connection is down, an instance's cache trusts nothing",
          "[authenticator][postgres][fleet]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url, "fleet");
  auto a_options = schema.options();
  a_options.listen_retry_interval = 3s;  // a window long enough to look into
  test::TwoInstances fleet([&] { return two_instances(*url, a_options, schema); });
  const UserStore& a_store = *fleet.stores[0];
  const TokenPair kept = fleet.cached_on_a();
  const TokenPair ended = fleet.cached_on_a();
  REQUIRE(a_store.session_changes().complete);

  kill_listeners(*url);
  wait_until_complete_is(a_store, false);
  // B's NOTIFY goes nowhere: A does not listen. Only asking the database
  // refuses the token, on the very next request.
  REQUIRE(fleet.b.logout(ended.access_token));
  CHECK(fleet.a.authenticate(ended.access_token).error().code == ErrorCode::revoked);
  CHECK(fleet.a.authenticate(kept.access_token));
  CHECK_FALSE(a_store.session_changes().complete);  // the answers above came from the database

  wait_until_complete_is(a_store, true);
  const auto since = std::chrono::steady_clock::now();
  REQUIRE(fleet.b.logout(kept.access_token));
  CHECK(fleet.time_until_a_refuses(kept.access_token, since) <= 100ms);
}

namespace {

// The failed logins, spread round-robin over `instances`, before the next
// one is throttled; fails the test past 100.
int failures_before_throttled(const std::vector<Authenticator*>& instances, const std::string& username,
                              const std::string& client) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    Authenticator& instance = *instances[static_cast<std::size_t>(attempt) % instances.size()];
    const auto login = instance.login(username, "wrong password", ClientInfo{client, {}});
    REQUIRE_FALSE(login);
    if (login.error().code == ErrorCode::too_many_attempts) return attempt;
    REQUIRE(login.error().code == ErrorCode::invalid_credentials);
  }
  FAIL("never throttled");
  return -1;
}

struct ThrottledInstance {
  ThrottledInstance(const std::string& url, const test::TestSchema& schema, const LoginThrottleOptions& policy,
                    const Clock& clock)
      : store(test::open_postgres_store(url, schema.options())),
        throttle(PostgresLoginThrottle::open(url, schema.options(), policy).value()),
        auth(*store, test::test_key(), options(throttle), clock) {}

  static AuthenticatorOptions options(std::shared_ptr<LoginThrottle> throttle) {
    AuthenticatorOptions options;
    options.password_policy = PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes);
    options.login_throttle = std::move(throttle);
    return options;
  }

  std::unique_ptr<UserStore> store;
  std::shared_ptr<LoginThrottle> throttle;
  Authenticator auth;
};

}  // namespace

TEST_CASE("failures alternated between two instances are throttled after as many as on one",
          "[authenticator][postgres][fleet][throttle]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url, "throttle");
  const FixedClock clock(FixedClock::from_unix_seconds(test::kNow));
  LoginThrottleOptions policy;
  policy.free_attempts = 3;
  ThrottledInstance first(*url, schema, policy, clock);
  ThrottledInstance second(*url, schema, policy, clock);
  REQUIRE(first.auth.signup("alice", "correct horse"));
  REQUIRE(first.auth.signup("bob", "correct horse"));

  SECTION("per username") {
    const int on_one = failures_before_throttled({&first.auth}, "alice", "192.0.2.1");
    const int on_two = failures_before_throttled({&first.auth, &second.auth}, "bob", "192.0.2.2");
    CHECK(on_one == 4);  // free_attempts, and the one that locks
    CHECK(on_two == on_one);
  }
  SECTION("per client address, across usernames") {
    const int on_two_alice = failures_before_throttled({&first.auth, &second.auth}, "alice", "192.0.2.3");
    // The client is locked now, whichever username it tries next.
    CHECK(on_two_alice == 4);
    const auto next = second.auth.login("bob", "correct horse", ClientInfo{"192.0.2.3", {}});
    CHECK(next.error().code == ErrorCode::too_many_attempts);
  }
  SECTION("a success forgets the username's failures on every instance") {
    for (int i = 0; i < 3; ++i) REQUIRE_FALSE(first.auth.login("alice", "wrong", ClientInfo{"192.0.2.4", {}}));
    REQUIRE(second.auth.login("alice", "correct horse", ClientInfo{"192.0.2.5", {}}));
    CHECK(failures_before_throttled({&first.auth}, "alice", "192.0.2.6") == 4);
  }
}

TEST_CASE("PostgresLoginThrottle keeps its table bounded", "[postgres][throttle]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url, "throttle");
  LoginThrottleOptions policy;
  policy.max_tracked = 16;
  auto throttle = PostgresLoginThrottle::open(*url, schema.options(), policy);
  REQUIRE(throttle);
  const auto start = FixedClock::from_unix_seconds(test::kNow);
  for (int i = 0; i < 128; ++i) {
    (*throttle)->record_failure("user" + std::to_string(i), {}, start + std::chrono::milliseconds(i));
  }
  const auto now = start + 1s;
  schema.execute(
      "DO $$ BEGIN IF (SELECT count(*) FROM {schema}.login_failures) > 16"
      " THEN RAISE EXCEPTION 'login_failures not trimmed'; END IF; END $$");
  // The newest are kept, and still count.
  CHECK((*throttle)->check("user127", {}, now) == std::chrono::seconds{0});
  for (int i = 0; i < 5; ++i) (*throttle)->record_failure("user127", {}, now);
  CHECK((*throttle)->check("user127", {}, now) == policy.base_delay);
}

TEST_CASE("PostgresLoginThrottle::open refuses what it cannot use", "[postgres][throttle]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  PostgresUserStoreOptions options;
  options.schema = "";
  CHECK(PostgresLoginThrottle::open(*url, options).error().code == ErrorCode::invalid_argument);
  CHECK(PostgresLoginThrottle::open("postgresql://[bad").error().code == ErrorCode::invalid_argument);
  CHECK(PostgresLoginThrottle::open("postgresql://127.0.0.1:1/none?connect_timeout=2").error().code ==
        ErrorCode::store_unavailable);
}
