#include "stores/sqlite_database.hpp"

#include <algorithm>
#include <limits>
#include <thread>
#include <utility>

namespace authcore::detail {

ErrorCode sqlite_error_code(int result_code) noexcept {
  switch (result_code) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE: return ErrorCode::conflict;
    case SQLITE_CONSTRAINT_FOREIGNKEY: return ErrorCode::not_found;
    default: break;
  }
  switch (result_code & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return ErrorCode::store_busy;
    case SQLITE_FULL: return ErrorCode::store_full;
    case SQLITE_CANTOPEN: return ErrorCode::store_unavailable;
    default: return ErrorCode::store_error;
  }
}

Error sqlite_error(int result_code, sqlite3* db) {
  std::string message = "SQLite: ";
  // sqlite3_errmsg describes the latest failure on `db`, which is this one;
  // without a handle only the generic text of the code is known.
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result_code);
  message += " (";
  message += sqlite3_errstr(result_code);
  message += ")";
  return {sqlite_error_code(result_code), std::move(message)};
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)),
      db_(other.db_),
      next_parameter_(other.next_parameter_),
      bind_failure_(other.bind_failure_) {}

SqliteStatement::~SqliteStatement() {
  if (statement_ == nullptr) return;
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

SqliteStatement& SqliteStatement::bind(std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's string may
  // go away before step(). An empty string_view may have a null data(),
  // which sqlite3_bind_text would store as NULL rather than as ''.
  const char* bytes = text.data() != nullptr ? text.data() : "";
  const int result =
      text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())
          ? SQLITE_TOOBIG
          : sqlite3_bind_text(statement_, next_parameter_, bytes, static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (bind_failure_ == SQLITE_OK) bind_failure_ = result;
  ++next_parameter_;
  return *this;
}

SqliteStatement& SqliteStatement::bind(const std::optional<std::string>& text) {
  if (text) return bind(std::string_view(*text));
  const int result = sqlite3_bind_null(statement_, next_parameter_++);
  if (bind_failure_ == SQLITE_OK) bind_failure_ = result;
  return *this;
}

SqliteStatement& SqliteStatement::bind(std::int64_t number) {
  const int result = sqlite3_bind_int64(statement_, next_parameter_++, number);
  if (bind_failure_ == SQLITE_OK) bind_failure_ = result;
  return *this;
}

Result<bool> SqliteStatement::step() {
  if (bind_failure_ != SQLITE_OK) return sqlite_error(bind_failure_, db_);
  const int result = sqlite3_step(statement_);
  if (result == SQLITE_ROW) return true;
  if (result == SQLITE_DONE) return false;
  return sqlite_error(result, db_);
}

Result<void> SqliteStatement::execute() {
  for (;;) {
    const auto row = step();
    if (!row) return row.error();
    if (!*row) return {};
  }
}

std::string SqliteStatement::text(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement_, column));
  const int size = sqlite3_column_bytes(statement_, column);
  return bytes == nullptr ? std::string() : std::string(bytes, static_cast<std::size_t>(size));
}

std::optional<std::string> SqliteStatement::optional_text(int column) const {
  if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
  return text(column);
}

std::int64_t SqliteStatement::integer(int column) const { return sqlite3_column_int64(statement_, column); }

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path,
                                                                 std::chrono::milliseconds busy_timeout) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int opened = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  // sqlite3_open_v2 returns a handle even on failure (or null when out of
  // memory); owning it at once means it is closed on every path.
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db));
  if (opened != SQLITE_OK) return sqlite_error(opened, db);
  if (auto configured = connection->configure(busy_timeout); !configured) return configured.error();
  return connection;
}

Result<void> SqliteConnection::configure(std::chrono::milliseconds busy_timeout) {
  sqlite3_extended_result_codes(db_, 1);
  const auto timeout_ms =
      std::clamp<std::chrono::milliseconds::rep>(busy_timeout.count(), 0, std::numeric_limits<int>::max());
  sqlite3_busy_timeout(db_, static_cast<int>(timeout_ms));
  // journal_mode is a property of the file; the pragma answers with the
  // mode in force, which stays "delete" where WAL is impossible (e.g. on a
  // network file system, https://www.sqlite.org/wal.html). Without WAL,
  // readers and the writer would block each other: refuse rather than
  // silently run slow.
  if (auto wal = enable_wal(busy_timeout); !wal) return wal;
  // synchronous=FULL: in WAL mode, NORMAL may lose the latest commits on a
  // power failure (https://www.sqlite.org/pragma.html#pragma_synchronous).
  // A lost rotation would make a spent refresh token live again, and reuse
  // detection (RFC 9700 §4.14.2) would miss its replay; a lost sign-up would
  // drop an account the user was told exists. FULL syncs the WAL on every
  // commit so that never happens.
  return execute_script("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
}

Result<void> SqliteConnection::enable_wal(std::chrono::milliseconds busy_timeout) {
  // Two connections switching a new file to WAL at once both hold a shared
  // lock and both need the exclusive one. SQLite then answers SQLITE_BUSY
  // at once instead of calling the busy handler, which could deadlock
  // (https://www.sqlite.org/c3ref/busy_handler.html). Retrying lets the
  // other switch finish; the file is then WAL and the pragma a no-op.
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
  for (;;) {
    auto switched = switch_to_wal();
    if (switched || switched.error().code != ErrorCode::store_busy || std::chrono::steady_clock::now() >= deadline) {
      return switched;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

Result<void> SqliteConnection::switch_to_wal() {
  static constexpr const char kJournalModeWal[] = "PRAGMA journal_mode = WAL";
  auto mode = statement(kJournalModeWal);
  if (!mode) return mode.error();
  const auto row = mode->step();
  if (!row) return row.error();
  if (!*row || mode->text(0) != "wal") {
    return Error{ErrorCode::store_error, "SQLite: the database cannot use write-ahead logging (WAL)"};
  }
  return {};
}

SqliteConnection::~SqliteConnection() {
  for (const auto& cached : statements_) sqlite3_finalize(cached.second);
  sqlite3_close_v2(db_);
}

Result<void> SqliteConnection::execute_script(const char* sql) {
  const int result = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (result != SQLITE_OK) return sqlite_error(result, db_);
  return {};
}

Result<SqliteStatement> SqliteConnection::statement(const char* sql) {
  auto cached = statements_.find(sql);
  if (cached == statements_.end()) {
    sqlite3_stmt* prepared = nullptr;
    const int result = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &prepared, nullptr);
    if (result != SQLITE_OK) return sqlite_error(result, db_);
    cached = statements_.emplace(sql, prepared).first;
  }
  return SqliteStatement(cached->second, db_);
}

std::int64_t SqliteConnection::changes() const noexcept { return sqlite3_changes64(db_); }

bool SqliteConnection::in_transaction() const noexcept { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace authcore::detail
