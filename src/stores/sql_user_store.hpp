// Internal: the UserStore operations that are the same SQL logic on every
// database backend, written once over a pooled `Connection` and the
// backend's statement texts. Session creation and rotation differ between
// backends: each backend's store derives from SqlUserStore and adds them.
#ifndef AUTHCORE_STORES_SQL_USER_STORE_HPP
#define AUTHCORE_STORES_SQL_USER_STORE_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "authcore/user_store.hpp"
#include "stores/connection_pool.hpp"
#include "stores/store_errors.hpp"

namespace authcore::detail {

/// The backend's SQL for the shared operations; parameters in the order
/// given. Each text must have static storage (connections cache their
/// prepared statements by its address).
struct SqlStatements {
  const char* insert_user;           ///< (username, password_hash, email, created_at)
  const char* select_user;           ///< (username) -> password_hash, email, created_at
  const char* user_exists;           ///< (username) -> a row when it exists
  const char* set_password_hash;     ///< (username, expected_hash, new_hash): compare-and-set
  const char* delete_user;           ///< (username), cascading to sessions and refresh tokens
  const char* select_session;        ///< (session_id) -> username, live jti, expires_at, revoked
  const char* revoke_session;        ///< (session_id)
  const char* revoke_user_sessions;  ///< (username, kept session_id): only sessions not yet revoked
  const char* session_is_active;     ///< (session_id, now) -> a row when active
  const char* purge_expired;         ///< (now): deletes sessions with expires_at < now
  const char* ping;                  ///< no parameters, one row
};

/// True when the query `sql` with `parameters` yields a row.
template <class Connection, class... Parameters>
Result<bool> has_row(Connection& db, const char* sql, const Parameters&... parameters) {
  auto query = db.query(sql, parameters...);
  if (!query) return query.error();
  return query->step();
}

/// A UserStore (through `Base`, the backend's public class) over pooled
/// connections. `Connection` provides:
///   query(sql, parameters...) -> Result<Cursor>, a Cursor having
///     step() -> Result<bool> (true: a row is ready), text(column),
///     optional_text(column), integer(column), flag(column);
///   change(sql, parameters...) -> Result<std::int64_t> (rows changed);
///   reusable() (see ConnectionPool).
/// The derived class implements do_create_session() and do_rotate().
template <class Connection, class Base>
class SqlUserStore : public Base {
 public:
  using Pool = ConnectionPool<Connection>;

  SqlUserStore(const SqlStatements& sql, std::size_t pool_size, std::chrono::milliseconds acquire_timeout,
               typename Pool::Opener open)
      : sql_(sql), pool_(pool_size, acquire_timeout, std::move(open)) {}

  Pool& pool() const noexcept { return pool_; }

 protected:
  /// Runs `operation(Connection&)` on a pooled connection.
  template <class Operation>
  auto with_connection(Operation&& operation) const -> decltype(operation(std::declval<Connection&>())) {
    auto lease = pool_.acquire();
    if (!lease) return lease.error();
    return std::forward<Operation>(operation)(**lease);
  }

  /// The session as stored, on a connection the caller holds (e.g. inside
  /// its transaction).
  Result<Session> read_session(Connection& db, std::string_view session_id) const {
    auto query = db.query(sql_.select_session, session_id);
    if (!query) return query.error();
    const auto row = query->step();
    if (!row) return row.error();
    if (!*row) return no_such_session();
    return Session{std::string(session_id), query->text(0), query->text(1), query->integer(2), query->flag(3)};
  }

 private:
  Result<void> do_create_user(const User& user) override {
    return with_connection([&](Connection& db) -> Result<void> {
      const auto inserted = db.change(sql_.insert_user, user.username, user.password_hash, user.email, user.created_at);
      if (!inserted) return unless_store_error(inserted.error(), username_taken());
      return {};
    });
  }

  Result<User> do_find_user(std::string_view username) const override {
    return with_connection([&](Connection& db) -> Result<User> {
      auto query = db.query(sql_.select_user, username);
      if (!query) return query.error();
      const auto row = query->step();
      if (!row) return row.error();
      if (!*row) return no_such_user();
      return User{std::string(username), query->text(0), query->optional_text(1), query->integer(2)};
    });
  }

  Result<void> do_update_password_hash(std::string_view username, std::string_view expected_hash,
                                       std::string_view new_hash) override {
    return with_connection([&](Connection& db) -> Result<void> {
      const auto updated = db.change(sql_.set_password_hash, username, expected_hash, new_hash);
      if (!updated) return updated.error();
      if (*updated == 1) return {};
      // Nothing changed: tell a lost compare-and-set from a missing user.
      const auto exists = has_row(db, sql_.user_exists, username);
      if (!exists) return exists.error();
      return *exists ? password_hash_changed() : no_such_user();
    });
  }

  Result<void> do_delete_user(std::string_view username) override {
    return change_one(sql_.delete_user, username, no_such_user());
  }

  Result<Session> do_find_session(std::string_view session_id) const override {
    return with_connection([&](Connection& db) { return read_session(db, session_id); });
  }

  Result<void> do_revoke_session(std::string_view session_id) override {
    return change_one(sql_.revoke_session, session_id, no_such_session());
  }

  Result<std::size_t> do_revoke_all_sessions(std::string_view username, std::string_view except_session_id) override {
    return with_connection([&](Connection& db) -> Result<std::size_t> {
      const auto revoked = db.change(sql_.revoke_user_sessions, username, except_session_id);
      if (!revoked) return revoked.error();
      if (*revoked > 0) return static_cast<std::size_t>(*revoked);
      const auto exists = has_row(db, sql_.user_exists, username);
      if (!exists) return exists.error();
      if (!*exists) return no_such_user();
      return std::size_t{0};
    });
  }

  Result<bool> do_is_session_active(std::string_view session_id, std::int64_t now) const override {
    return with_connection([&](Connection& db) { return has_row(db, sql_.session_is_active, session_id, now); });
  }

  Result<std::size_t> do_purge_expired(std::int64_t now) override {
    return with_connection([&](Connection& db) -> Result<std::size_t> {
      const auto purged = db.change(sql_.purge_expired, now);
      if (!purged) return purged.error();
      return static_cast<std::size_t>(*purged);
    });
  }

  Result<void> do_ping() const override {
    return with_connection([&](Connection& db) -> Result<void> {
      const auto pong = has_row(db, sql_.ping);
      if (!pong) return pong.error();
      return {};
    });
  }

  /// Runs a statement keyed by `key` that must change one row; `missing`
  /// when it changed none.
  Result<void> change_one(const char* sql, std::string_view key, const Error& missing) {
    return with_connection([&](Connection& db) -> Result<void> {
      const auto changed = db.change(sql, key);
      if (!changed) return changed.error();
      if (*changed == 0) return missing;
      return {};
    });
  }

  const SqlStatements& sql_;
  /// Handing out connections is not a change of the store's state: const
  /// operations use the pool too.
  mutable Pool pool_;
};

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_SQL_USER_STORE_HPP
