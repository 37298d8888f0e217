// PostgresUserStore: the contract, plus what only a shared server has to
// get right: several store instances (pools) on one database, migrations
// racing at start-up, connection limits, and its error mapping. Each test
// works in a schema of its own, so the tests can run in parallel. The
// outage test lives in postgres_outage_test.cpp: it stops the server.
#include "authcore/postgres_user_store.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "account/session_flow_check.hpp"
#include "schema_v1_check.hpp"
#include "stores/postgres_database.hpp"
#include "support/postgres_support.hpp"
#include "user_store_contract.hpp"

using namespace authcore;

namespace {

// Two stores (two pools) on one schema, as two service instances, and alice.
std::array<std::unique_ptr<UserStore>, 2> two_instances_with_alice(const std::string& url,
                                                                   const test::TestSchema& schema) {
  std::array<std::unique_ptr<UserStore>, 2> instances{test::open_postgres_store(url, schema.options()),
                                                      test::open_postgres_store(url, schema.options())};
  REQUIRE_STORE_OK(instances[0]->create_user(test::contract_user("alice")));
  return instances;
}

}  // namespace

TEST_CASE("PostgresUserStore meets the UserStore contract", "[store][postgres]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url);
  test::check_user_store_contract([&] { return test::open_postgres_store(*url, schema.options()); });
}

TEST_CASE("PostgresUserStore meets the contract with a single pooled connection", "[store][postgres]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url);
  auto options = schema.options();
  options.pool_size = 1;
  test::check_user_store_contract([&] { return test::open_postgres_store(*url, options); });
}

TEST_CASE("the Authenticator's session rules hold on PostgresUserStore", "[authenticator][sessions][postgres]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url);
  test::check_session_flows([&] { return test::open_postgres_store(*url, schema.options()); });
}

TEST_CASE("two store instances (two pools): a refresh token rotates once across both", "[store][postgres]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url);
  const auto instances = two_instances_with_alice(*url, schema);
  REQUIRE_STORE_OK(instances[1]->create_session("alice", "s1", "j1", test::kSessionEnd));

  std::vector<std::optional<ErrorCode>> outcomes(16);
  test::run_together(16, [&](int i) {
    outcomes[static_cast<std::size_t>(i)] = test::outcome(
        instances[static_cast<std::size_t>(i % 2)]->rotate("s1", "j1", "next-" + std::to_string(i), test::kNow));
  });
  CHECK(test::count_outcome(outcomes, std::nullopt) == 1);
  CHECK(test::count_outcome(outcomes, ErrorCode::revoked) == 15);
  CHECK_FALSE(instances[0]->is_session_active("s1", test::kNow).value());
  CHECK_FALSE(instances[1]->is_session_active("s1", test::kNow).value());
}

TEST_CASE("two store instances with a reuse interval: all 16 presenters get one pair, the session lives",
          "[store][postgres]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url);
  const auto instances = two_instances_with_alice(*url, schema);
  REQUIRE_STORE_OK(test::start_contract_session(*instances[1], "alice", "s1", "j1", test::kNow));

  // Racing tabs: the live token presented 16 times at once.
  std::vector<std::string> current(16, "refused");
  test::run_together(16, [&](int i) {
    const auto rotated = instances[static_cast<std::size_t>(i % 2)]->rotate(
        test::contract_rotation("s1", "j1", "next-" + std::to_string(i), test::kNow, std::chrono::seconds{10}));
    if (rotated) current[static_cast<std::size_t>(i)] = rotated->current_jti;
  });
  const auto live = instances[0]->find_session("s1");
  REQUIRE_STORE_OK(live);
  CHECK(live->is_active(test::kNow));
  CHECK(std::count(current.begin(), current.end(), live->current_jti) == 16);

  // A lost response: the token just rotated away, 16 times at once.
  std::vector<std::string> retried(16, "refused");
  test::run_together(16, [&](int i) {
    const auto rotated = instances[static_cast<std::size_t>(i % 2)]->rotate(
        test::contract_rotation("s1", "j1", "retry-" + std::to_string(i), test::kNow + 1, std::chrono::seconds{10}));
    if (rotated) retried[static_cast<std::size_t>(i)] = rotated->current_jti;
  });
  CHECK(std::count(retried.begin(), retried.end(), live->current_jti) == 16);
  CHECK(instances[1]->is_session_active("s1", test::kNow + 1).value());
}

TEST_CASE("instances starting together migrate a fresh schema once", "[store][postgres]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url);
  std::vector<std::optional<ErrorCode>> outcomes(4);
  test::run_together(4, [&](int i) {
    outcomes[static_cast<std::size_t>(i)] = test::outcome(PostgresUserStore::open(*url, schema.options()));
  });
  CHECK(test::count_outcome(outcomes, std::nullopt) == 4);
  // A second application of a migration would fail on its primary key.
  schema.execute(
      "DO $$ BEGIN IF (SELECT string_agg(version::text, ',' ORDER BY version) FROM {schema}.schema_version) <> "
      "'1,2,3,4'"
      " THEN RAISE 'not migrated exactly once'; END IF; END $$");
}

TEST_CASE("PostgresUserStore keeps its data, and refuses a schema newer than it knows", "[store][postgres]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url);
  {
    auto store = test::open_postgres_store(*url, schema.options());
    REQUIRE_STORE_OK(store->create_user(test::contract_user("alice", "alice@example.com")));
    REQUIRE_STORE_OK(store->create_session("alice", "s1", "j1", test::kSessionEnd));
    REQUIRE_STORE_OK(store->rotate("s1", "j1", "j2", test::kNow));
  }
  auto reopened = test::open_postgres_store(*url, schema.options());
  CHECK(reopened->find_user("alice")->email == std::optional<std::string>("alice@example.com"));
  CHECK(reopened->find_session("s1")->current_jti == "j2");

  schema.execute("INSERT INTO {schema}.schema_version VALUES (99, 'from the future')");
  REQUIRE_STORE_ERROR(ErrorCode::store_error, PostgresUserStore::open(*url, schema.options()));
}

namespace {

// Schema version 1 exactly as authcore before accounts wrote it (migration
// 1 and its schema_version row), so that the test does not depend on the
// code it checks.
constexpr const char* kSchemaV1 = R"sql(
CREATE SCHEMA {schema};
CREATE TABLE {schema}.schema_version (version integer PRIMARY KEY, description text NOT NULL);
CREATE TABLE {schema}.users (
  username      text COLLATE "C" PRIMARY KEY,
  password_hash text NOT NULL,
  email         text,
  created_at    bigint NOT NULL
);

CREATE TABLE {schema}.sessions (
  session_id text COLLATE "C" PRIMARY KEY,
  username   text COLLATE "C" NOT NULL REFERENCES {schema}.users (username) ON DELETE CASCADE,
  expires_at bigint NOT NULL,
  revoked    boolean NOT NULL DEFAULT false
);
CREATE INDEX sessions_by_username ON {schema}.sessions (username);
CREATE INDEX sessions_by_expiry ON {schema}.sessions (expires_at);

CREATE TABLE {schema}.refresh_tokens (
  jti        text COLLATE "C" PRIMARY KEY,
  session_id text COLLATE "C" NOT NULL REFERENCES {schema}.sessions (session_id) ON DELETE CASCADE,
  spent      boolean NOT NULL DEFAULT false
);
CREATE INDEX refresh_tokens_by_session ON {schema}.refresh_tokens (session_id);
CREATE UNIQUE INDEX refresh_tokens_one_live_per_session ON {schema}.refresh_tokens (session_id) WHERE NOT spent;
INSERT INTO {schema}.schema_version VALUES (1, 'users, sessions and refresh tokens');
)sql";

// The rows of schema_v1_check.hpp.
void write_v1_schema(const test::TestSchema& schema) {
  const std::string now = std::to_string(test::kNow), end = std::to_string(test::kSessionEnd);
  schema.execute(std::string(kSchemaV1) + "INSERT INTO {schema}.users VALUES ('alice', '" + test::v1_alice_hash() +
                 "', 'alice@example.com', " + now + "), ('bob', 'x', NULL, " + now + ");" +
                 "INSERT INTO {schema}.sessions VALUES ('s-alice', 'alice', " + end + ", false), ('s-bob', 'bob', " +
                 end + ", true);" +
                 "INSERT INTO {schema}.refresh_tokens VALUES ('j1', 's-alice', true), ('j2', 's-alice', false),"
                 " ('k1', 's-bob', false);");
}

}  // namespace

TEST_CASE("a version-1 schema upgrades in place: users log in, sessions go on", "[store][postgres][migration]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url, "v1");
  write_v1_schema(schema);
  auto store = test::open_postgres_store(*url, schema.options());
  test::check_upgraded_from_v1(*store);
  store.reset();
  auto reopened = test::open_postgres_store(*url, schema.options());
  CHECK(reopened->find_user("carol")->email == std::optional<std::string>("carol@example.com"));
  schema.execute(
      "DO $$ BEGIN IF (SELECT string_agg(version::text, ',' ORDER BY version) FROM {schema}.schema_version) <> "
      "'1,2,3,4'"
      " THEN RAISE 'not at version 3'; END IF; END $$");
}

TEST_CASE("a PostgreSQL upgrade that the data refuses changes nothing and says why", "[store][postgres][migration]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url, "v1dup");
  write_v1_schema(schema);
  schema.execute("INSERT INTO {schema}.users VALUES ('carol', 'x', 'Alice@Example.COM', 0)");
  const auto refused = PostgresUserStore::open(*url, schema.options());
  REQUIRE_STORE_ERROR(ErrorCode::store_error, refused);
  CHECK(refused.error().message.find("migration 2") != std::string::npos);
  schema.execute(
      "DO $$ BEGIN IF (SELECT max(version) FROM {schema}.schema_version) <> 1"
      " OR (SELECT count(*) FROM {schema}.users) <> 3 THEN RAISE 'changed'; END IF; END $$");
  schema.execute("DELETE FROM {schema}.users WHERE username = 'carol'");
  auto store = test::open_postgres_store(*url, schema.options());
  test::check_upgraded_from_v1(*store);
}

TEST_CASE("a schema name is always quoted, never interpreted", "[store][postgres]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url, "_It's \"odd\"; DROP SCHEMA public --");
  auto store = test::open_postgres_store(*url, schema.options());
  REQUIRE_STORE_OK(store->create_user(test::contract_user("alice")));
  REQUIRE_STORE_OK(store->find_user("alice"));
}

TEST_CASE("PostgresUserStore::open refuses what it cannot use", "[store][postgres]") {
  PostgresUserStoreOptions options;
  SECTION("a conninfo that does not parse is invalid_argument") {
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, PostgresUserStore::open("postgresql://[::1", options));
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, PostgresUserStore::open("no_such_keyword=1", options));
  }
  SECTION("an unusable schema name is invalid_argument") {
    options.schema = "";
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, PostgresUserStore::open("host=/nonexistent", options));
    options.schema = std::string(64, 's');
    REQUIRE_STORE_ERROR(ErrorCode::invalid_argument, PostgresUserStore::open("host=/nonexistent", options));
  }
  SECTION("a server that cannot be reached is store_unavailable") {
    REQUIRE_STORE_ERROR(ErrorCode::store_unavailable,
                        PostgresUserStore::open("postgresql://nobody@/postgres?host=/nonexistent", options));
  }
}

TEST_CASE("no free pooled connection within the acquire timeout is store_busy", "[store][postgres]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const test::TestSchema schema(*url);
  auto options = schema.options();
  options.pool_size = 1;
  options.acquire_timeout = std::chrono::milliseconds(100);
  auto store = test::open_postgres_store(*url, options);
  REQUIRE_STORE_OK(store->create_user(test::contract_user("alice")));

  // The only pooled connection waits behind a table lock another session
  // holds; meanwhile no other call can get a connection.
  test::RawPostgres other(*url);
  other.execute(schema.sql("BEGIN; LOCK TABLE {schema}.users IN ACCESS EXCLUSIVE MODE"));
  std::optional<ErrorCode> blocked_outcome = ErrorCode::store_error;
  std::thread blocked([&] { blocked_outcome = test::outcome(store->update_password_hash("alice", "x", "y")); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE_STORE_ERROR(ErrorCode::store_busy, store->ping());
  other.execute("COMMIT");
  blocked.join();
  CHECK(blocked_outcome == ErrorCode::conflict);
  REQUIRE_STORE_OK(store->ping());
}

TEST_CASE("SQLSTATEs map to the store error codes", "[store][postgres]") {
  using detail::postgres_error_code;
  CHECK(postgres_error_code("23505") == ErrorCode::conflict);
  CHECK(postgres_error_code("23503") == ErrorCode::not_found);
  CHECK(postgres_error_code("23502") == ErrorCode::store_error);
  CHECK(postgres_error_code("53100") == ErrorCode::store_full);
  CHECK(postgres_error_code("53300") == ErrorCode::store_unavailable);
  CHECK(postgres_error_code("08006") == ErrorCode::store_unavailable);
  CHECK(postgres_error_code("57P01") == ErrorCode::store_unavailable);
  CHECK(postgres_error_code("57P03") == ErrorCode::store_unavailable);
  CHECK(postgres_error_code("40001") == ErrorCode::store_busy);
  CHECK(postgres_error_code("40P01") == ErrorCode::store_busy);
  CHECK(postgres_error_code("55P03") == ErrorCode::store_busy);
  CHECK(postgres_error_code("57014") == ErrorCode::store_busy);
  CHECK(postgres_error_code("XX001") == ErrorCode::store_error);
  CHECK(postgres_error_code("22021") == ErrorCode::store_error);
}
