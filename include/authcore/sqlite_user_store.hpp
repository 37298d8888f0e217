// authcore/sqlite_user_store.hpp: a UserStore in an SQLite database file
// (target authcore::sqlite), the embedded default.
#ifndef AUTHCORE_SQLITE_USER_STORE_HPP
#define AUTHCORE_SQLITE_USER_STORE_HPP

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "authcore/result.hpp"
#include "authcore/sqlite_export.hpp"
#include "authcore/user_store.hpp"

namespace authcore {

/// How SqliteUserStore uses its database file.
struct SqliteUserStoreOptions {
  /// How long a call waits for a lock another connection (this process or
  /// another) holds, and for a free pooled connection, before failing with
  /// ErrorCode::store_busy. Default 5 s.
  std::chrono::milliseconds busy_timeout{5000};

  /// Connections kept open at most; each serves one thread at a time.
  /// Readers run in parallel (WAL), writers take turns. Default 8; 0 means 1.
  std::size_t pool_size = 8;
};

/// A UserStore in one SQLite file: the embedded default, for one service
/// instance, or several processes on one machine sharing the file (not a
/// network file system: WAL needs shared memory).
///
/// The file is opened in WAL mode (readers never block the writer) with
/// `synchronous=FULL`, so a commit is on disk before the call returns: a
/// crash or power failure never loses an acknowledged sign-up, and never
/// revives a spent refresh token. Every read-modify-write (session
/// creation, rotation) runs in a BEGIN IMMEDIATE transaction, so rotation
/// succeeds once per refresh token across all threads and processes.
/// Statements are prepared once per connection and take their values only
/// as bound parameters. The schema is versioned (table `schema_version`)
/// and migrated on open; docs/stores.md lists it.
///
/// Errors: SQLITE_BUSY/LOCKED past the busy timeout is store_busy,
/// SQLITE_FULL store_full, a file that cannot be opened store_unavailable,
/// anything else (I/O error, corruption) store_error.
class AUTHCORE_SQLITE_API SqliteUserStore : public UserStore {
 public:
  /// Opens `path`, creating the file if needed, and brings its schema up to
  /// date (one process at a time; others wait up to the busy timeout).
  /// Fails with store_unavailable when the file cannot be opened or
  /// created, store_busy when another process holds it locked past the busy
  /// timeout, store_error when it is not an SQLite database, cannot use
  /// WAL, or has a schema newer than this version of authcore knows.
  static Result<std::unique_ptr<SqliteUserStore>> open(const std::string& path,
                                                       const SqliteUserStoreOptions& options = {});

 protected:
  /// Only the implementation inside the library derives from this class:
  /// it keeps the database client's headers and types out of this one,
  /// as a pimpl would, without forwarding every call.
  SqliteUserStore() = default;
};

}  // namespace authcore

#endif  // AUTHCORE_SQLITE_USER_STORE_HPP
