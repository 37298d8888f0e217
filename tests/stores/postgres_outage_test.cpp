// PostgreSQL stops while a PostgresUserStore is in use: every call fails
// closed with store_unavailable (never not_found, never "inactive", never
// success), and the same store instance works again once the server is
// back. Stops the shared test server, so ctest runs it alone (RUN_SERIAL).
#include "authcore/postgres_user_store.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/postgres_support.hpp"
#include "user_store_contract.hpp"

using namespace authcore;

namespace {

constexpr std::size_t kPoolSize = 2;

/// A store with user alice and kPoolSize connections, all idle.
std::unique_ptr<PostgresUserStore> open_warm_store(const std::string& url, const test::TestSchema& schema) {
  auto options = schema.options();
  options.pool_size = kPoolSize;
  auto store = test::open_postgres_store(url, options);
  REQUIRE_STORE_OK(store->create_user(test::contract_user("alice")));
  test::run_together(static_cast<int>(kPoolSize), [&](int) { (void)store->ping(); });
  return store;
}

}  // namespace

TEST_CASE("PostgreSQL going away: calls fail closed, and the same store recovers", "[store][postgres][outage]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const auto script = test::postgres_control_or_skip();
  if (!script) return;
  const test::TestSchema schema(*url);
  auto store = open_warm_store(*url, schema);
  test::ServerControl server(*script);

  SECTION("while the server is down every call is store_unavailable; afterwards all works") {
    REQUIRE_STORE_OK(store->create_session("alice", "s1", "j1", test::kSessionEnd));
    const std::uint64_t failures_before = store->store_failures();
    server.stop();
    REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->ping());
    REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->find_user("alice"));
    REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->find_user("nobody"));
    REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->create_user(test::contract_user("bob")));
    REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->is_session_active("s1", test::kNow));
    REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->rotate("s1", "j1", "j2", test::kNow));
    REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->revoke_session("s1"));
    REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, store->purge_expired(test::kNow));
    REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, PostgresUserStore::open(*url, schema.options()));
    CHECK(store->store_failures() == failures_before + 8);  // each call above but the open, counted once
    server.start();

    REQUIRE_STORE_OK(store->ping());
    REQUIRE_STORE_OK(store->find_user("alice"));
    CHECK(store->is_session_active("s1", test::kNow).value());
    // Nothing was spent or revoked while the server was away.
    REQUIRE_STORE_OK(store->rotate("s1", "j1", "j2", test::kNow));
    REQUIRE_STORE_OK(store->create_user(test::contract_user("bob")));
    CHECK(store->store_failures() == failures_before + 8);  // successes count nothing
  }
  SECTION("a restart while the store is idle goes unnoticed by its callers") {
    server.stop();
    server.start();
    // Every pooled connection died with the old server; none is used.
    std::vector<std::optional<ErrorCode>> outcomes(kPoolSize);
    test::run_together(static_cast<int>(kPoolSize), [&](int i) {
      outcomes[static_cast<std::size_t>(i)] = test::outcome(store->find_user("alice"));
    });
    CHECK(test::count_outcome(outcomes, std::nullopt) == kPoolSize);
  }
}
