#include "authcore/sqlite_user_store.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>

#include "stores/change_feed.hpp"
#include "stores/migration.hpp"
#include "stores/sql_user_store.hpp"
#include "stores/sqlite_database.hpp"
#include "stores/store_errors.hpp"
#include "stores/transaction.hpp"

namespace authcore {

namespace {

using detail::SqliteConnection;

// The schema, one migration per version (docs/stores.md). STRICT tables
// make SQLite enforce the column types; WITHOUT ROWID stores each row in
// its primary-key b-tree, the only way rows are looked up. Deleting a user
// cascades to their sessions and a session's refresh tokens (foreign keys
// are enforced: every connection turns them on).
constexpr detail::Migration kMigrations[] = {
    {1, "users, sessions and refresh tokens", R"sql(
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
)sql"},
    // Accounts (DESIGN §5): existing users get the role `user` and stay
    // enabled; existing sessions get no recorded scope (NULL: their user's
    // scopes). NOCASE folds exactly the 26 ASCII letters, as the other
    // backends do; the index fails, and the migration with it, where two
    // users already share an address (docs/stores.md says what to do).
    {2, "accounts: full name, disabled, roles, unique e-mail, session scope", R"sql(
ALTER TABLE users ADD COLUMN full_name TEXT;
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT 'user';
CREATE UNIQUE INDEX users_by_email ON users (email COLLATE NOCASE);
ALTER TABLE sessions ADD COLUMN scope TEXT;
)sql"},
    // Sessions for real clients (DESIGN §5): what a session records for
    // listing, the inactivity timeout and the reuse interval. Sessions that
    // exist already count as started and last refreshed at the upgrade (the
    // database's clock, once), so that an inactivity timeout does not end
    // them all at once; they have no previous jti, so nothing of theirs is
    // re-issued before their next rotation.
    {3, "sessions: created and refreshed times, previous jti, current pair, client", R"sql(
ALTER TABLE sessions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN last_refreshed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN previous_jti TEXT;
ALTER TABLE sessions ADD COLUMN access_jti TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN access_expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN pair_scope TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN client_address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
UPDATE sessions SET created_at = CAST(strftime('%s', 'now') AS INTEGER), last_refreshed_at = CAST(strftime('%s', 'now') AS INTEGER);
CREATE INDEX sessions_by_activity ON sessions (last_refreshed_at);
)sql"},
};

constexpr detail::MigrationStatements kMigrationStatements{
    /*create_version_table=*/
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL)"
    " STRICT",
    /*current_version=*/"SELECT coalesce(max(version), 0) FROM schema_version",
    /*record_version=*/"INSERT INTO schema_version (version, description) VALUES (?1, ?2)",
};

// (session_id, username, expires_at, scope, created_at, client_address,
// user_agent): inserts nothing when the user is missing or disabled.
constexpr char kInsertSession[] =
    "INSERT INTO sessions (session_id, username, expires_at, scope, created_at, last_refreshed_at, client_address,"
    " user_agent)"
    " SELECT ?1, username, ?3, ?4, ?5, ?5, ?6, ?7 FROM users WHERE username = ?2 AND disabled = 0";
constexpr char kInsertRefreshToken[] = "INSERT INTO refresh_tokens (jti, session_id) VALUES (?1, ?2)";
#define AUTHCORE_SQLITE_SESSION_COLUMNS                                                                            \
  "SELECT s.session_id, s.username, t.jti, s.expires_at, s.revoked, s.scope, s.created_at, s.last_refreshed_at,"   \
  " s.previous_jti, s.access_jti, s.access_expires_at, s.pair_scope, s.client_address, s.user_agent FROM sessions" \
  " AS s LEFT JOIN refresh_tokens AS t ON t.session_id = s.session_id AND t.spent = 0"

constexpr detail::SqlStatements kStatements{
    // BEGIN IMMEDIATE takes the write lock at once: a deferred transaction
    // that reads first and writes later may get SQLITE_BUSY at the write
    // without the busy handler being allowed to wait
    // (https://www.sqlite.org/lang_transaction.html), turning ordinary
    // contention into failures.
    /*begin_write=*/"BEGIN IMMEDIATE",
    /*insert_user=*/
    "INSERT INTO users (username, password_hash, email, created_at, full_name, disabled, roles)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    /*select_user=*/
    "SELECT username, password_hash, email, created_at, full_name, disabled, roles FROM users WHERE username = ?1",
    /*select_user_by_email=*/
    "SELECT username, password_hash, email, created_at, full_name, disabled, roles FROM users"
    " WHERE email = ?1 COLLATE NOCASE",
    /*select_users=*/
    "SELECT username, password_hash, email, created_at, full_name, disabled, roles FROM users ORDER BY username",
    /*user_exists=*/"SELECT 1 FROM users WHERE username = ?1",
    /*set_password_hash=*/"UPDATE users SET password_hash = ?3 WHERE username = ?1 AND password_hash = ?2",
    /*set_disabled=*/"UPDATE users SET disabled = ?2 WHERE username = ?1",
    /*set_roles=*/"UPDATE users SET roles = ?2 WHERE username = ?1",
    /*delete_user=*/"DELETE FROM users WHERE username = ?1",
    /*select_session=*/AUTHCORE_SQLITE_SESSION_COLUMNS " WHERE s.session_id = ?1",
    /*select_user_sessions=*/
    AUTHCORE_SQLITE_SESSION_COLUMNS
    " WHERE s.username = ?1 AND s.revoked = 0 AND ?2 <= s.expires_at AND (?3 <= 0 OR ?2 - s.last_refreshed_at <= ?3)"
    " ORDER BY s.created_at, s.session_id",
    // BEGIN IMMEDIATE holds the write lock already: no other rotation can
    // come between this transaction's read and its writes.
    /*lock_session=*/"SELECT 1 FROM sessions WHERE session_id = ?1",
    /*spend_refresh_token=*/"UPDATE refresh_tokens SET spent = 1 WHERE jti = ?1 AND session_id = ?2 AND spent = 0",
    /*insert_refresh_token=*/kInsertRefreshToken,
    /*record_rotation=*/
    "UPDATE sessions SET previous_jti = ?2, last_refreshed_at = ?3, access_jti = ?4, access_expires_at = ?5,"
    " pair_scope = ?6 WHERE session_id = ?1",
    /*revoke_session=*/"UPDATE sessions SET revoked = 1 WHERE session_id = ?1",
    /*revoke_user_sessions=*/
    "UPDATE sessions SET revoked = 1 WHERE username = ?1 AND revoked = 0 AND session_id <> ?2",
    /*active_session_owner=*/
    "SELECT s.username FROM sessions AS s JOIN users AS u ON u.username = s.username"
    " WHERE s.session_id = ?1 AND s.revoked = 0 AND ?2 <= s.expires_at AND u.disabled = 0",
    /*purge_expired=*/"DELETE FROM sessions WHERE expires_at < ?1 OR (?2 > 0 AND last_refreshed_at + ?2 < ?1)",
    /*ping=*/"SELECT 1",
};

using Transaction = detail::Transaction<SqliteConnection>;

/// Brings the schema up to date. BEGIN IMMEDIATE holds the write lock for
/// the whole check-and-apply, so processes opening one file at once migrate
/// it once.
Result<void> migrate(SqliteConnection& db) {
  auto transaction = Transaction::begin(db, kStatements.begin_write);
  if (!transaction) return transaction.error();
  if (auto applied = detail::apply_pending_migrations(db, kMigrations, kMigrationStatements); !applied) {
    return applied;
  }
  return transaction->commit();
}

// https://sqlite.org/pragma.html#pragma_data_version: two reads on one
// connection differ when any other connection, in this process or another,
// committed in between.
constexpr char kDataVersion[] = "PRAGMA data_version";

/// How often the watcher reads data_version: the bound on how long another
/// process's revocation can go unseen by this one's session cache.
constexpr std::chrono::milliseconds kWatchPeriod{5};

Result<std::int64_t> data_version(SqliteConnection& db) {
  auto query = db.query(kDataVersion);
  if (!query) return query.error();
  const auto row = query->step();
  if (!row) return row.error();
  if (!*row) return Error{ErrorCode::store_error, "SQLite: PRAGMA data_version returned no row"};
  return query->integer(0);
}

/// The SQLite store: the shared SQL operations, plus session creation as a
/// BEGIN IMMEDIATE transaction, and a thread that watches the file for
/// other connections' commits so that the session cache hears of them.
class SqliteStore final : public detail::SqlUserStore<SqliteConnection, SqliteUserStore> {
 public:
  /// `watch` is a connection of its own, whose data_version was `seen`
  /// before the store was handed out, so no commit goes unnoticed.
  SqliteStore(Pool::Opener open, std::unique_ptr<SqliteConnection> watch, std::int64_t seen,
              const SqliteUserStoreOptions& options)
      : SqlUserStore(kStatements, options.pool_size, options.busy_timeout, open),
        open_(std::move(open)),
        watch_(std::move(watch)),
        seen_(seen) {}

 private:
  // Any commit by another connection counts as a change: the watcher cannot
  // tell a revocation from a sign-up, and a spurious change only costs the
  // cache one store lookup per session.
  void watch_step(const detail::WatcherThread::Pause& pause) {
    if (!watch_) reopen_watch();
    if (watch_) {
      const auto version = data_version(*watch_);
      if (!version) {
        feed_.lost();
        watch_.reset();
      } else if (*version != seen_) {
        seen_ = *version;
        feed_.changed();
      }
    }
    pause(kWatchPeriod);
  }

  void reopen_watch() {
    auto opened = open_();
    if (!opened) return;
    const auto version = data_version(**opened);
    if (!version) return;
    watch_ = std::move(*opened);
    seen_ = *version;
    feed_.restored();
  }

  SessionChanges do_session_changes() const noexcept override { return feed_.read(); }

  // Every revocation moves the generation, so the staleness only bounds
  // sessions that end by reaching their expires_at.
  std::chrono::milliseconds do_default_session_cache_staleness() const noexcept override {
    return std::chrono::seconds{1};
  }

  // Under BEGIN IMMEDIATE: set_disabled() cannot come between the check
  // that the user is enabled and the insert.
  Result<void> do_create_session(const SessionStart& start) override {
    return in_write_transaction<void>([&](SqliteConnection& db) -> Result<void> {
      const auto inserted = db.change(kInsertSession, start.session_id, start.username, start.expires_at, start.scope,
                                      start.created_at, start.client_address, start.user_agent);
      if (!inserted) return detail::session_not_created(inserted.error());
      if (*inserted == 0) return session_refused(db, start.username);
      const auto token = db.change(kInsertRefreshToken, start.first_refresh_jti, start.session_id);
      if (!token) return detail::session_not_created(token.error());
      return {};
    });
  }

  Pool::Opener open_;
  std::unique_ptr<SqliteConnection> watch_;  ///< the watcher thread's; null while it cannot be opened
  std::int64_t seen_;                        ///< data_version at the watcher's last read
  detail::ChangeFeed feed_;
  detail::WatcherThread watcher_{[this](const detail::WatcherThread::Pause& pause) { watch_step(pause); }};
};

}  // namespace

Result<std::unique_ptr<SqliteUserStore>> SqliteUserStore::open(const std::string& path,
                                                               const SqliteUserStoreOptions& options) {
  auto open_connection = [path, timeout = options.busy_timeout] { return SqliteConnection::open(path, timeout); };
  auto first = open_connection();
  if (!first) return first.error();
  if (auto migrated = migrate(**first); !migrated) return migrated.error();
  auto watch = open_connection();
  if (!watch) return watch.error();
  const auto seen = data_version(**watch);
  if (!seen) return seen.error();
  auto store = std::make_unique<SqliteStore>(open_connection, std::move(*watch), *seen, options);
  store->pool().adopt(std::move(*first));
  return std::unique_ptr<SqliteUserStore>(std::move(store));
}

}  // namespace authcore
