// PostgreSQL stops while a PostgresUserStore is in use: every call fails
// closed with store_unavailable (never not_found, never "inactive", never
// success), and the same store instance works again once the server is
// back. Stops the shared test server, so ctest runs it alone (RUN_SERIAL).
#include "authcore/postgres_user_store.hpp"

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "support/postgres_support.hpp"
#include "user_store_contract.hpp"

using namespace authcore;

namespace {

/// Runs `<control> <command>`: tests/support/postgres.sh stop-server or
/// start-server, which finds the cluster through $AUTHCORE_TEST_POSTGRES_DIR.
int control_server(const std::string& control, const std::string& command) {
  return std::system(("'" + control + "' " + command).c_str());
}

/// Starts the server again when the test ends, also when it fails halfway,
/// so that the tests after it find it running.
struct RestartOnExit {
  const std::string& control;
  bool stopped = false;
  ~RestartOnExit() {
    if (stopped) (void)control_server(control, "start-server");
  }
};

}  // namespace

TEST_CASE("a PostgreSQL outage fails closed with store_unavailable, and the store recovers",
          "[store][postgres][outage]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const auto control = test::postgres_control_or_skip();
  if (!control) return;
  const test::TestSchema schema(*url);
  auto options = schema.options();
  options.pool_size = 2;
  auto store = test::open_postgres_store(*url, options);
  REQUIRE_STORE_OK(store->create_user(test::contract_user("alice")));
  REQUIRE_STORE_OK(store->create_session("alice", "s1", "j1", test::kSessionEnd));
  // Two connections in the pool, both idle when the server goes away.
  test::run_together(2, [&](int) { (void)store->ping(); });

  RestartOnExit restart{*control};
  REQUIRE(control_server(*control, "stop-server") == 0);
  restart.stopped = true;

  REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->ping());
  REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->find_user("alice"));
  REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->find_user("nobody"));
  REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->create_user(test::contract_user("bob")));
  REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->is_session_active("s1", test::kNow));
  REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->rotate("s1", "j1", "j2", test::kNow));
  REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->revoke_session("s1"));
  REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->purge_expired(test::kNow));
  REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, PostgresUserStore::open(*url, options));

  REQUIRE(control_server(*control, "start-server") == 0);
  restart.stopped = false;

  REQUIRE_STORE_OK(store->ping());
  REQUIRE_STORE_OK(store->find_user("alice"));
  CHECK(store->is_session_active("s1", test::kNow).value());
  // Nothing was spent or revoked while the server was away.
  REQUIRE_STORE_OK(store->rotate("s1", "j1", "j2", test::kNow));
  REQUIRE_STORE_OK(store->create_user(test::contract_user("bob")));
  test::run_together(4, [&](int) { (void)store->ping(); });
  REQUIRE_STORE_OK(store->ping());
}

TEST_CASE("a PostgreSQL restart while the store is idle goes unnoticed by its callers",
          "[store][postgres][outage]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const auto control = test::postgres_control_or_skip();
  if (!control) return;
  const test::TestSchema schema(*url);
  auto options = schema.options();
  options.pool_size = 2;
  auto store = test::open_postgres_store(*url, options);
  REQUIRE_STORE_OK(store->create_user(test::contract_user("alice")));
  test::run_together(2, [&](int) { (void)store->ping(); });

  RestartOnExit restart{*control};
  REQUIRE(control_server(*control, "stop-server") == 0);
  restart.stopped = true;
  REQUIRE(control_server(*control, "start-server") == 0);
  restart.stopped = false;

  // Both pooled connections died with the old server; neither is used.
  std::vector<std::optional<ErrorCode>> outcomes(2);
  test::run_together(2, [&](int i) { outcomes[static_cast<std::size_t>(i)] = test::outcome(store->find_user("alice")); });
  CHECK(test::count_outcome(outcomes, std::nullopt) == 2);
}
