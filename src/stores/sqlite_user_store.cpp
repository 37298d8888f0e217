#include "authcore/sqlite_user_store.hpp"

#include <utility>

#include "stores/connection_pool.hpp"
#include "stores/migration.hpp"
#include "stores/sqlite_database.hpp"
#include "stores/store_errors.hpp"

namespace authcore {

namespace {

using detail::SqliteConnection;
using detail::SqliteTransaction;

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
};

constexpr char kCreateVersionTable[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL) STRICT";
constexpr char kCurrentVersion[] = "SELECT coalesce(max(version), 0) FROM schema_version";
constexpr char kRecordVersion[] = "INSERT INTO schema_version (version, description) VALUES (?1, ?2)";

constexpr char kInsertUser[] =
    "INSERT INTO users (username, password_hash, email, created_at) VALUES (?1, ?2, ?3, ?4)";
constexpr char kSelectUser[] = "SELECT password_hash, email, created_at FROM users WHERE username = ?1";
constexpr char kUserExists[] = "SELECT 1 FROM users WHERE username = ?1";
constexpr char kSetPasswordHash[] =
    "UPDATE users SET password_hash = ?3 WHERE username = ?1 AND password_hash = ?2";
constexpr char kDeleteUser[] = "DELETE FROM users WHERE username = ?1";

constexpr char kInsertSession[] = "INSERT INTO sessions (session_id, username, expires_at) VALUES (?1, ?2, ?3)";
constexpr char kInsertRefreshToken[] = "INSERT INTO refresh_tokens (jti, session_id) VALUES (?1, ?2)";
// Spends the presented token only while it is the live one of an active
// session: the whole check-and-spend is this one statement inside
// BEGIN IMMEDIATE, so of several concurrent presenters exactly one
// changes a row.
constexpr char kSpendRefreshToken[] =
    "UPDATE refresh_tokens SET spent = 1"
    " WHERE jti = ?1 AND session_id = ?2 AND spent = 0"
    " AND EXISTS (SELECT 1 FROM sessions WHERE session_id = ?2 AND revoked = 0 AND ?3 <= expires_at)";
constexpr char kSelectSession[] =
    "SELECT s.username, t.jti, s.expires_at, s.revoked FROM sessions AS s"
    " LEFT JOIN refresh_tokens AS t ON t.session_id = s.session_id AND t.spent = 0"
    " WHERE s.session_id = ?1";
constexpr char kRevokeSession[] = "UPDATE sessions SET revoked = 1 WHERE session_id = ?1";
constexpr char kRevokeUserSessions[] =
    "UPDATE sessions SET revoked = 1 WHERE username = ?1 AND revoked = 0 AND session_id <> ?2";
constexpr char kSessionIsActive[] =
    "SELECT 1 FROM sessions WHERE session_id = ?1 AND revoked = 0 AND ?2 <= expires_at";
constexpr char kPurgeExpired[] = "DELETE FROM sessions WHERE expires_at < ?1";
constexpr char kPing[] = "SELECT 1";

/// True when the query `sql` with `parameters` yields a row.
template <class... Parameters>
Result<bool> has_row(SqliteConnection& db, const char* sql, const Parameters&... parameters) {
  auto query = db.query(sql, parameters...);
  if (!query) return query.error();
  return query->step();
}

Result<void> record_migration(SqliteConnection& db, const detail::Migration& migration) {
  if (auto ran = db.execute_script(migration.sql); !ran) return ran;
  const auto recorded = db.change(kRecordVersion, std::int64_t{migration.version},
                                  std::string_view(migration.description));
  if (!recorded) return recorded.error();
  return {};
}

/// Brings the schema up to date. BEGIN IMMEDIATE holds the write lock for
/// the whole check-and-apply, so processes opening one file at once migrate
/// it once.
Result<void> migrate(SqliteConnection& db) {
  auto transaction = SqliteTransaction::begin(db);
  if (!transaction) return transaction.error();
  if (auto created = db.execute_script(kCreateVersionTable); !created) return created;
  int current = 0;
  {
    auto version = db.query(kCurrentVersion);
    if (!version) return version.error();
    if (auto row = version->step(); !row) return row.error();
    current = static_cast<int>(version->integer(0));
  }
  auto applied = detail::apply_pending_migrations(
      kMigrations, current, [&db](const detail::Migration& migration) { return record_migration(db, migration); });
  if (!applied) return applied;
  return transaction->commit();
}

Result<Session> read_session(SqliteConnection& db, std::string_view session_id) {
  auto query = db.query(kSelectSession, session_id);
  if (!query) return query.error();
  const auto row = query->step();
  if (!row) return row.error();
  if (!*row) return detail::no_such_session();
  return Session{std::string(session_id), query->text(0), query->text(1), query->integer(2), query->integer(3) != 0};
}

/// Reports a store error as is, and a constraint error as `replacement`.
Error unless_store_error(const Error& error, Error replacement) {
  const bool constraint = error.code == ErrorCode::conflict || error.code == ErrorCode::not_found;
  if (!constraint) return error;
  replacement.code = error.code;
  return replacement;
}

}  // namespace

struct SqliteUserStore::Impl {
  Impl(const SqliteUserStoreOptions& options, detail::ConnectionPool<SqliteConnection>::Opener open)
      : pool(options.pool_size, options.busy_timeout, std::move(open)) {}

  detail::ConnectionPool<SqliteConnection> pool;

  /// Runs `operation(SqliteConnection&)` on a pooled connection.
  template <class Operation>
  auto with_connection(Operation&& operation) -> decltype(operation(std::declval<SqliteConnection&>())) {
    auto lease = pool.acquire();
    if (!lease) return lease.error();
    return std::forward<Operation>(operation)(**lease);
  }
};

Result<std::unique_ptr<SqliteUserStore>> SqliteUserStore::open(const std::string& path,
                                                               const SqliteUserStoreOptions& options) {
  auto open_connection = [path, timeout = options.busy_timeout] { return SqliteConnection::open(path, timeout); };
  auto first = open_connection();
  if (!first) return first.error();
  if (auto migrated = migrate(**first); !migrated) return migrated.error();
  auto impl = std::make_unique<Impl>(options, open_connection);
  impl->pool.adopt(std::move(*first));
  return std::unique_ptr<SqliteUserStore>(new SqliteUserStore(std::move(impl)));
}

SqliteUserStore::SqliteUserStore(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}

SqliteUserStore::~SqliteUserStore() = default;

Result<void> SqliteUserStore::do_create_user(const User& user) {
  return impl_->with_connection([&](SqliteConnection& db) -> Result<void> {
    const auto inserted = db.change(kInsertUser, user.username, user.password_hash, user.email, user.created_at);
    if (!inserted) return unless_store_error(inserted.error(), detail::username_taken());
    return {};
  });
}

Result<User> SqliteUserStore::do_find_user(std::string_view username) const {
  return impl_->with_connection([&](SqliteConnection& db) -> Result<User> {
    auto query = db.query(kSelectUser, username);
    if (!query) return query.error();
    const auto row = query->step();
    if (!row) return row.error();
    if (!*row) return detail::no_such_user();
    return User{std::string(username), query->text(0), query->optional_text(1), query->integer(2)};
  });
}

Result<void> SqliteUserStore::do_update_password_hash(std::string_view username, std::string_view expected_hash,
                                                      std::string_view new_hash) {
  return impl_->with_connection([&](SqliteConnection& db) -> Result<void> {
    const auto updated = db.change(kSetPasswordHash, username, expected_hash, new_hash);
    if (!updated) return updated.error();
    if (*updated == 1) return {};
    const auto exists = has_row(db, kUserExists, username);
    if (!exists) return exists.error();
    return *exists ? detail::password_hash_changed() : detail::no_such_user();
  });
}

Result<void> SqliteUserStore::do_delete_user(std::string_view username) {
  return impl_->with_connection([&](SqliteConnection& db) -> Result<void> {
    const auto deleted = db.change(kDeleteUser, username);  // cascades to sessions and refresh tokens
    if (!deleted) return deleted.error();
    if (*deleted == 0) return detail::no_such_user();
    return {};
  });
}

Result<void> SqliteUserStore::do_create_session(std::string_view username, std::string_view session_id,
                                                std::string_view first_refresh_jti, std::int64_t expires_at) {
  return impl_->with_connection([&](SqliteConnection& db) -> Result<void> {
    auto transaction = SqliteTransaction::begin(db);
    if (!transaction) return transaction.error();
    auto inserted = db.change(kInsertSession, session_id, username, expires_at);
    if (inserted) inserted = db.change(kInsertRefreshToken, first_refresh_jti, session_id);
    if (!inserted) {
      // A missing user shows as a foreign-key violation (not_found).
      const bool missing_user = inserted.error().code == ErrorCode::not_found;
      return unless_store_error(inserted.error(),
                                missing_user ? detail::no_such_user() : detail::session_or_jti_taken());
    }
    return transaction->commit();
  });
}

Result<Session> SqliteUserStore::do_rotate(std::string_view session_id, std::string_view presented_jti,
                                           std::string_view next_jti, std::int64_t now) {
  return impl_->with_connection([&](SqliteConnection& db) -> Result<Session> {
    auto transaction = SqliteTransaction::begin(db);
    if (!transaction) return transaction.error();
    const auto spent = db.change(kSpendRefreshToken, presented_jti, session_id, now);
    if (!spent) return spent.error();
    if (*spent == 0) {
      // RFC 9700 §4.14.2: a spent or foreign refresh token was presented,
      // or the session is over; end the whole family.
      const auto revoked = db.change(kRevokeSession, session_id);
      if (!revoked) return revoked.error();
      if (auto committed = transaction->commit(); !committed) return committed.error();
      return detail::rotation_refused();
    }
    const auto inserted = db.change(kInsertRefreshToken, next_jti, session_id);
    if (!inserted) return unless_store_error(inserted.error(), detail::jti_taken());
    auto session = read_session(db, session_id);
    if (!session) return session;
    if (auto committed = transaction->commit(); !committed) return committed.error();
    return session;
  });
}

Result<Session> SqliteUserStore::do_find_session(std::string_view session_id) const {
  return impl_->with_connection([&](SqliteConnection& db) { return read_session(db, session_id); });
}

Result<void> SqliteUserStore::do_revoke_session(std::string_view session_id) {
  return impl_->with_connection([&](SqliteConnection& db) -> Result<void> {
    const auto revoked = db.change(kRevokeSession, session_id);
    if (!revoked) return revoked.error();
    if (*revoked == 0) return detail::no_such_session();
    return {};
  });
}

Result<std::size_t> SqliteUserStore::do_revoke_all_sessions(std::string_view username,
                                                            std::string_view except_session_id) {
  return impl_->with_connection([&](SqliteConnection& db) -> Result<std::size_t> {
    const auto revoked = db.change(kRevokeUserSessions, username, except_session_id);
    if (!revoked) return revoked.error();
    if (*revoked > 0) return static_cast<std::size_t>(*revoked);
    const auto exists = has_row(db, kUserExists, username);
    if (!exists) return exists.error();
    if (!*exists) return detail::no_such_user();
    return std::size_t{0};
  });
}

Result<bool> SqliteUserStore::do_is_session_active(std::string_view session_id, std::int64_t now) const {
  return impl_->with_connection(
      [&](SqliteConnection& db) { return has_row(db, kSessionIsActive, session_id, now); });
}

Result<std::size_t> SqliteUserStore::do_purge_expired(std::int64_t now) {
  return impl_->with_connection([&](SqliteConnection& db) -> Result<std::size_t> {
    const auto purged = db.change(kPurgeExpired, now);  // cascades to the refresh tokens
    if (!purged) return purged.error();
    return static_cast<std::size_t>(*purged);
  });
}

Result<void> SqliteUserStore::do_ping() const {
  return impl_->with_connection([](SqliteConnection& db) -> Result<void> {
    const auto pong = has_row(db, kPing);
    if (!pong) return pong.error();
    return {};
  });
}

}  // namespace authcore
