// Internal: a thin C++ layer over the SQLite C API for SqliteUserStore:
// error mapping, and connections with cached prepared statements.
#ifndef AUTHCORE_STORES_SQLITE_DATABASE_HPP
#define AUTHCORE_STORES_SQLITE_DATABASE_HPP

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "authcore/result.hpp"

namespace authcore::detail {

/// The ErrorCode for an SQLite result code (primary or extended): BUSY and
/// LOCKED are store_busy, FULL is store_full, CANTOPEN is store_unavailable,
/// a UNIQUE or PRIMARY KEY violation is conflict, a FOREIGN KEY violation
/// (a session for a missing user) is not_found, everything else store_error.
ErrorCode sqlite_error_code(int result_code) noexcept;

/// An Error for a failed SQLite call on `db` (may be null).
Error sqlite_error(int result_code, sqlite3* db);

/// A cached prepared statement in use. Binds parameters ?1, ?2, ... in the
/// order bind() is called, and resets the statement when it goes out of
/// scope, which also ends its implicit read transaction.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3_stmt* statement, sqlite3* db) noexcept : statement_(statement), db_(db) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  SqliteStatement& bind(std::string_view text);
  SqliteStatement& bind(const std::string& text) { return bind(std::string_view(text)); }
  SqliteStatement& bind(const std::optional<std::string>& text);
  SqliteStatement& bind(std::int64_t number);
  template <class... Values>
  SqliteStatement& bind_all(const Values&... values) {
    (bind(values), ...);
    return *this;
  }

  /// Runs to the next row: true when one is ready, false when done.
  Result<bool> step();
  /// Runs to completion, ignoring any rows.
  Result<void> execute();

  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::int64_t integer(int column) const;
  bool flag(int column) const { return integer(column) != 0; }

 private:
  sqlite3_stmt* statement_;
  sqlite3* db_;
  int next_parameter_ = 1;
  int bind_failure_ = SQLITE_OK;  ///< reported by the next step()
};

/// One sqlite3 connection (opened NOMUTEX: the pool gives it to one thread
/// at a time) with the settings DESIGN §5 asks for, and its prepared
/// statements.
class SqliteConnection {
 public:
  /// Opens or creates `path` and configures the connection: busy timeout,
  /// WAL, synchronous=FULL, foreign keys on. Fails with store_unavailable
  /// when the file cannot be opened, store_error when it is not a database
  /// or WAL cannot be enabled.
  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path,
                                                        std::chrono::milliseconds busy_timeout);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  /// Runs one or more statements without parameters (pragmas, migrations,
  /// BEGIN/COMMIT).
  Result<void> execute_script(const char* sql);

  /// The prepared statement for `sql`, compiled on first use and kept:
  /// `sql` must be a string with static storage, whose address is the key.
  Result<SqliteStatement> statement(const char* sql);

  /// statement(sql) with `parameters` bound to ?1, ?2, ...
  template <class... Parameters>
  Result<SqliteStatement> query(const char* sql, const Parameters&... parameters) {
    auto prepared = statement(sql);
    if (prepared) prepared->bind_all(parameters...);
    return prepared;
  }

  /// Runs an INSERT, UPDATE or DELETE; returns how many rows it changed.
  template <class... Parameters>
  Result<std::int64_t> change(const char* sql, const Parameters&... parameters) {
    auto prepared = query(sql, parameters...);
    if (!prepared) return prepared.error();
    if (auto done = prepared->execute(); !done) return done.error();
    return changes();
  }

  /// True between BEGIN and COMMIT/ROLLBACK.
  bool in_transaction() const noexcept;
  /// False when a transaction was left open (a failed rollback): the pool
  /// then closes the connection instead of handing it out again.
  bool reusable() const noexcept { return !in_transaction(); }

 private:
  explicit SqliteConnection(sqlite3* db) noexcept : db_(db) {}
  Result<void> configure(std::chrono::milliseconds busy_timeout);
  Result<void> enable_wal(std::chrono::milliseconds busy_timeout);
  Result<void> switch_to_wal();
  std::int64_t changes() const noexcept;

  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_SQLITE_DATABASE_HPP
