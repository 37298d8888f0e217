#include "authcore/postgres_user_store.hpp"

#include <memory>
#include <utility>

#include "detail/utf8.hpp"
#include "stores/migration.hpp"
#include "stores/postgres_database.hpp"
#include "stores/postgres_listener.hpp"
#include "stores/postgres_schema.hpp"
#include "stores/sql_user_store.hpp"
#include "stores/store_errors.hpp"
#include "stores/transaction.hpp"

namespace authcore {

namespace {

using detail::PostgresConnection;

// The schema, one migration per version (docs/stores.md); `{schema}` is the
// quoted schema name. Keys are COLLATE "C": byte order, which is what
// byte-for-byte usernames mean, and cheaper to index than a locale's.
// Deleting a user cascades to their sessions and a session's refresh tokens.
constexpr detail::Migration kMigrations[] = {
    {1, "users, sessions and refresh tokens", R"sql(
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
)sql"},
    // Accounts (DESIGN §5): existing users get the role `user` and stay
    // enabled; existing sessions get no recorded scope (NULL: their user's
    // scopes). lower() under the "C" collation folds exactly the 26 ASCII
    // letters, whatever the database's locale, as SQLite's NOCASE does; the
    // index fails, and the migration with it, where two users already share
    // an address (docs/stores.md says what to do).
    {2, "accounts: full name, disabled, roles, unique e-mail, session scope", R"sql(
ALTER TABLE {schema}.users
  ADD COLUMN full_name text,
  ADD COLUMN disabled  boolean NOT NULL DEFAULT false,
  ADD COLUMN roles     text NOT NULL DEFAULT 'user';
CREATE UNIQUE INDEX users_by_email ON {schema}.users (lower(email COLLATE "C"));
ALTER TABLE {schema}.sessions ADD COLUMN scope text;
)sql"},
    // Sessions for real clients (DESIGN §5): what a session records for
    // listing, the inactivity timeout and the reuse interval. Sessions that
    // exist already count as started and last refreshed at the upgrade (the
    // database's clock, once), so that an inactivity timeout does not end
    // them all at once; they have no previous jti, so nothing of theirs is
    // re-issued before their next rotation.
    {3, "sessions: created and refreshed times, previous jti, current pair, client", R"sql(
ALTER TABLE {schema}.sessions
  ADD COLUMN created_at        bigint NOT NULL DEFAULT 0,
  ADD COLUMN last_refreshed_at bigint NOT NULL DEFAULT 0,
  ADD COLUMN previous_jti      text COLLATE "C",
  ADD COLUMN access_jti        text NOT NULL DEFAULT '',
  ADD COLUMN access_expires_at bigint NOT NULL DEFAULT 0,
  ADD COLUMN pair_scope        text NOT NULL DEFAULT '',
  ADD COLUMN client_address    text NOT NULL DEFAULT '',
  ADD COLUMN user_agent        text NOT NULL DEFAULT '';
UPDATE {schema}.sessions SET created_at = extract(epoch FROM now())::bigint,
  last_refreshed_at = extract(epoch FROM now())::bigint;
CREATE INDEX sessions_by_activity ON {schema}.sessions (last_refreshed_at);
)sql"},
    // Fleets (DESIGN §5): every change that can end a session or refuse a
    // user's tokens notifies channel `authcore` with the schema's name, so
    // that every instance's session cache hears of it when the transaction
    // commits (NOTIFY is transactional, and identical notifications of one
    // transaction arrive once). A rotation changes no `revoked` and does not
    // notify. login_failures holds PostgresLoginThrottle's counters: key is
    // 'u' or 'c' and the username or client address; times are Unix
    // microseconds.
    {4, "change notifications, shared login throttle", R"sql(
CREATE FUNCTION {schema}.notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('authcore', TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;
CREATE TRIGGER sessions_revoked AFTER UPDATE OF revoked ON {schema}.sessions
  FOR EACH ROW WHEN (NEW.revoked AND NOT OLD.revoked) EXECUTE FUNCTION {schema}.notify_change();
CREATE TRIGGER sessions_deleted AFTER DELETE ON {schema}.sessions
  FOR EACH STATEMENT EXECUTE FUNCTION {schema}.notify_change();
CREATE TRIGGER users_changed AFTER UPDATE OF disabled, password_hash, roles ON {schema}.users
  FOR EACH STATEMENT EXECUTE FUNCTION {schema}.notify_change();
CREATE TRIGGER users_deleted AFTER DELETE ON {schema}.users
  FOR EACH STATEMENT EXECUTE FUNCTION {schema}.notify_change();

CREATE TABLE {schema}.login_failures (
  key          text COLLATE "C" PRIMARY KEY,
  failures     bigint NOT NULL,
  last_failure bigint NOT NULL,
  locked_until bigint NOT NULL
);
CREATE INDEX login_failures_by_age ON {schema}.login_failures (last_failure);
)sql"},
};

constexpr detail::MigrationStatements kMigrationStatements{
    /*create_version_table=*/
    "CREATE TABLE IF NOT EXISTS {schema}.schema_version (version integer PRIMARY KEY, description text NOT NULL)",
    /*current_version=*/"SELECT coalesce(max(version), 0) FROM {schema}.schema_version",
    /*record_version=*/"INSERT INTO {schema}.schema_version (version, description) VALUES ($1, $2)",
};
// Released at COMMIT or ROLLBACK, also when the connection dies.
constexpr char kLockMigrations[] = "SELECT pg_advisory_xact_lock($1)";
constexpr char kSchemaExists[] = "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1";
constexpr char kCreateSchema[] = "CREATE SCHEMA {schema}";

#define AUTHCORE_POSTGRES_SESSION_COLUMNS                                                                        \
  "SELECT s.session_id, s.username, t.jti, s.expires_at, s.revoked, s.scope, s.created_at, s.last_refreshed_at," \
  " s.previous_jti, s.access_jti, s.access_expires_at, s.pair_scope, s.client_address, s.user_agent"             \
  " FROM {schema}.sessions AS s"                                                                                 \
  " LEFT JOIN {schema}.refresh_tokens AS t ON t.session_id = s.session_id AND NOT t.spent"

constexpr detail::SqlStatements kStatements{
    /*begin_write=*/"BEGIN",
    /*insert_user=*/
    "INSERT INTO {schema}.users (username, password_hash, email, created_at, full_name, disabled, roles)"
    " VALUES ($1, $2, $3, $4, $5, $6::integer <> 0, $7)",
    /*select_user=*/
    "SELECT username, password_hash, email, created_at, full_name, disabled, roles FROM {schema}.users"
    " WHERE username = $1",
    /*select_user_by_email=*/
    "SELECT username, password_hash, email, created_at, full_name, disabled, roles FROM {schema}.users"
    " WHERE lower(email COLLATE \"C\") = lower($1::text COLLATE \"C\")",
    /*select_users=*/
    "SELECT username, password_hash, email, created_at, full_name, disabled, roles FROM {schema}.users"
    " ORDER BY username",
    /*user_exists=*/"SELECT 1 FROM {schema}.users WHERE username = $1",
    /*set_password_hash=*/
    "UPDATE {schema}.users SET password_hash = $3 WHERE username = $1 AND password_hash = $2",
    /*set_disabled=*/"UPDATE {schema}.users SET disabled = $2::integer <> 0 WHERE username = $1",
    /*set_roles=*/"UPDATE {schema}.users SET roles = $2 WHERE username = $1",
    /*delete_user=*/"DELETE FROM {schema}.users WHERE username = $1",
    /*select_session=*/AUTHCORE_POSTGRES_SESSION_COLUMNS " WHERE s.session_id = $1",
    /*select_user_sessions=*/
    AUTHCORE_POSTGRES_SESSION_COLUMNS
    " WHERE s.username = $1 AND NOT s.revoked AND $2::bigint <= s.expires_at"
    " AND ($3::bigint <= 0 OR $2::bigint - s.last_refreshed_at <= $3::bigint)"
    " ORDER BY s.created_at, s.session_id",
    // The row lock serialises rotations of one session across every
    // instance; READ COMMITTED gives the statements after it a snapshot
    // that sees what the previous holder committed.
    /*lock_session=*/"SELECT 1 FROM {schema}.sessions WHERE session_id = $1 FOR UPDATE",
    /*spend_refresh_token=*/
    "UPDATE {schema}.refresh_tokens SET spent = true WHERE jti = $1 AND session_id = $2 AND NOT spent",
    /*insert_refresh_token=*/"INSERT INTO {schema}.refresh_tokens (jti, session_id) VALUES ($1, $2)",
    /*record_rotation=*/
    "UPDATE {schema}.sessions SET previous_jti = $2, last_refreshed_at = $3, access_jti = $4,"
    " access_expires_at = $5, pair_scope = $6 WHERE session_id = $1",
    /*revoke_session=*/"UPDATE {schema}.sessions SET revoked = true WHERE session_id = $1",
    /*revoke_user_sessions=*/
    "UPDATE {schema}.sessions SET revoked = true WHERE username = $1 AND NOT revoked AND session_id <> $2",
    /*active_session_owner=*/
    "SELECT s.username FROM {schema}.sessions AS s JOIN {schema}.users AS u ON u.username = s.username"
    " WHERE s.session_id = $1 AND NOT s.revoked AND $2 <= s.expires_at AND NOT u.disabled",
    /*purge_expired=*/
    "DELETE FROM {schema}.sessions WHERE expires_at < $1::bigint"
    " OR ($2::bigint > 0 AND last_refreshed_at + $2::bigint < $1::bigint)",
    /*ping=*/"SELECT 1",
};

// (session_id, username, first jti, expires_at, scope, created_at,
// client_address, user_agent): inserts nothing when the user is missing or
// disabled. The token's foreign key is checked at the end of the
// statement, when the session row exists. FOR SHARE locks the user row
// against set_disabled()'s UPDATE: either this statement goes first, and
// the disabling transaction's later revocation (a statement of its own, so
// with a snapshot that sees this session) revokes the new session, or the
// disabling goes first, and this re-reads the row, finds it disabled and
// inserts nothing.
constexpr char kCreateSession[] =
    "WITH owner AS (SELECT username FROM {schema}.users WHERE username = $2 AND NOT disabled FOR SHARE),"
    " session AS (INSERT INTO {schema}.sessions (session_id, username, expires_at, scope, created_at,"
    " last_refreshed_at, client_address, user_agent)"
    " SELECT $1, username, $4, $5, $6, $6, $7, $8 FROM owner RETURNING session_id)"
    " INSERT INTO {schema}.refresh_tokens (jti, session_id) SELECT $3, session_id FROM session";

/// PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes; two long
/// names would silently share one schema.
constexpr std::size_t kMaxIdentifierBytes = 63;

Result<void> check_schema_name(const std::string& schema) {
  if (schema.empty() || schema.size() > kMaxIdentifierBytes || schema.find('\0') != std::string::npos ||
      !detail::is_valid_utf8(schema)) {
    return Error{ErrorCode::invalid_argument, "the schema name must be 1 to 63 bytes of UTF-8 without NUL"};
  }
  return {};
}

Result<void> check_conninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options != nullptr) {
    PQconninfoFree(options);
    return {};
  }
  std::string message = error != nullptr ? error : "out of memory";
  PQfreemem(error);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return Error{ErrorCode::invalid_argument, "PostgreSQL conninfo: " + message};
}

/// The advisory lock key of a schema's migrations: 64-bit FNV-1a of
/// "authcore.migrate:" and the name, so that stores of different schemas
/// do not wait for each other.
std::int64_t migration_lock_key(const std::string& schema) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : "authcore.migrate:" + schema) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  return static_cast<std::int64_t>(hash);
}

/// Creates the schema when it does not exist. Looking first keeps a role
/// without CREATE on the database working once the schema is there
/// (CREATE SCHEMA IF NOT EXISTS checks the privilege before existence).
Result<void> ensure_schema(PostgresConnection& db, const std::string& schema) {
  auto exists = detail::has_row(db, kSchemaExists, schema);
  if (!exists) return exists.error();
  if (*exists) return {};
  return db.execute_script(kCreateSchema);
}

/// Brings the schema up to date inside one transaction holding the
/// schema's advisory lock, so that instances starting together apply each
/// migration once and never see a half-migrated schema.
Result<void> migrate(PostgresConnection& db, const std::string& schema) {
  auto transaction = detail::Transaction<PostgresConnection>::begin(db, "BEGIN");
  if (!transaction) return transaction.error();
  if (auto locked = db.query(kLockMigrations, migration_lock_key(schema)); !locked) return locked.error();
  if (auto created = ensure_schema(db, schema); !created) return created;
  if (auto applied = detail::apply_pending_migrations(db, kMigrations, kMigrationStatements); !applied) {
    return applied;
  }
  return transaction->commit();
}

/// The PostgreSQL store: the shared SQL operations, plus session creation
/// as a single statement.
class PostgresStore final : public detail::SqlUserStore<PostgresConnection, PostgresUserStore> {
 public:
  PostgresStore(const PostgresUserStoreOptions& options, Pool::Opener open,
                std::unique_ptr<detail::PostgresListener> listener)
      : SqlUserStore(kStatements, options.pool_size, options.acquire_timeout, std::move(open)),
        listener_(std::move(listener)) {}

 private:
  Result<void> do_create_session(const SessionStart& start) override {
    return with_connection([&](PostgresConnection& db) -> Result<void> {
      const auto created =
          db.change(kCreateSession, start.session_id, start.username, start.first_refresh_jti, start.expires_at,
                    start.scope, start.created_at, start.client_address, start.user_agent);
      if (!created) return detail::session_not_created(created.error());
      if (*created == 0) return session_refused(db, start.username);
      return {};
    });
  }

  // Every revocation, here or on another instance, moves the generation
  // (through the listener), so the staleness only bounds sessions that end
  // by reaching their expires_at.
  std::chrono::milliseconds do_default_session_cache_staleness() const noexcept override {
    return std::chrono::seconds{1};
  }

  SessionChanges do_session_changes() const noexcept override { return listener_->changes(); }

  std::unique_ptr<detail::PostgresListener> listener_;
};

}  // namespace

namespace detail {

Result<PostgresStart> start_postgres(const std::string& conninfo, const PostgresUserStoreOptions& options) {
  if (auto checked = check_conninfo(conninfo); !checked) return checked.error();
  if (auto checked = check_schema_name(options.schema); !checked) return checked.error();
  PostgresOpener open_connection = [conninfo, timeout = options.connect_timeout,
                                    schema = quote_identifier(options.schema)] {
    return PostgresConnection::open(conninfo, timeout, schema);
  };
  auto first = open_connection();
  if (!first) return first.error();
  if (auto migrated = migrate(**first, options.schema); !migrated) return migrated.error();
  return PostgresStart{std::move(open_connection), std::move(*first)};
}

}  // namespace detail

Result<std::unique_ptr<PostgresUserStore>> PostgresUserStore::open(const std::string& conninfo,
                                                                   const PostgresUserStoreOptions& options) {
  auto start = detail::start_postgres(conninfo, options);
  if (!start) return start.error();
  auto listener =
      detail::PostgresListener::start(start->open_connection, options.schema, options.listen_retry_interval);
  if (!listener) return listener.error();
  auto store = std::make_unique<PostgresStore>(options, start->open_connection, std::move(*listener));
  store->pool().adopt(std::move(start->first));
  return std::unique_ptr<PostgresUserStore>(std::move(store));
}

}  // namespace authcore
