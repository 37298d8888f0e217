// Internal: a thin C++ layer over libpq for PostgresUserStore: error
// mapping, connections with lazily prepared statements, and result rows.
#ifndef AUTHCORE_STORES_POSTGRES_DATABASE_HPP
#define AUTHCORE_STORES_POSTGRES_DATABASE_HPP

#include <libpq-fe.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "authcore/result.hpp"

namespace authcore::detail {

/// The ErrorCode for a SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html):
/// class 08 (connection), 57P01-57P03 (shutdown, crash, starting up) and
/// 53300 (too many connections) are store_unavailable; 53100 (disk full)
/// store_full; class 40 (serialization failure, deadlock), 55P03 (lock not
/// available) and 57014 (statement timeout) store_busy; 23505 (unique)
/// conflict; 23503 (foreign key: a session for a missing user) not_found;
/// anything else store_error.
ErrorCode postgres_error_code(std::string_view sqlstate) noexcept;

/// An Error for a failed call on `connection`, from `result` when there is
/// one. Without a SQLSTATE (libpq's own failures, such as a connection
/// closed mid-query), a broken connection is store_unavailable.
Error postgres_error(PGconn* connection, const PGresult* result);

/// Quotes an SQL identifier: "name", with inner quotes doubled.
std::string quote_identifier(std::string_view name);

/// `sql` with every `{schema}` replaced by `quoted_schema`.
std::string with_schema(std::string_view sql, std::string_view quoted_schema);

/// The rows a statement returned, read like an SQLite statement: step()
/// moves to the next row.
class PostgresRows {
 public:
  explicit PostgresRows(PGresult* result) noexcept : result_(result) {}

  Result<bool> step() noexcept;

  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::int64_t integer(int column) const noexcept;
  bool flag(int column) const noexcept;
  /// Rows an INSERT, UPDATE or DELETE changed.
  std::int64_t changed() const noexcept;

 private:
  struct Clear {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
  };
  std::unique_ptr<PGresult, Clear> result_;
  int row_ = -1;
};

/// One libpq connection (one thread at a time: the pool sees to that). Its
/// statements are prepared on first use, with every `{schema}` in the SQL
/// replaced by the store's quoted schema name; values only ever travel as
/// parameters.
class PostgresConnection {
 public:
  /// Connects with `conninfo` (a `postgresql://` URL or `key=value` list;
  /// its own settings win over `connect_timeout`). Fails with
  /// store_unavailable when the server cannot be reached or refuses.
  static Result<std::unique_ptr<PostgresConnection>> open(const std::string& conninfo,
                                                          std::chrono::seconds connect_timeout,
                                                          std::string quoted_schema);
  ~PostgresConnection();
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  /// Runs the prepared statement for `sql` (static storage: its address is
  /// the key) with `parameters`, each a string, optional string or integer.
  template <class... Parameters>
  Result<PostgresRows> query(const char* sql, const Parameters&... parameters) {
    const std::array<std::optional<std::string>, sizeof...(Parameters)> texts{as_text(parameters)...};
    std::array<const char*, sizeof...(Parameters)> values{};
    for (std::size_t i = 0; i < texts.size(); ++i) values[i] = texts[i] ? texts[i]->c_str() : nullptr;
    return run_prepared(sql, static_cast<int>(values.size()), values.data());
  }

  /// Runs an INSERT, UPDATE or DELETE; returns how many rows it changed.
  template <class... Parameters>
  Result<std::int64_t> change(const char* sql, const Parameters&... parameters) {
    auto rows = query(sql, parameters...);
    if (!rows) return rows.error();
    return rows->changed();
  }

  /// Runs SQL without parameters (BEGIN, COMMIT, migrations), `{schema}`
  /// replaced.
  Result<void> execute_script(const char* sql);

  /// The payloads of the notifications for channels this connection
  /// LISTENs on (https://www.postgresql.org/docs/current/libpq-notify.html),
  /// waiting up to `timeout` for the first; none when none came. Fails
  /// with store_unavailable when the connection is broken.
  Result<std::vector<std::string>> await_notifications(std::chrono::milliseconds timeout);

  /// True inside a transaction (also a failed one).
  bool in_transaction() const noexcept;

  /// False when the connection is broken, in a transaction, or the server
  /// sent something while it sat idle (it does before closing it for a
  /// shutdown or restart): the pool then opens a new one, which is how the
  /// store recovers from an outage.
  bool reusable() noexcept;

 private:
  PostgresConnection(PGconn* connection, std::string quoted_schema) noexcept
      : connection_(connection), quoted_schema_(std::move(quoted_schema)) {}

  static std::optional<std::string> as_text(std::string_view text) { return std::string(text); }
  static std::optional<std::string> as_text(const std::string& text) { return text; }
  static std::optional<std::string> as_text(const std::optional<std::string>& text) { return text; }
  static std::optional<std::string> as_text(std::int64_t number) { return std::to_string(number); }

  Result<const std::string*> prepared_name(const char* sql);
  Result<PostgresRows> run_prepared(const char* sql, int count, const char* const* values);
  Result<PostgresRows> checked(PGresult* result);
  Error broken_connection() const;

  PGconn* connection_;
  std::string quoted_schema_;
  std::unordered_map<const char*, std::string> prepared_;  ///< SQL text address -> statement name
};

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_POSTGRES_DATABASE_HPP
