// SqliteUserStore: the contract, plus what only a file database has to
// get right: schema versioning, locks held by others, several processes on
// one file, and surviving SIGKILL with every acknowledged write intact.
#include "authcore/sqlite_user_store.hpp"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "account/session_cache_check.hpp"
#include "account/session_flow_check.hpp"
#include "schema_v1_check.hpp"
#include "stores/sqlite_database.hpp"
#include "support/process_support.hpp"
#include "user_store_contract.hpp"

using namespace authcore;

namespace {

/// A plain sqlite3 connection, to look at and tamper with the file behind
/// the store's back.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDatabase() { sqlite3_close(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  void execute(const std::string& sql) {
    char* error = nullptr;
    const int result = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    INFO(sql << ": " << (error != nullptr ? error : "ok"));
    sqlite3_free(error);
    REQUIRE(result == SQLITE_OK);
  }

  /// The first column of the first row, as text ("" when there is none).
  std::string scalar(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
    std::string value;
    if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

/// How one process's threads fared in a rotation race.
struct RaceTally {
  std::size_t successes = 0;
  std::size_t revoked = 0;

  std::string to_line() const { return std::to_string(successes) + " " + std::to_string(revoked); }
  static RaceTally from_line(const std::string& line) {
    RaceTally tally;
    std::istringstream(line) >> tally.successes >> tally.revoked;
    return tally;
  }
};

std::unique_ptr<SqliteUserStore> open_store(const std::string& path, SqliteUserStoreOptions options = {}) {
  auto store = SqliteUserStore::open(path, options);
  INFO("open " << path << " -> " << test::describe(store));
  REQUIRE(store);
  return std::move(*store);
}

}  // namespace

TEST_CASE("SqliteUserStore meets the UserStore contract", "[store][sqlite]") {
  const test::TempDir dir;
  test::check_user_store_contract([&] { return open_store(dir.file("users.db")); });
}

TEST_CASE("SqliteUserStore meets the contract with a single pooled connection", "[store][sqlite]") {
  const test::TempDir dir;
  SqliteUserStoreOptions options;
  options.pool_size = 1;
  test::check_user_store_contract([&] { return open_store(dir.file("users.db"), options); });
}

TEST_CASE("the Authenticator's session rules hold on SqliteUserStore", "[authenticator][sessions][sqlite]") {
  const test::TempDir dir;
  test::check_session_flows([&] { return open_store(dir.file("users.db")); });
}

// Two stores on one file are two sets of connections, as two processes
// would have: each hears of the other's commits through data_version.
TEST_CASE("revocations reach the session cache: at once on this instance, within 100 ms from another",
          "[authenticator][sessions][sqlite]") {
  using namespace std::chrono_literals;
  const test::TempDir dir;
  test::check_revocations_reach_caches(
      [&] {
        return test::Instances{open_store(dir.file("users.db")), open_store(dir.file("users.db"))};
      },
      100ms);
}

TEST_CASE("SqliteUserStore keeps its data and records the schema version", "[store][sqlite]") {
  const test::TempDir dir;
  const std::string path = dir.file("users.db");
  {
    auto store = open_store(path);
    REQUIRE_STORE_OK(store->create_user(test::contract_user("alice", "alice@example.com")));
    REQUIRE_STORE_OK(store->create_session("alice", "s1", "j1", test::kSessionEnd));
    REQUIRE_STORE_OK(store->rotate("s1", "j1", "j2", test::kNow));
  }
  auto reopened = open_store(path);
  CHECK(reopened->find_user("alice")->email == std::optional<std::string>("alice@example.com"));
  REQUIRE_STORE_ERROR(ErrorCode::revoked, reopened->rotate("s1", "j1", "j3", test::kNow));

  RawDatabase raw(path);
  CHECK(raw.scalar("SELECT group_concat(version) FROM schema_version") == "1,2,3");
  CHECK(raw.scalar("PRAGMA journal_mode") == "wal");
  CHECK(raw.scalar("SELECT spent FROM refresh_tokens WHERE jti = 'j1'") == "1");
}

namespace {

// Schema version 1 exactly as authcore before accounts wrote it (migration
// 1 and its schema_version row), so that the test does not depend on the
// code it checks.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL) STRICT;
CREATE TABLE users (
  username      TEXT NOT NULL PRIMARY KEY,
  password_hash TEXT NOT NULL,
  email         TEXT,
  created_at    INTEGER NOT NULL
) WITHOUT ROWID, STRICT;

CREATE TABLE sessions (
  session_id TEXT NOT NULL PRIMARY KEY,
  username   TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) WITHOUT ROWID, STRICT;
CREATE INDEX sessions_by_username ON sessions (username);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE refresh_tokens (
  jti        TEXT NOT NULL PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
  spent      INTEGER NOT NULL DEFAULT 0 CHECK (spent IN (0, 1))
) WITHOUT ROWID, STRICT;
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
CREATE UNIQUE INDEX refresh_tokens_one_live_per_session ON refresh_tokens (session_id) WHERE spent = 0;
INSERT INTO schema_version VALUES (1, 'users, sessions and refresh tokens');
)sql";

// The rows of schema_v1_check.hpp.
void write_v1_database(const std::string& path) {
  RawDatabase raw(path);
  raw.execute("PRAGMA journal_mode = WAL");
  raw.execute(kSchemaV1);
  const std::string now = std::to_string(test::kNow), end = std::to_string(test::kSessionEnd);
  raw.execute("INSERT INTO users VALUES ('alice', '" + test::v1_alice_hash() + "', 'alice@example.com', " + now +
              "), ('bob', 'x', NULL, " + now + ");" +
              "INSERT INTO sessions (session_id, username, expires_at) VALUES ('s-alice', 'alice', " + end +
              "), ('s-bob', 'bob', " + end + ");" +
              "UPDATE sessions SET revoked = 1 WHERE session_id = 's-bob';"
              "INSERT INTO refresh_tokens VALUES ('j1', 's-alice', 1), ('j2', 's-alice', 0), ('k1', 's-bob', 0);");
}

}  // namespace

TEST_CASE("a version-1 database upgrades in place: users log in, sessions go on", "[store][sqlite][migration]") {
  const test::TempDir dir;
  const std::string path = dir.file("users.db");
  write_v1_database(path);
  auto store = open_store(path);
  CHECK(RawDatabase(path).scalar("SELECT group_concat(version) FROM schema_version") == "1,2,3");
  test::check_upgraded_from_v1(*store);
  store.reset();
  // Opening again applies nothing twice.
  auto reopened = open_store(path);
  CHECK(RawDatabase(path).scalar("SELECT group_concat(version) FROM schema_version") == "1,2,3");
  CHECK(reopened->find_user("carol")->email == std::optional<std::string>("carol@example.com"));
}

TEST_CASE("an upgrade that the data refuses changes nothing and says why", "[store][sqlite][migration]") {
  const test::TempDir dir;
  const std::string path = dir.file("users.db");
  write_v1_database(path);
  // Version 1 did not keep e-mail addresses unique.
  RawDatabase(path).execute("INSERT INTO users VALUES ('carol', 'x', 'Alice@Example.COM', 0)");
  const auto refused = SqliteUserStore::open(path);
  REQUIRE_STORE_ERROR(ErrorCode::store_error, refused);
  CHECK(refused.error().message.find("migration 2") != std::string::npos);
  RawDatabase raw(path);
  CHECK(raw.scalar("SELECT group_concat(version) FROM schema_version") == "1");
  CHECK(raw.scalar("SELECT count(*) FROM users") == "3");
  // Once the operator has made the addresses unique, it goes through.
  raw.execute("DELETE FROM users WHERE username = 'carol'");
  auto store = open_store(path);
  test::check_upgraded_from_v1(*store);
}

TEST_CASE("SqliteUserStore refuses a schema newer than it knows", "[store][sqlite]") {
  const test::TempDir dir;
  const std::string path = dir.file("users.db");
  open_store(path).reset();
  RawDatabase(path).execute("INSERT INTO schema_version VALUES (99, 'from the future')");
  REQUIRE_STORE_ERROR(ErrorCode::store_error, SqliteUserStore::open(path));
}

TEST_CASE("SqliteUserStore reports files it cannot use as store errors", "[store][sqlite]") {
  const test::TempDir dir;
  SECTION("a directory that does not exist is store_unavailable") {
    REQUIRE_STORE_ERROR(ErrorCode::store_unavailable, SqliteUserStore::open(dir.file("missing/users.db")));
  }
  SECTION("a file that is not a database is store_error") {
    std::ofstream(dir.file("notes.txt")) << std::string(4096, 'x');
    REQUIRE_STORE_ERROR(ErrorCode::store_error, SqliteUserStore::open(dir.file("notes.txt")));
  }
}

TEST_CASE("SqliteUserStore fails with store_busy, never not_found, while another holds the lock", "[store][sqlite]") {
  const test::TempDir dir;
  const std::string path = dir.file("users.db");
  SqliteUserStoreOptions options;
  options.busy_timeout = std::chrono::milliseconds(50);
  auto store = open_store(path, options);
  REQUIRE_STORE_OK(store->create_user(test::contract_user("alice")));
  REQUIRE_STORE_OK(store->create_session("alice", "s1", "j1", test::kSessionEnd));

  RawDatabase other(path);
  other.execute("BEGIN IMMEDIATE");
  REQUIRE_STORE_ERROR(ErrorCode::store_busy, store->create_user(test::contract_user("bob")));
  REQUIRE_STORE_ERROR(ErrorCode::store_busy, store->rotate("s1", "j1", "j2", test::kNow));
  REQUIRE_STORE_ERROR(ErrorCode::store_busy, store->delete_user("alice"));
  // WAL: readers are not blocked by the writer.
  REQUIRE_STORE_OK(store->find_user("alice"));
  CHECK(store->is_session_active("s1", test::kNow).value());
  other.execute("ROLLBACK");

  REQUIRE_STORE_OK(store->rotate("s1", "j1", "j2", test::kNow));
  REQUIRE_STORE_OK(store->create_user(test::contract_user("bob")));
}

TEST_CASE("stores opened at once on one new file all open: the switch to WAL waits for the other", "[store][sqlite]") {
  // Each round is a new file, so every opener races to switch it from the
  // rollback journal to WAL; SQLite refuses one of two such switches
  // without calling the busy handler.
  for (int round = 0; round < 20; ++round) {
    const test::TempDir dir;
    const std::string path = dir.file("users.db");
    std::vector<std::optional<ErrorCode>> outcomes(4);
    test::run_together(
        4, [&](int i) { outcomes[static_cast<std::size_t>(i)] = test::outcome(SqliteUserStore::open(path)); });
    INFO("round " << round);
    CHECK(test::count_outcome(outcomes, std::nullopt) == 4);
  }
}

TEST_CASE("SQLite result codes map to the store error codes", "[store][sqlite]") {
  using detail::sqlite_error_code;
  CHECK(sqlite_error_code(SQLITE_BUSY) == ErrorCode::store_busy);
  CHECK(sqlite_error_code(SQLITE_BUSY_SNAPSHOT) == ErrorCode::store_busy);
  CHECK(sqlite_error_code(SQLITE_LOCKED) == ErrorCode::store_busy);
  CHECK(sqlite_error_code(SQLITE_FULL) == ErrorCode::store_full);
  CHECK(sqlite_error_code(SQLITE_CANTOPEN) == ErrorCode::store_unavailable);
  CHECK(sqlite_error_code(SQLITE_CONSTRAINT_UNIQUE) == ErrorCode::conflict);
  CHECK(sqlite_error_code(SQLITE_CONSTRAINT_PRIMARYKEY) == ErrorCode::conflict);
  CHECK(sqlite_error_code(SQLITE_CONSTRAINT_FOREIGNKEY) == ErrorCode::not_found);
  CHECK(sqlite_error_code(SQLITE_CONSTRAINT_NOTNULL) == ErrorCode::store_error);
  CHECK(sqlite_error_code(SQLITE_IOERR_WRITE) == ErrorCode::store_error);
  CHECK(sqlite_error_code(SQLITE_CORRUPT) == ErrorCode::store_error);
  CHECK(sqlite_error_code(SQLITE_NOTADB) == ErrorCode::store_error);
}

TEST_CASE("two processes on one file: a refresh token rotates once across both", "[store][sqlite][process]") {
  const test::TempDir dir;
  const std::string path = dir.file("users.db");
  // Each process races 8 threads and tallies its outcomes.
  const auto race = [](UserStore& racing_store, const std::string& prefix) {
    std::vector<std::optional<ErrorCode>> outcomes(8);
    test::run_together(8, [&](int i) {
      outcomes[static_cast<std::size_t>(i)] =
          test::outcome(racing_store.rotate("s1", "j1", prefix + std::to_string(i), test::kNow));
    });
    return RaceTally{test::count_outcome(outcomes, std::nullopt), test::count_outcome(outcomes, ErrorCode::revoked)};
  };
  // The child is forked before the parent opens anything (SQLite
  // connections must not cross a fork) and opens the file itself.
  test::ChildProcess child([&](test::StartGate& gate) {
    auto child_store = SqliteUserStore::open(path);
    gate.arrive_and_wait();
    if (!child_store) return "open failed: " + test::describe(child_store);
    return race(**child_store, "child-").to_line();
  });
  auto store = open_store(path);
  REQUIRE_STORE_OK(store->create_user(test::contract_user("alice")));
  REQUIRE_STORE_OK(store->create_session("alice", "s1", "j1", test::kSessionEnd));

  child.gate().arrive_and_wait();
  const RaceTally here = race(*store, "parent-");
  const std::string child_report = child.finish();
  INFO("child: " << child_report);
  const RaceTally there = RaceTally::from_line(child_report);
  CHECK(here.successes + there.successes == 1);
  CHECK(here.revoked + there.revoked == 15);
  CHECK_FALSE(store->is_session_active("s1", test::kNow).value());
}

TEST_CASE("two processes on one file: with a reuse interval all 16 presenters get the same pair",
          "[store][sqlite][process]") {
  const test::TempDir dir;
  const std::string path = dir.file("users.db");
  // Each process races 8 threads and reports the live jti each was given.
  const auto race = [](UserStore& racing_store, const std::string& prefix) {
    std::vector<std::string> current(8, "refused");
    test::run_together(8, [&](int i) {
      const auto rotated = racing_store.rotate(
          test::contract_rotation("s1", "j1", prefix + std::to_string(i), test::kNow, std::chrono::seconds{10}));
      if (rotated) current[static_cast<std::size_t>(i)] = rotated->current_jti;
    });
    std::string report;
    for (const auto& jti : current) report += jti + " ";
    return report;
  };
  test::ChildProcess child([&](test::StartGate& gate) {
    auto child_store = SqliteUserStore::open(path);
    gate.arrive_and_wait();
    if (!child_store) return "open failed: " + test::describe(child_store);
    return race(**child_store, "child-");
  });
  auto store = open_store(path);
  REQUIRE_STORE_OK(store->create_user(test::contract_user("alice")));
  REQUIRE_STORE_OK(test::start_contract_session(*store, "alice", "s1", "j1", test::kNow));

  child.gate().arrive_and_wait();
  const std::string here = race(*store, "parent-");
  const std::string there = child.finish();
  INFO("parent: " << here << "child: " << there);
  const auto live = store->find_session("s1");
  REQUIRE_STORE_OK(live);
  CHECK(live->is_active(test::kNow));
  std::string expected;
  for (int i = 0; i < 8; ++i) expected += live->current_jti + " ";
  CHECK(here == expected);
  CHECK(there == expected);
}

namespace {

/// What the crashing child acknowledged: users it created, and refresh
/// jtis it rotated away (session id, spent jti).
struct Acknowledged {
  std::vector<std::string> users;
  std::vector<std::pair<std::string, std::string>> spent;
};

/// The child's work loop: sign a user up, open a session, rotate it three
/// times; report each success on `report` once the call has returned, and
/// go on until killed.
[[noreturn]] void sign_up_and_rotate_forever(const std::string& path, int round, int report) {
  auto store = SqliteUserStore::open(path);
  if (!store) ::_exit(3);
  for (int i = 0;; ++i) {
    const std::string id = std::to_string(round) + "-" + std::to_string(i);
    if (!(*store)->create_user(test::contract_user("user-" + id))) ::_exit(4);
    test::write_line(report, "U user-" + id);
    if (!(*store)->create_session("user-" + id, "s-" + id, "j-" + id + "-0", test::kSessionEnd)) ::_exit(5);
    for (int r = 0; r < 3; ++r) {
      const std::string spent = "j-" + id + "-" + std::to_string(r);
      if (!(*store)->rotate("s-" + id, spent, "j-" + id + "-" + std::to_string(r + 1), test::kNow)) ::_exit(6);
      test::write_line(report, "R s-" + id + " " + spent);
    }
  }
}

Acknowledged parse_acknowledged(const std::string& report) {
  Acknowledged acknowledged;
  std::istringstream lines(report);
  std::string kind, first, second;
  while (lines >> kind) {
    if (kind == "U" && lines >> first) acknowledged.users.push_back(first);
    if (kind == "R" && lines >> first >> second) acknowledged.spent.emplace_back(first, second);
  }
  return acknowledged;
}

}  // namespace

TEST_CASE("SIGKILL at a random moment loses no acknowledged write, 20 times", "[store][sqlite][process]") {
  const test::TempDir dir;
  const std::string path = dir.file("users.db");
  open_store(path).reset();
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> lifetime_ms(1, 60);

  std::size_t users_checked = 0, jtis_checked = 0;
  for (int round = 0; round < 20; ++round) {
    INFO("round " << round);
    const std::string report =
        test::run_and_kill([&](int report_fd) { sign_up_and_rotate_forever(path, round, report_fd); },
                           std::chrono::milliseconds(lifetime_ms(random)));
    const Acknowledged acknowledged = parse_acknowledged(report);

    REQUIRE(RawDatabase(path).scalar("PRAGMA integrity_check") == "ok");
    auto store = open_store(path);
    for (const auto& user : acknowledged.users) {
      INFO("acknowledged user " << user);
      REQUIRE_STORE_OK(store->find_user(user));
    }
    for (const auto& [session, jti] : acknowledged.spent) {
      INFO("acknowledged rotation of " << session << " away from " << jti);
      REQUIRE_STORE_ERROR(ErrorCode::revoked, store->rotate(session, jti, jti + "-replayed", test::kNow));
    }
    users_checked += acknowledged.users.size();
    jtis_checked += acknowledged.spent.size();
  }
  // The rounds must have done real work for the check to mean anything.
  CHECK(users_checked > 20);
  CHECK(jtis_checked > 20);
}
