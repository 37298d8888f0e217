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
  /// How often the store tries to reconnect its LISTEN connection (the one
  /// through which it hears of other instances' revocations) after losing
  /// it. Until it is back, the Authenticator's session cache asks the
  /// database on every request. Default 250 ms.
  std::chrono::milliseconds listen_retry_interval{250};
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
class AUTHCORE_POSTGRES_API PostgresUserStore : public UserStore {
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

 protected:
  /// Only the implementation inside the library derives from this class:
  /// it keeps the database client's headers and types out of this one,
  /// as a pimpl would, without forwarding every call.
  PostgresUserStore() = default;
};

}  // namespace authcore

#endif  // AUTHCORE_POSTGRES_USER_STORE_HPP
