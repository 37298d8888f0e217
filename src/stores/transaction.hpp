// Internal: a database transaction that rolls back unless committed,
// shared by the SQLite and PostgreSQL stores.
#ifndef AUTHCORE_STORES_TRANSACTION_HPP
#define AUTHCORE_STORES_TRANSACTION_HPP

#include <utility>

#include "authcore/result.hpp"

namespace authcore::detail {

/// `Connection` must have `Result<void> execute_script(const char*)` and
/// `bool in_transaction() const noexcept`.
template <class Connection>
class Transaction {
 public:
  /// Runs `begin_statement` ("BEGIN", "BEGIN IMMEDIATE", ...).
  static Result<Transaction> begin(Connection& connection, const char* begin_statement) {
    if (auto begun = connection.execute_script(begin_statement); !begun) return begun.error();
    return Transaction(&connection);
  }

  Transaction(Transaction&& other) noexcept : connection_(std::exchange(other.connection_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;

  /// Rolls back, unless committed or already ended by the database (SQLite
  /// rolls back by itself after SQLITE_FULL or an I/O error; a broken
  /// PostgreSQL connection has no transaction left). A failed rollback
  /// leaves the connection in a transaction, and the pool then closes it.
  ~Transaction() {
    if (connection_ != nullptr && connection_->in_transaction()) (void)connection_->execute_script("ROLLBACK");
  }

  Result<void> commit() {
    auto committed = connection_->execute_script("COMMIT");
    if (committed) connection_ = nullptr;
    return committed;
  }

 private:
  explicit Transaction(Connection* connection) noexcept : connection_(connection) {}
  Connection* connection_;  ///< null once committed
};

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_TRANSACTION_HPP
