#include "support/postgres_support.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <random>

#include "stores/postgres_database.hpp"
#include "support/catch.hpp"
#include "support/store_support.hpp"

namespace authcore::test {

namespace {

/// Without the server a test cannot run: a failure when the run requires
/// PostgreSQL (AUTHCORE_REQUIRE_POSTGRES=1, as in CI), else a warning.
void skip_or_fail(const std::string& reason) {
  const char* required = std::getenv("AUTHCORE_REQUIRE_POSTGRES");
  const std::string how = "; start a server with: eval \"$(tests/support/postgres.sh start)\"";
  if (required != nullptr && std::string(required) == "1") FAIL("AUTHCORE_REQUIRE_POSTGRES=1 but " + reason + how);
  WARN("skipped: " + reason + how);
}

std::string unique_schema_name(const std::string& flavour) {
  static std::atomic<int> counter{0};
  static const auto salt = std::random_device{}() % 100000;
  return "test_" + std::to_string(::getpid()) + "_" + std::to_string(salt) + "_" + std::to_string(++counter) + flavour;
}

/// A connection whose notices ("drop cascades to ...") are not printed.
PGconn* connect_quietly(const std::string& url) {
  PGconn* connection = PQconnectdb(url.c_str());
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);
  return connection;
}

}  // namespace

std::optional<std::string> postgres_url_or_skip() {
  const char* url = std::getenv("AUTHCORE_TEST_POSTGRES_URL");
  if (url != nullptr && *url != '\0') return std::string(url);
  skip_or_fail("AUTHCORE_TEST_POSTGRES_URL is unset");
  return std::nullopt;
}

std::optional<std::string> postgres_control_or_skip() {
  const char* control = std::getenv("AUTHCORE_TEST_POSTGRES_CTL");
  const char* dir = std::getenv("AUTHCORE_TEST_POSTGRES_DIR");
  if (control != nullptr && *control != '\0' && dir != nullptr && *dir != '\0') return std::string(control);
  skip_or_fail(
      "AUTHCORE_TEST_POSTGRES_CTL or AUTHCORE_TEST_POSTGRES_DIR is unset "
      "(the server is not one this test can stop)");
  return std::nullopt;
}

TestSchema::TestSchema(std::string url, const std::string& flavour)
    : url_(std::move(url)), name_(unique_schema_name(flavour)) {}

TestSchema::~TestSchema() {
  // Not execute(): a destructor must not throw, and after an outage test
  // the server may be gone; the throwaway cluster is removed anyway.
  PGconn* connection = connect_quietly(url_);
  if (PQstatus(connection) == CONNECTION_OK) {
    const std::string drop = "DROP SCHEMA IF EXISTS " + detail::quote_identifier(name_) + " CASCADE";
    PQclear(PQexec(connection, drop.c_str()));
  }
  PQfinish(connection);
}

PostgresUserStoreOptions TestSchema::options() const {
  PostgresUserStoreOptions options;
  options.schema = name_;
  options.acquire_timeout = std::chrono::milliseconds(2000);
  return options;
}

std::string TestSchema::sql(const std::string& text) const {
  return detail::with_schema(text, detail::quote_identifier(name_));
}

struct RawPostgres::Connection {
  struct Finish {
    void operator()(PGconn* connection) const noexcept { PQfinish(connection); }
  };
  std::unique_ptr<PGconn, Finish> handle;
};

RawPostgres::RawPostgres(const std::string& url)
    : connection_(new Connection{std::unique_ptr<PGconn, Connection::Finish>(connect_quietly(url))}) {
  INFO(PQerrorMessage(connection_->handle.get()));
  REQUIRE(PQstatus(connection_->handle.get()) == CONNECTION_OK);
}

RawPostgres::~RawPostgres() = default;

void RawPostgres::execute(const std::string& sql) {
  PGresult* result = PQexec(connection_->handle.get(), sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  INFO(sql << ": " << PQresultErrorMessage(result));
  PQclear(result);
  REQUIRE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK));
}

std::unique_ptr<PostgresUserStore> open_postgres_store(const std::string& url,
                                                       const PostgresUserStoreOptions& options) {
  auto store = PostgresUserStore::open(url, options);
  INFO("open schema " << options.schema << " -> " << describe(store));
  REQUIRE(store);
  return std::move(*store);
}

ServerControl::~ServerControl() {
  if (stopped_) (void)run("start-server");
}

void ServerControl::stop() {
  REQUIRE(run("stop-server") == 0);
  stopped_ = true;
}

void ServerControl::start() {
  REQUIRE(run("start-server") == 0);
  stopped_ = false;
}

int ServerControl::run(const std::string& command) const {
  return std::system(("'" + script_ + "' " + command).c_str());
}

}  // namespace authcore::test
