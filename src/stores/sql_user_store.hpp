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
#include <vector>

#include "authcore/user_store.hpp"
#include "detail/ascii_names.hpp"
#include "stores/connection_pool.hpp"
#include "stores/rotation_rules.hpp"
#include "stores/store_errors.hpp"
#include "stores/transaction.hpp"

namespace authcore::detail {

/// The backend's SQL for the shared operations; parameters in the order
/// given. Each text must have static storage (connections cache their
/// prepared statements by its address). "-> user" means the columns
/// username, password_hash, email, created_at, full_name, disabled, roles.
struct SqlStatements {
  const char* begin_write;           ///< starts a transaction that writes (taking the write lock where there is one)
  const char* insert_user;           ///< (username, password_hash, email, created_at, full_name, disabled, roles)
  const char* select_user;           ///< (username) -> user
  const char* select_user_by_email;  ///< (email) -> user, the e-mail compared case-insensitively in ASCII
  const char* select_users;          ///< () -> user, every user ordered by username (byte order)
  const char* user_exists;           ///< (username) -> a row when it exists
  const char* set_password_hash;     ///< (username, expected_hash, new_hash): compare-and-set
  const char* set_disabled;          ///< (username, disabled 0 or 1)
  const char* set_roles;             ///< (username, roles space-separated)
  const char* delete_user;           ///< (username), cascading to sessions and refresh tokens
  /// (session_id) -> session columns: session_id, username, live jti,
  /// expires_at, revoked, scope, created_at, last_refreshed_at,
  /// previous_jti, access_jti, access_expires_at, pair_scope,
  /// client_address, user_agent
  const char* select_session;
  const char*
      select_user_sessions;         ///< (username, now, inactivity seconds) -> session columns, live ones, oldest first
  const char* lock_session;         ///< (session_id) -> a row when it exists, locked for this transaction
  const char* spend_refresh_token;  ///< (jti, session_id): marks the live token spent
  const char* insert_refresh_token;  ///< (jti, session_id): a new live token
  /// (session_id, previous jti, now, access jti, access expires_at, pair scope)
  const char* record_rotation;
  const char* revoke_session;        ///< (session_id)
  const char* revoke_user_sessions;  ///< (username, kept session_id): only sessions not yet revoked
  const char* active_session_owner;  ///< (session_id, now) -> username, when active and its user not disabled
  /// (now, inactivity seconds): deletes sessions with expires_at < now, or
  /// last refreshed more than the (positive) inactivity timeout before now
  const char* purge_expired;
  const char* ping;  ///< no parameters, one row
};

/// The user in the current row of a cursor over "-> user" columns.
template <class Cursor>
User read_user(const Cursor& row) {
  User user{row.text(0), row.text(1), row.optional_text(2), row.integer(3)};
  user.full_name = row.optional_text(4);
  user.disabled = row.flag(5);
  user.roles = split_names(row.text(6));
  return user;
}

/// The session in the current row of a cursor over session columns.
template <class Cursor>
Session read_session_row(const Cursor& row) {
  Session session{row.text(0),    row.text(1), row.optional_text(2).value_or(std::string()),
                  row.integer(3), row.flag(4), row.optional_text(5)};
  session.created_at = row.integer(6);
  session.last_refreshed_at = row.integer(7);
  session.previous_jti = row.optional_text(8);
  session.access_jti = row.text(9);
  session.access_expires_at = row.integer(10);
  session.pair_scope = row.text(11);
  session.client_address = row.text(12);
  session.user_agent = row.text(13);
  return session;
}

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
/// The derived class implements do_create_session(). RotationRequest is shared:
/// `lock_session` makes it one critical section per session (the write
/// lock of BEGIN IMMEDIATE on SQLite, the row lock of FOR UPDATE on
/// PostgreSQL), and the rules are rotation_step()'s.
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
    return read_session_row(*query);
  }

  /// A statement's failure to create a session for `username`, which it
  /// refuses when the user is missing or disabled: tells the two apart.
  Result<void> session_refused(Connection& db, std::string_view username) const {
    const auto exists = has_row(db, sql_.user_exists, username);
    if (!exists) return exists.error();
    return *exists ? user_disabled() : no_such_user();
  }

  /// Runs `operation(Connection&)` inside a write transaction, committed
  /// when it succeeds (and rolled back otherwise).
  template <class T, class Operation>
  Result<T> in_write_transaction(Operation&& operation) {
    return with_connection([&](Connection& db) -> Result<T> {
      auto transaction = Transaction<Connection>::begin(db, sql_.begin_write);
      if (!transaction) return transaction.error();
      auto done = std::forward<Operation>(operation)(db);
      if (!done) return done;
      if (auto committed = transaction->commit(); !committed) return committed.error();
      return done;
    });
  }

 private:
  Result<void> do_create_user(const User& user) override {
    return with_connection([&](Connection& db) { return insert_user(db, user); });
  }

  Result<std::size_t> do_import_users(const std::vector<User>& users) override {
    return in_write_transaction<std::size_t>([&](Connection& db) -> Result<std::size_t> {
      for (const auto& user : users) {
        if (auto inserted = insert_user(db, user); !inserted) return not_imported(user.username, inserted.error());
      }
      return users.size();
    });
  }

  /// Inserts `user`, looking first whether its username or e-mail address
  /// is taken so that the conflict can say which (the unique keys decide:
  /// a writer racing in between still gets conflict, in the database's
  /// words).
  Result<void> insert_user(Connection& db, const User& user) {
    const auto username_exists = has_row(db, sql_.user_exists, user.username);
    if (!username_exists) return username_exists.error();
    if (*username_exists) return username_taken();
    if (user.email) {
      const auto email_exists = has_row(db, sql_.select_user_by_email, *user.email);
      if (!email_exists) return email_exists.error();
      if (*email_exists) return email_taken();
    }
    const auto inserted = db.change(sql_.insert_user, user.username, user.password_hash, user.email, user.created_at,
                                    user.full_name, std::int64_t{user.disabled ? 1 : 0}, join_names(user.roles));
    if (!inserted) return inserted.error();
    return {};
  }

  Result<User> do_find_user(std::string_view username) const override { return one_user(sql_.select_user, username); }

  Result<User> do_find_user_by_email(std::string_view email) const override {
    return one_user(sql_.select_user_by_email, email);
  }

  Result<User> one_user(const char* sql, std::string_view key) const {
    return with_connection([&](Connection& db) -> Result<User> {
      auto query = db.query(sql, key);
      if (!query) return query.error();
      const auto row = query->step();
      if (!row) return row.error();
      if (!*row) return no_such_user();
      return read_user(*query);
    });
  }

  Result<std::vector<User>> do_list_users() const override {
    return with_connection([&](Connection& db) -> Result<std::vector<User>> {
      auto query = db.query(sql_.select_users);
      if (!query) return query.error();
      std::vector<User> users;
      for (;;) {
        const auto row = query->step();
        if (!row) return row.error();
        if (!*row) return users;
        users.push_back(read_user(*query));
      }
    });
  }

  // Disabling and revoking are one transaction: no session of the user
  // survives, and create_session() (which refuses disabled users under the
  // same lock) cannot slip one in between.
  Result<void> do_set_disabled(std::string_view username, bool disabled) override {
    return in_write_transaction<void>([&](Connection& db) -> Result<void> {
      const auto updated = db.change(sql_.set_disabled, username, std::int64_t{disabled ? 1 : 0});
      if (!updated) return updated.error();
      if (*updated == 0) return no_such_user();
      if (!disabled) return {};
      const auto revoked = db.change(sql_.revoke_user_sessions, username, std::string_view());
      if (!revoked) return revoked.error();
      return {};
    });
  }

  Result<void> do_set_roles(std::string_view username, const std::set<std::string>& roles) override {
    return change_one(sql_.set_roles, no_such_user(), username, join_names(roles));
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
    return change_one(sql_.delete_user, no_such_user(), username);
  }

  // Every presenter of one session's tokens waits for the lock, then reads
  // the session as the last one left it (a fresh statement, so a fresh
  // snapshot under PostgreSQL's READ COMMITTED) and decides.
  Result<Session> do_rotate(const RotationRequest& rotation) override {
    return with_connection([&](Connection& db) -> Result<Session> {
      auto transaction = Transaction<Connection>::begin(db, sql_.begin_write);
      if (!transaction) return transaction.error();
      const auto exists = has_row(db, sql_.lock_session, rotation.session_id);
      if (!exists) return exists.error();
      if (!*exists) return rotation_refused();
      auto session = read_session(db, rotation.session_id);
      if (!session) return session;
      switch (rotation_step(*session, rotation)) {
        case RotationStep::reissue: return session;
        case RotationStep::refuse: {
          // RFC 9700 §4.14.2: a spent or foreign refresh token was
          // presented, or the session is over; end the whole family.
          const auto revoked = db.change(sql_.revoke_session, rotation.session_id);
          if (!revoked) return revoked.error();
          if (auto committed = transaction->commit(); !committed) return committed.error();
          return rotation_refused();
        }
        case RotationStep::rotate: break;
      }
      if (auto rotated = spend_for_next(db, rotation); !rotated) return rotated.error();
      if (auto committed = transaction->commit(); !committed) return committed.error();
      record_rotation(*session, rotation);
      return session;
    });
  }

  // The rotation's writes; the caller holds the session's lock.
  Result<void> spend_for_next(Connection& db, const RotationRequest& rotation) {
    const auto spent = db.change(sql_.spend_refresh_token, rotation.presented_jti, rotation.session_id);
    if (!spent) return spent.error();
    const auto inserted = db.change(sql_.insert_refresh_token, rotation.next_jti, rotation.session_id);
    if (!inserted) return unless_store_error(inserted.error(), jti_taken());
    const auto recorded = db.change(sql_.record_rotation, rotation.session_id, rotation.presented_jti, rotation.now,
                                    rotation.next_access_jti, rotation.next_access_expires_at, rotation.next_scope);
    if (!recorded) return recorded.error();
    return {};
  }

  Result<std::vector<Session>> do_list_sessions(std::string_view username, std::int64_t now,
                                                std::chrono::seconds inactivity_timeout) const override {
    return with_connection([&](Connection& db) -> Result<std::vector<Session>> {
      auto query = db.query(sql_.select_user_sessions, username, now, std::int64_t{inactivity_timeout.count()});
      if (!query) return query.error();
      std::vector<Session> sessions;
      for (;;) {
        const auto row = query->step();
        if (!row) return row.error();
        if (!*row) return sessions;
        sessions.push_back(read_session_row(*query));
      }
    });
  }

  Result<Session> do_find_session(std::string_view session_id) const override {
    return with_connection([&](Connection& db) { return read_session(db, session_id); });
  }

  Result<void> do_revoke_session(std::string_view session_id) override {
    return change_one(sql_.revoke_session, no_such_session(), session_id);
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

  Result<std::optional<std::string>> do_active_session_owner(std::string_view session_id,
                                                             std::int64_t now) const override {
    return with_connection([&](Connection& db) -> Result<std::optional<std::string>> {
      auto query = db.query(sql_.active_session_owner, session_id, now);
      if (!query) return query.error();
      const auto row = query->step();
      if (!row) return row.error();
      if (!*row) return std::optional<std::string>();
      return std::optional<std::string>(query->text(0));
    });
  }

  Result<std::size_t> do_purge_expired(std::int64_t now, std::chrono::seconds inactivity_timeout) override {
    return with_connection([&](Connection& db) -> Result<std::size_t> {
      const auto purged = db.change(sql_.purge_expired, now, std::int64_t{inactivity_timeout.count()});
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

  /// Runs a statement with `parameters` that must change one row;
  /// `missing` when it changed none.
  template <class... Parameters>
  Result<void> change_one(const char* sql, const Error& missing, const Parameters&... parameters) {
    return with_connection([&](Connection& db) -> Result<void> {
      const auto changed = db.change(sql, parameters...);
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
