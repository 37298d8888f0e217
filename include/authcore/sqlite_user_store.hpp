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
class AUTHCORE_SQLITE_API SqliteUserStore final : public UserStore {
 public:
  /// Opens `path`, creating the file if needed, and brings its schema up to
  /// date (one process at a time; others wait up to the busy timeout).
  /// Fails with store_unavailable when the file cannot be opened or
  /// created, store_busy when another process holds it locked past the busy
  /// timeout, store_error when it is not an SQLite database, cannot use
  /// WAL, or has a schema newer than this version of authcore knows.
  static Result<std::unique_ptr<SqliteUserStore>> open(const std::string& path,
                                                       const SqliteUserStoreOptions& options = {});

  ~SqliteUserStore() override;

 private:
  struct Impl;
  explicit SqliteUserStore(std::unique_ptr<Impl> impl) noexcept;

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

#endif  // AUTHCORE_SQLITE_USER_STORE_HPP
