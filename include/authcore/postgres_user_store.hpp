// authcore/postgres_user_store.hpp: a UserStore in PostgreSQL (target
// authcore::postgres), for many service instances sharing one database.
#ifndef AUTHCORE_POSTGRES_USER_STORE_HPP
#define AUTHCORE_POSTGRES_USER_STORE_HPP

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "authcore/postgres_export.hpp"
#include "authcore/result.hpp"
#include "authcore/user_store.hpp"

namespace authcore {

/// How PostgresUserStore connects and where its tables live.
struct PostgresUserStoreOptions {
  /// Connections kept open at most; each serves one thread at a time.
  /// Default 4; 0 means 1. Size the server's max_connections for
  /// instances × pool_size.
  std::size_t pool_size = 4;

  /// The schema holding the tables; created on open when missing (which
  /// needs CREATE on the database once). Default "authcore". Up to 63
  /// bytes of UTF-8 (PostgreSQL would silently cut a longer name); any
  /// characters, as it is always quoted.
  std::string schema = "authcore";

  /// Connecting gives up after this long (libpq `connect_timeout`; a
  /// `connect_timeout` in the conninfo wins). Default 5 s.
  std::chrono::seconds connect_timeout{5};

  /// How long a call waits for a free pooled connection before failing with
  /// ErrorCode::store_busy. Default 5 s.
  std::chrono::milliseconds acquire_timeout{5000};
};

/// A UserStore in PostgreSQL, through libpq: for many service instances on
/// many machines sharing one database. With any number of instances, a
/// refresh token is spent exactly once in the whole fleet: rotation is one
/// `UPDATE ... WHERE jti = $2 AND NOT spent ... RETURNING` statement, with
/// the new token's insertion and, when nothing was spent, the revocation
/// of the session (RFC 9700 §4.14.2 reuse detection) in the same statement
/// and so the same transaction. Row locks make concurrent presenters of
/// one token wait for the first, which then finds it spent.
///
/// Statements are prepared once per connection; values travel only as
/// parameters. The schema is versioned (table `schema_version` in
/// `options.schema`) and migrated on open under a transaction-scoped
/// advisory lock, so instances starting together migrate once.
///
/// A connection that breaks (the server restarts, the network drops) is
/// closed and replaced on a later call: the call in flight fails with
/// store_unavailable, and the store works again once the server is back,
/// without restarting the process. Errors: server unreachable, shutting
/// down or out of connections is store_unavailable; disk full (SQLSTATE
/// 53100) store_full; serialization failures, deadlocks, lock or statement
/// timeouts, and no free pooled connection store_busy; anything else
/// store_error. The database must use UTF-8 (the store sends UTF-8).
class AUTHCORE_POSTGRES_API PostgresUserStore final : public UserStore {
 public:
  /// Connects with `conninfo`, a `postgresql://user@host:port/db?...` URL
  /// or a `key=value ...` string (libpq's formats; passwords may also come
  /// from PGPASSWORD or ~/.pgpass), and brings the schema up to date. Fails
  /// with invalid_argument when `conninfo` does not parse or the schema
  /// name is unusable, store_unavailable when the server cannot be reached
  /// or refuses the login, store_error when the schema is newer than this
  /// version of authcore knows or cannot be created.
  static Result<std::unique_ptr<PostgresUserStore>> open(const std::string& conninfo,
                                                         const PostgresUserStoreOptions& options = {});

  ~PostgresUserStore() override;

 private:
  struct Impl;
  explicit PostgresUserStore(std::unique_ptr<Impl> impl) noexcept;

  Result<void> do_create_user(const User& user) override;
  Result<User> do_find_user(std::string_view username) const override;
  Result<void> do_update_password_hash(std::string_view username, std::string_view expected_hash,
                                       std::string_view new_hash) override;
  Result<void> do_delete_user(std::string_view username) override;
  Result<void> do_create_session(std::string_view username, std::string_view session_id,
                                 std::string_view first_refresh_jti, std::int64_t expires_at) override;
  Result<Session> do_rotate(std::string_view session_id, std::string_view presented_jti,
                            std::string_view next_jti, std::int64_t now) override;
  Result<Session> do_find_session(std::string_view session_id) const override;
  Result<void> do_revoke_session(std::string_view session_id) override;
  Result<std::size_t> do_revoke_all_sessions(std::string_view username,
                                             std::string_view except_session_id) override;
  Result<bool> do_is_session_active(std::string_view session_id, std::int64_t now) const override;
  Result<std::size_t> do_purge_expired(std::int64_t now) override;
  Result<void> do_ping() const override;

  std::unique_ptr<Impl> impl_;
};

}  // namespace authcore

#endif  // AUTHCORE_POSTGRES_USER_STORE_HPP
