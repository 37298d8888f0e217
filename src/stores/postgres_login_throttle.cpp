#include "authcore/postgres_login_throttle.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "detail/throttle_policy.hpp"
#include "stores/connection_pool.hpp"
#include "stores/postgres_database.hpp"
#include "stores/postgres_schema.hpp"
#include "stores/transaction.hpp"

namespace authcore {

namespace {

using detail::PostgresConnection;
using detail::ThrottleRecord;

// Times are Unix microseconds: whole seconds would let a lock of 1 s
// started at x.9 end 0.1 s later.
std::int64_t micros(Clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
}

Clock::time_point from_micros(std::int64_t micros) {
  return Clock::time_point(std::chrono::duration_cast<Clock::time_point::duration>(std::chrono::microseconds(micros)));
}

// (username key, client key or NULL) -> the later lock, NULL without any.
constexpr char kLockedUntil[] =
    "SELECT coalesce(max(locked_until), 0) FROM {schema}.login_failures WHERE key = $1 OR key = $2";
// (key): the row every failure of the key updates, created when missing.
constexpr char kEnsureRow[] =
    "INSERT INTO {schema}.login_failures (key, failures, last_failure, locked_until) VALUES ($1, 0, 0, 0)"
    " ON CONFLICT (key) DO NOTHING";
// (key) -> failures, last_failure, locked_until; locked until COMMIT, so
// concurrent failures of one key, on any instance, are counted one by one.
constexpr char kLockRow[] =
    "SELECT failures, last_failure, locked_until FROM {schema}.login_failures WHERE key = $1 FOR UPDATE";
// (key, failures, last_failure, locked_until)
constexpr char kWriteRow[] =
    "UPDATE {schema}.login_failures SET failures = $2, last_failure = $3, locked_until = $4 WHERE key = $1";
// (key)
constexpr char kForget[] = "DELETE FROM {schema}.login_failures WHERE key = $1";
// (now, forget_after): detail::is_stale() in SQL.
constexpr char kDeleteStale[] =
    "DELETE FROM {schema}.login_failures WHERE locked_until <= $1::bigint AND $1::bigint - last_failure > $2::bigint";
// (max_tracked): when more than max_tracked remain, all but the newest
// half of them, as InMemoryLoginThrottle drops its older half.
constexpr char kDeleteOldest[] =
    "DELETE FROM {schema}.login_failures WHERE (SELECT count(*) FROM {schema}.login_failures) > $1::bigint"
    " AND key IN (SELECT key FROM {schema}.login_failures ORDER BY last_failure DESC, key OFFSET $1::bigint / 2)";

/// How many failures an instance records between two trims of the table.
constexpr std::uint64_t kTrimEvery = 64;

}  // namespace

class PostgresLoginThrottle::Impl {
 public:
  using Pool = detail::ConnectionPool<PostgresConnection>;

  Impl(const PostgresUserStoreOptions& connection, LoginThrottleOptions policy, Pool::Opener open)
      : policy_(policy), pool_(connection.pool_size, connection.acquire_timeout, std::move(open)), local_(policy) {}

  Pool& pool() noexcept { return pool_; }

  std::chrono::seconds check(std::string_view username, std::string_view client, Clock::time_point now) {
    // The database decides while it answers: this instance's own counters
    // miss other instances' failures, and keep failures that a success on
    // another instance has forgotten since.
    const auto shared = shared_lock_end(username, client);
    if (!shared) return local_.check(username, client, now);
    return detail::whole_seconds_until(*shared, now);
  }

  void record_failure(std::string_view username, std::string_view client, Clock::time_point now) {
    local_.record_failure(username, client, now);
    // Usernames before clients in every transaction: two failures never
    // wait for each other's locks in opposite orders.
    auto counted = with_connection([&](PostgresConnection& db) -> Result<void> {
      auto transaction = detail::Transaction<PostgresConnection>::begin(db, "BEGIN");
      if (!transaction) return transaction.error();
      if (auto done = count(db, detail::username_key(username), now); !done) return done;
      if (!client.empty()) {
        if (auto done = count(db, detail::client_key(client), now); !done) return done;
      }
      return transaction->commit();
    });
    if (counted && ++failures_recorded_ % kTrimEvery == 0) trim(now);
  }

  void record_success(std::string_view username, std::string_view client, Clock::time_point now) {
    local_.record_success(username, client, now);
    // A failed DELETE leaves the counter to run out by itself (forget_after).
    (void)with_connection([&](PostgresConnection& db) { return db.change(kForget, detail::username_key(username)); });
  }

 private:
  template <class Operation>
  auto with_connection(Operation&& operation) -> decltype(operation(std::declval<PostgresConnection&>())) {
    auto lease = pool_.acquire();
    if (!lease) return lease.error();
    return std::forward<Operation>(operation)(**lease);
  }

  std::optional<Clock::time_point> shared_lock_end(std::string_view username, std::string_view client) {
    const std::optional<std::string> client_name =
        client.empty() ? std::nullopt : std::optional<std::string>(detail::client_key(client));
    auto until = with_connection([&](PostgresConnection& db) -> Result<std::int64_t> {
      auto query = db.query(kLockedUntil, detail::username_key(username), client_name);
      if (!query) return query.error();
      const auto row = query->step();
      if (!row) return row.error();
      return *row ? query->integer(0) : 0;
    });
    if (!until) return std::nullopt;
    return from_micros(*until);
  }

  Result<void> count(PostgresConnection& db, const std::string& key, Clock::time_point now) {
    if (auto ensured = db.change(kEnsureRow, key); !ensured) return ensured.error();
    auto query = db.query(kLockRow, key);
    if (!query) return query.error();
    const auto row = query->step();
    if (!row) return row.error();
    ThrottleRecord record;
    if (*row) {
      record.failures = static_cast<std::uint32_t>(query->integer(0));
      record.last_failure = from_micros(query->integer(1));
      record.locked_until = from_micros(query->integer(2));
    }
    detail::count_failure(record, now, policy_);
    const auto written = db.change(kWriteRow, key, std::int64_t{record.failures}, micros(record.last_failure),
                                   micros(record.locked_until));
    if (!written) return written.error();
    return {};
  }

  // Best effort: a trim that fails is done by a later one.
  void trim(Clock::time_point now) {
    (void)with_connection([&](PostgresConnection& db) -> Result<void> {
      const auto forget_after = std::chrono::duration_cast<std::chrono::microseconds>(policy_.forget_after).count();
      if (auto deleted = db.change(kDeleteStale, micros(now), std::int64_t{forget_after}); !deleted) {
        return deleted.error();
      }
      const auto max_tracked = static_cast<std::int64_t>(policy_.max_tracked);
      if (auto deleted = db.change(kDeleteOldest, max_tracked); !deleted) return deleted.error();
      return {};
    });
  }

  const LoginThrottleOptions policy_;
  Pool pool_;
  InMemoryLoginThrottle local_;  ///< decides alone while the database does not answer
  std::atomic<std::uint64_t> failures_recorded_{0};
};

Result<std::unique_ptr<PostgresLoginThrottle>> PostgresLoginThrottle::open(const std::string& conninfo,
                                                                           const PostgresUserStoreOptions& connection,
                                                                           LoginThrottleOptions policy) {
  auto start = detail::start_postgres(conninfo, connection);
  if (!start) return start.error();
  auto impl = std::make_unique<Impl>(connection, policy, std::move(start->open_connection));
  impl->pool().adopt(std::move(start->first));
  return std::unique_ptr<PostgresLoginThrottle>(new PostgresLoginThrottle(std::move(impl)));
}

PostgresLoginThrottle::PostgresLoginThrottle(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PostgresLoginThrottle::~PostgresLoginThrottle() = default;

std::chrono::seconds PostgresLoginThrottle::check(std::string_view username, std::string_view client,
                                                  Clock::time_point now) {
  return impl_->check(username, client, now);
}

void PostgresLoginThrottle::record_failure(std::string_view username, std::string_view client, Clock::time_point now) {
  impl_->record_failure(username, client, now);
}

void PostgresLoginThrottle::record_success(std::string_view username, std::string_view client, Clock::time_point now) {
  impl_->record_success(username, client, now);
}

}  // namespace authcore
