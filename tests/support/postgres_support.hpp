// Helpers for the PostgreSQL tests: the server from tests/support/postgres.sh
// (or a skip, or a failure under AUTHCORE_REQUIRE_POSTGRES=1), and a fresh
// schema per test so that tests can run in parallel.
#ifndef AUTHCORE_TESTS_SUPPORT_POSTGRES_SUPPORT_HPP
#define AUTHCORE_TESTS_SUPPORT_POSTGRES_SUPPORT_HPP

#include <memory>
#include <optional>
#include <string>

#include "authcore/postgres_user_store.hpp"

namespace authcore::test {

/// $AUTHCORE_TEST_POSTGRES_URL. When it is unset: a failed test if
/// AUTHCORE_REQUIRE_POSTGRES=1, else a warning naming the reason and
/// nullopt, on which the test returns (Catch2 v2 has no SKIP).
std::optional<std::string> postgres_url_or_skip();

/// $AUTHCORE_TEST_POSTGRES_CTL (tests/support/postgres.sh, which can stop and
/// start the server), when it and $AUTHCORE_TEST_POSTGRES_DIR are set; else
/// as postgres_url_or_skip().
std::optional<std::string> postgres_control_or_skip();

/// A plain libpq connection of the test's own, to look at and tamper with
/// the database behind a store's back (on the test's main thread).
class RawPostgres {
 public:
  explicit RawPostgres(const std::string& url);
  ~RawPostgres();
  RawPostgres(const RawPostgres&) = delete;
  RawPostgres& operator=(const RawPostgres&) = delete;

  /// Runs `sql` (one or more statements); requires success.
  void execute(const std::string& sql);

 private:
  struct Connection;
  std::unique_ptr<Connection> connection_;
};

/// A schema with a name no other test uses (with `flavour` in it), dropped
/// with everything in it at the end of the test. The store creates it.
class TestSchema {
 public:
  explicit TestSchema(std::string url, const std::string& flavour = "");
  ~TestSchema();
  TestSchema(const TestSchema&) = delete;
  TestSchema& operator=(const TestSchema&) = delete;

  const std::string& name() const noexcept { return name_; }
  /// Store options using this schema, with a small acquire timeout.
  PostgresUserStoreOptions options() const;
  /// `text` with `{schema}` replaced by the quoted schema name.
  std::string sql(const std::string& text) const;
  /// Runs sql(text) on a connection of its own; requires success.
  void execute(const std::string& text) const { RawPostgres(url_).execute(sql(text)); }

 private:
  std::string url_;
  std::string name_;
};

/// Stops and starts the test server with tests/support/postgres.sh (which
/// finds the cluster through $AUTHCORE_TEST_POSTGRES_DIR), and starts it
/// again when the test ends halfway, so that the tests after it find it.
class ServerControl {
 public:
  explicit ServerControl(std::string script) : script_(std::move(script)) {}
  ~ServerControl();
  ServerControl(const ServerControl&) = delete;
  ServerControl& operator=(const ServerControl&) = delete;

  /// Stops the server; requires success.
  void stop();
  /// Starts it again; requires success.
  void start();

 private:
  int run(const std::string& command) const;

  std::string script_;
  bool stopped_ = false;
};

/// Opens a store, requiring success.
std::unique_ptr<PostgresUserStore> open_postgres_store(const std::string& url, const PostgresUserStoreOptions& options);

}  // namespace authcore::test

#endif  // AUTHCORE_TESTS_SUPPORT_POSTGRES_SUPPORT_HPP
