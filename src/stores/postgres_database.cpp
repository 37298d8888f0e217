#include "stores/postgres_database.hpp"

#include <poll.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>

namespace authcore::detail {

namespace {

constexpr std::string_view kSchemaPlaceholder = "{schema}";

/// libpq's messages end in a newline; ours do not.
std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

/// libpq prints notices (including the FATAL an idle connection receives
/// when the server shuts down) to stderr by default; a library must not.
void ignore_notice(void*, const char*) {}

}  // namespace

ErrorCode postgres_error_code(std::string_view sqlstate) noexcept {
  if (sqlstate == "23505") return ErrorCode::conflict;
  if (sqlstate == "23503") return ErrorCode::not_found;
  if (sqlstate == "53100") return ErrorCode::store_full;
  if (sqlstate == "53300" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") {
    return ErrorCode::store_unavailable;
  }
  if (sqlstate == "55P03" || sqlstate == "57014") return ErrorCode::store_busy;
  const std::string_view error_class = sqlstate.substr(0, 2);
  if (error_class == "08") return ErrorCode::store_unavailable;
  if (error_class == "40") return ErrorCode::store_busy;
  return ErrorCode::store_error;
}

Error postgres_error(PGconn* connection, const PGresult* result) {
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string detail = trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection));
  std::string message = "PostgreSQL: " + (detail.empty() ? trimmed(PQerrorMessage(connection)) : detail);
  if (sqlstate != nullptr && *sqlstate != '\0') {
    return {postgres_error_code(sqlstate), message + " (SQLSTATE " + sqlstate + ")"};
  }
  const bool broken = connection == nullptr || PQstatus(connection) != CONNECTION_OK;
  return {broken ? ErrorCode::store_unavailable : ErrorCode::store_error, std::move(message)};
}

std::string quote_identifier(std::string_view name) {
  std::string quoted = "\"";
  for (const char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string with_schema(std::string_view sql, std::string_view quoted_schema) {
  std::string text(sql);
  for (auto at = text.find(kSchemaPlaceholder); at != std::string::npos;
       at = text.find(kSchemaPlaceholder, at + quoted_schema.size())) {
    text.replace(at, kSchemaPlaceholder.size(), quoted_schema);
  }
  return text;
}

Result<bool> PostgresRows::step() noexcept {
  ++row_;
  return row_ < PQntuples(result_.get());
}

std::string PostgresRows::text(int column) const {
  return {PQgetvalue(result_.get(), row_, column), static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
}

std::optional<std::string> PostgresRows::optional_text(int column) const {
  if (PQgetisnull(result_.get(), row_, column) != 0) return std::nullopt;
  return text(column);
}

std::int64_t PostgresRows::integer(int column) const noexcept {
  const char* value = PQgetvalue(result_.get(), row_, column);
  std::int64_t number = 0;
  std::from_chars(value, value + PQgetlength(result_.get(), row_, column), number);
  return number;
}

bool PostgresRows::flag(int column) const noexcept { return *PQgetvalue(result_.get(), row_, column) == 't'; }

std::int64_t PostgresRows::changed() const noexcept {
  const char* count = PQcmdTuples(result_.get());
  std::int64_t number = 0;
  std::from_chars(count, count + std::strlen(count), number);
  return number;
}

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::open(const std::string& conninfo,
                                                                     std::chrono::seconds connect_timeout,
                                                                     std::string quoted_schema) {
  // libpq applies these in order, later ones winning: the caller's
  // conninfo (expanded from `dbname`) may override the timeout and the
  // application name, but the client encoding is always UTF-8, which is
  // what the store sends and expects back.
  const std::string timeout = std::to_string(connect_timeout.count());
  const char* const keywords[] = {"connect_timeout", "application_name", "dbname", "client_encoding", nullptr};
  const char* const values[] = {timeout.c_str(), "authcore", conninfo.c_str(), "UTF8", nullptr};
  PGconn* raw = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (raw == nullptr) return Error{ErrorCode::store_error, "PostgreSQL: out of memory"};
  std::unique_ptr<PostgresConnection> connection(new PostgresConnection(raw, std::move(quoted_schema)));
  if (PQstatus(raw) != CONNECTION_OK) {
    return Error{ErrorCode::store_unavailable, "PostgreSQL: cannot connect: " + trimmed(PQerrorMessage(raw))};
  }
  PQsetNoticeProcessor(raw, ignore_notice, nullptr);
  return connection;
}

PostgresConnection::~PostgresConnection() { PQfinish(connection_); }

Result<PostgresRows> PostgresConnection::checked(PGresult* result) {
  PostgresRows rows(result);
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return rows;
  return postgres_error(connection_, result);
}

Result<void> PostgresConnection::execute_script(const char* sql) {
  auto done = checked(PQexec(connection_, with_schema(sql, quoted_schema_).c_str()));
  if (!done) return done.error();
  return {};
}

Result<std::vector<std::string>> PostgresConnection::await_notifications(std::chrono::milliseconds timeout) {
  pollfd socket{PQsocket(connection_), POLLIN, 0};
  if (socket.fd < 0) return broken_connection();
  if (poll(&socket, 1, static_cast<int>(timeout.count())) < 0 && errno != EINTR) return broken_connection();
  // A server that ends the connection sends an error first, then closes:
  // consuming may succeed once before the status says so.
  if (PQconsumeInput(connection_) == 0 || PQstatus(connection_) != CONNECTION_OK) return broken_connection();
  std::vector<std::string> payloads;
  while (PGnotify* notification = PQnotifies(connection_)) {
    payloads.emplace_back(notification->extra);
    PQfreemem(notification);
  }
  return payloads;
}

Error PostgresConnection::broken_connection() const {
  return Error{ErrorCode::store_unavailable, "PostgreSQL: connection lost: " + trimmed(PQerrorMessage(connection_))};
}

Result<const std::string*> PostgresConnection::prepared_name(const char* sql) {
  auto found = prepared_.find(sql);
  if (found != prepared_.end()) return &found->second;
  std::string name = "authcore_" + std::to_string(prepared_.size());
  // Parameter types are left to the server to infer from the statement.
  auto prepared = checked(PQprepare(connection_, name.c_str(), with_schema(sql, quoted_schema_).c_str(), 0, nullptr));
  if (!prepared) return prepared.error();
  return &prepared_.emplace(sql, std::move(name)).first->second;
}

Result<PostgresRows> PostgresConnection::run_prepared(const char* sql, int count, const char* const* values) {
  const auto name = prepared_name(sql);
  if (!name) return name.error();
  return checked(PQexecPrepared(connection_, (*name)->c_str(), count, values, nullptr, nullptr, 0));
}

bool PostgresConnection::in_transaction() const noexcept {
  const PGTransactionStatusType status = PQtransactionStatus(connection_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool PostgresConnection::reusable() noexcept {
  if (PQstatus(connection_) != CONNECTION_OK || PQtransactionStatus(connection_) != PQTRANS_IDLE) return false;
  // An idle connection has nothing to read unless the server spoke first,
  // and the store never LISTENs: what arrives is the FATAL (57P01) a server
  // sends before it closes the socket to shut down or restart (rarely, a
  // parameter change after a reload). libpq would notice the closed socket
  // only when the next call fails, so such a connection is replaced now.
  pollfd pending{PQsocket(connection_), POLLIN, 0};
  return ::poll(&pending, 1, 0) == 0;
}

}  // namespace authcore::detail
