// authcore/user_store.hpp: the storage interface for users and sessions
// (refresh-token families), implemented by InMemoryUserStore,
// SqliteUserStore and PostgresUserStore.
#ifndef AUTHCORE_USER_STORE_HPP
#define AUTHCORE_USER_STORE_HPP

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "authcore/export.hpp"
#include "authcore/result.hpp"

namespace authcore {

/// What a cache of session state (the Authenticator's) may rely on, from
/// UserStore::session_changes() (DESIGN §5).
struct SessionChanges {
  /// Grows whenever a session may have ended or a user may have been
  /// disabled, deleted or changed: at once for this store object's own
  /// writes, and for other processes' writes as soon as the store hears of
  /// them (SQLite: within a few milliseconds; PostgreSQL: through
  /// LISTEN/NOTIFY). An answer cached at one generation is stale at any other.
  std::uint64_t generation = 0;
  /// False while other processes' writes may go unheard (PostgreSQL's
  /// notification connection is down): a cache must then trust nothing it
  /// remembers as active, and ask the store.
  bool complete = true;
};

/// A user account as the store keeps it (DESIGN §5, "Accounts"). The store
/// does not validate usernames or e-mail addresses (the Authenticator does);
/// it keeps every string byte for byte.
struct User {
  std::string username;       ///< the key; compared byte for byte, no case folding or normalisation
  std::string password_hash;  ///< a PHC string from PasswordHasher, or a legacy bcrypt/PBKDF2 hash
  /// Absent when the user gave none. Unique across users, compared
  /// case-insensitively in ASCII (`Bob@Example.com` is `bob@example.com`);
  /// other characters are compared byte for byte.
  std::optional<std::string> email;
  std::int64_t created_at = 0;             ///< Unix seconds, set by the caller (stores never read the clock)
  std::optional<std::string> full_name{};  ///< a display name, absent when none was given
  /// A disabled user cannot log in and has no active session: disabling
  /// revokes every session (UserStore::set_disabled()), and no session can
  /// be started for a disabled user.
  bool disabled = false;
  /// Role names, each 1 to 64 characters of an OAuth scope-token (printable
  /// ASCII other than space, `"` and `\`, RFC 6749 §3.3). The Authenticator
  /// maps them to scopes. Default: the one role `user`.
  std::set<std::string> roles{"user"};
};

/// What may be shown of a user (DESIGN §6 `authctl user show`, §7
/// `/users/me`): `{"username","email","full_name","disabled","roles"}` in
/// that order, `email` and `full_name` null when absent, `roles` an array.
/// Never the password hash.
AUTHCORE_API nlohmann::ordered_json profile_json(const User& user);

/// A session: one refresh-token family (RFC 9700 §4.14.2). At any time
/// exactly one refresh token of the family is live, named by its `jti`;
/// every earlier one is spent and stays remembered until the session is
/// purged, so that a replay is detected.
struct Session {
  std::string session_id;       ///< the key; also the `sid` claim of the session's tokens
  std::string username;         ///< the owner
  std::string current_jti;      ///< the one refresh `jti` that UserStore::rotate() accepts
  std::int64_t expires_at = 0;  ///< Unix seconds; the session is usable while now <= expires_at
  bool revoked = false;         ///< set by logout, reuse detection, a password change or revoke_all_sessions()
  /// The scope granted at login, space-separated (RFC 6749 §3.3), which
  /// refreshes re-issue. Absent for sessions started before scopes existed
  /// (schema version 1): those get their user's scopes.
  std::optional<std::string> scope{};

  /// Unix seconds when the session started (login). Sessions from before
  /// schema version 3 count as started when the store was upgraded.
  std::int64_t created_at = 0;
  /// Unix seconds of the last rotation (refresh), created_at before the
  /// first: the session's last activity for the inactivity timeout, and the
  /// `iat` of its current token pair.
  std::int64_t last_refreshed_at = 0;
  /// The refresh jti that the last rotation spent, absent before the first:
  /// presented again within the reuse interval it gets the current pair
  /// back (UserStore::rotate()).
  std::optional<std::string> previous_jti{};
  /// What the current pair was issued from, recorded by rotate() so that
  /// the pair can be issued again byte for byte (tokens are never stored):
  /// its access token's `jti` (empty before the first rotation), that
  /// token's `exp`, and the scope granted to the pair.
  std::string access_jti{};
  std::int64_t access_expires_at = 0;  ///< see access_jti
  std::string pair_scope{};            ///< see access_jti
  std::string client_address{};        ///< the client's address at login, as given (may be empty)
  std::string user_agent{};            ///< the client's User-Agent at login, as given (may be empty)

  /// Not revoked and not expired at `now` (Unix seconds).
  [[nodiscard]] bool is_active(std::int64_t now) const noexcept { return !revoked && now <= expires_at; }
  /// is_active(), and, when `inactivity_timeout` is positive, refreshed
  /// (or started) at most that long before `now`.
  [[nodiscard]] bool is_live(std::int64_t now, std::chrono::seconds inactivity_timeout) const noexcept {
    return is_active(now) && (inactivity_timeout.count() <= 0 || now - last_refreshed_at <= inactivity_timeout.count());
  }
};

/// A session to start (UserStore::create_session()).
struct SessionStart {
  std::string_view username;           ///< the owner
  std::string_view session_id;         ///< the new session's id
  std::string_view first_refresh_jti;  ///< its first live refresh token
  std::int64_t expires_at = 0;         ///< Unix seconds; the session's absolute end
  std::string_view scope{};            ///< the space-separated scope granted; default none
  std::int64_t created_at = 0;         ///< Unix seconds, now (stores never read the clock)
  std::string_view client_address{};   ///< the client's address; default unknown (empty)
  std::string_view user_agent{};       ///< the client's User-Agent, already sanitised by the caller; default empty
};

/// A refresh-token rotation to attempt (UserStore::rotate()): the token
/// presented, the pair that replaces it, and the rules that apply.
struct RotationRequest {
  std::string_view session_id;              ///< the `sid` of the presented token
  std::string_view presented_jti;           ///< the `jti` of the presented refresh token
  std::string_view next_jti;                ///< the new pair's refresh `jti`
  std::string_view next_access_jti{};       ///< the new pair's access `jti`, recorded for re-issue
  std::int64_t next_access_expires_at = 0;  ///< the new pair's access `exp`, recorded for re-issue
  std::string_view next_scope{};            ///< the new pair's scope, recorded for re-issue
  std::int64_t now = 0;                     ///< Unix seconds; also recorded as the last refresh
  /// How long the token just rotated away stays answerable with the current
  /// pair. Default 0: never (any spent token revokes the session).
  std::chrono::seconds reuse_interval{0};
  /// A session not refreshed for this long is over. Default 0: no limit.
  std::chrono::seconds inactivity_timeout{0};
};

/// What may be shown of one of a user's sessions (Authenticator::sessions(),
/// `GET /sessions`, `authctl sessions list`): never its refresh or access
/// jtis.
struct SessionInfo {
  std::string session_id;              ///< the session's id (the `sid` of its tokens)
  std::int64_t created_at = 0;         ///< Unix seconds, at login
  std::int64_t last_refreshed_at = 0;  ///< Unix seconds of the last refresh (created_at before the first)
  std::int64_t expires_at = 0;         ///< Unix seconds; the session's absolute end
  std::string client_address;          ///< the address it logged in from, or empty
  std::string user_agent;              ///< the User-Agent it logged in with, or empty
  bool current = false;                ///< whether it is the session of the token that asked
};

/// The parts of `session` that may be shown; `current` as given.
AUTHCORE_API SessionInfo session_info(const Session& session, bool current = false);

/// `{"id","created_at","last_refreshed_at","expires_at","client_address",
/// "user_agent","current"}` in that order, the times in Unix seconds, the
/// client address and user agent null when unknown (empty).
AUTHCORE_API nlohmann::ordered_json session_json(const SessionInfo& session);

/// Where users and sessions live. Every method is thread-safe, never throws,
/// and reports store failures as errors: store_unavailable (the database
/// cannot be reached or was shut down), store_busy (it stayed locked, or no
/// connection became free, past the configured timeout), store_full (disk
/// or quota full) and store_error (I/O error, corruption, an unexpected
/// constraint). A store failure is never reported as not_found and never as
/// success: callers fail closed on any error.
///
/// Times are Unix seconds passed in by the caller: stores never read the
/// system clock. A session is active while `now <= expires_at`, the same
/// rule as a JWT `exp` with zero leeway (RFC 7519 §4.1.4).
///
/// Text arguments (usernames, hashes, e-mail addresses, session ids, jtis)
/// must be well-formed UTF-8 without NUL bytes, and keys (usernames, session
/// ids, jtis) must not be empty; otherwise the call fails with
/// invalid_argument before the backend sees it. This is what lets every
/// backend store text verbatim (a PostgreSQL `text` cannot hold a NUL byte);
/// it is not a username policy.
///
/// Backends implement the private `do_` functions; the public functions
/// check arguments and then call them (the non-virtual interface idiom), so
/// every backend refuses the same inputs.
class AUTHCORE_API UserStore {
 public:
  virtual ~UserStore();
  UserStore(const UserStore&) = delete;
  UserStore& operator=(const UserStore&) = delete;

  // ---- users ----

  /// Adds a user. Fails with conflict when the username or the e-mail
  /// address is taken (the message says which); the existing user is never
  /// overwritten. Fails with invalid_argument for a role name outside the
  /// rule of User::roles.
  Result<void> create_user(const User& user);

  /// Adds all of `users` in one transaction, or none of them: fails with
  /// conflict (naming the first username or e-mail address taken, in the
  /// store or earlier in `users`) or invalid_argument as create_user()
  /// does, and then nothing was added. Returns how many were added.
  Result<std::size_t> import_users(const std::vector<User>& users);

  /// The user with exactly this username; not_found when there is none.
  Result<User> find_user(std::string_view username) const;

  /// The user whose e-mail address is `email`, compared case-insensitively
  /// in ASCII; not_found when there is none.
  Result<User> find_user_by_email(std::string_view email) const;

  /// Every user, ordered by username (byte order).
  Result<std::vector<User>> list_users() const;

  /// Disables or enables a user. Disabling revokes every session of the
  /// user in the same transaction, so none of their tokens works any more;
  /// enabling revokes nothing and restores nothing (the user logs in
  /// again). not_found when there is no such user.
  Result<void> set_disabled(std::string_view username, bool disabled);

  /// Replaces the user's roles. Fails with invalid_argument for a role name
  /// outside the rule of User::roles, not_found when there is no such user.
  /// Sessions keep the scope they were granted until their next refresh,
  /// which grants no scope the new roles do not.
  Result<void> set_roles(std::string_view username, const std::set<std::string>& roles);

  /// Compare-and-set of the password hash: replaces it with `new_hash` only
  /// when the stored hash is still `expected_hash`. Fails with conflict when
  /// it is not (another writer changed it first) and with not_found when
  /// there is no such user.
  Result<void> update_password_hash(std::string_view username, std::string_view expected_hash,
                                    std::string_view new_hash);

  /// Removes the user and all their sessions (with their refresh tokens),
  /// so every refresh and access token of theirs stops working. not_found
  /// when there is no such user. A user later created with the same name
  /// does not inherit anything.
  Result<void> delete_user(std::string_view username);

  // ---- sessions (refresh-token families) ----

  /// Starts a session for an existing user with its first refresh token
  /// `first_refresh_jti`, recording `scope`, the space-separated scope it
  /// was granted (default none). Fails with not_found when the user does not
  /// exist, account_disabled when the user is disabled (checked atomically
  /// with set_disabled(), so no session of a disabled user is ever active),
  /// and with conflict when `session_id` or `first_refresh_jti` is already
  /// in use (jtis are unique across the whole store).
  Result<void> create_session(std::string_view username, std::string_view session_id,
                              std::string_view first_refresh_jti, std::int64_t expires_at, std::string_view scope = {});

  /// create_session() with what else a session records: when it started
  /// (its first activity) and the client's address and User-Agent, for
  /// list_sessions(). Fails as above, and with invalid_argument for a
  /// negative created_at. The overload above records created_at 0 and no
  /// client: with an inactivity timeout such a session is over at once
  /// until its first rotation, so callers that apply one use this one.
  Result<void> create_session(const SessionStart& start);

  /// Refresh-token rotation (RFC 9700 §4.14.2), atomically: when
  /// `presented_jti` is the session's live refresh token and the session is
  /// active at `now`, it becomes spent, `next_jti` becomes the live one, and
  /// the session is returned as it is now (same `expires_at`: rotation does
  /// not extend a session). This succeeds once per jti, also when several
  /// threads, processes or service instances present it at the same moment.
  ///
  /// Anything else fails with revoked and, where the session exists, revokes
  /// it: a spent jti presented again (reuse: the token was stolen or
  /// replayed, so the whole family is killed, including the refresh token
  /// that replaced it), a jti that never belonged to the session, or a
  /// revoked or expired session. An unknown session id (never created,
  /// purged, or its user deleted) also gives revoked: to the caller it is
  /// indistinguishable from a revoked one. Fails with conflict, spending
  /// nothing, when `next_jti` is already in use.
  Result<Session> rotate(std::string_view session_id, std::string_view presented_jti, std::string_view next_jti,
                         std::int64_t now);

  /// rotate() with a reuse interval, an inactivity timeout, and a record of
  /// the new pair (Session::access_jti), decided in one transaction with
  /// the rotation, under the session's lock:
  ///  - the live jti of a live session (Session::is_live() with
  ///    `inactivity_timeout`) rotates as above; the session records
  ///    `presented_jti` as previous_jti, `now` as last_refreshed_at, and the
  ///    new pair's access jti, expiry and scope;
  ///  - previous_jti, presented while `now < last_refreshed_at +
  ///    reuse_interval` to a live session, changes nothing and returns the
  ///    session, whose current_jti is then not `next_jti`: the caller issues
  ///    the current pair again. Every presenter in the interval gets the
  ///    same answer, however many race;
  ///  - anything else revokes the session and fails with revoked (reuse, a
  ///    foreign jti, a revoked, expired or inactive session).
  /// Fails with conflict, spending nothing, when `next_jti` is in use, and
  /// with invalid_argument for a negative interval or timeout.
  Result<Session> rotate(const RotationRequest& rotation);

  /// The session as stored (revoked or expired ones included); not_found
  /// when there is none.
  Result<Session> find_session(std::string_view session_id) const;

  /// Revokes a session (logout). Revoking a revoked session succeeds;
  /// not_found when there is no such session.
  Result<void> revoke_session(std::string_view session_id);

  /// Revokes every session of `username` except `except_session_id` (empty:
  /// none is kept), e.g. after a password change. Returns how many sessions
  /// this call revoked (ones already revoked are not counted). not_found
  /// when there is no such user.
  Result<std::size_t> revoke_all_sessions(std::string_view username, std::string_view except_session_id = {});

  /// The user's live sessions at `now` (Session::is_live() with
  /// `inactivity_timeout`), oldest first (by created_at, then session id).
  /// An unknown user has none (not an error).
  Result<std::vector<Session>> list_sessions(std::string_view username, std::int64_t now,
                                             std::chrono::seconds inactivity_timeout = std::chrono::seconds{0}) const;

  /// The username of the session's owner when the session exists, is not
  /// revoked, `now <= expires_at` and the owner is not disabled; nullopt
  /// otherwise (not an error). The Authenticator's hot path: one lookup
  /// answers both "is the session active" and "is it the token's user's".
  Result<std::optional<std::string>> active_session_owner(std::string_view session_id, std::int64_t now) const;

  /// True when active_session_owner() names an owner.
  Result<bool> is_session_active(std::string_view session_id, std::int64_t now) const;

  /// Deletes the sessions (revoked or not) that expired before `now`
  /// (`expires_at < now`), and, when `inactivity_timeout` is positive, those
  /// not refreshed for longer than it (`last_refreshed_at +
  /// inactivity_timeout < now`), together with their spent refresh jtis,
  /// which nothing needs once the session is over. Returns how many
  /// sessions were deleted. Run it periodically; nothing else removes
  /// sessions. Fails with invalid_argument for a negative timeout.
  Result<std::size_t> purge_expired(std::int64_t now,
                                    std::chrono::seconds inactivity_timeout = std::chrono::seconds{0});

  /// A cheap round trip to the database, for health checks (`/healthz`).
  Result<void> ping() const;

  /// How long, by default, a process may trust a cached "this session is
  /// active" answer from this store while session_changes() stays the same
  /// (DESIGN §5): zero for the memory store, whose lookups cost no more
  /// than the cache's, one second for SQLite and PostgreSQL, which hear of
  /// every revocation (so the bound only covers sessions that end by
  /// reaching their expires_at). The Authenticator uses it unless told
  /// otherwise.
  std::chrono::milliseconds default_session_cache_staleness() const noexcept;

  /// The store's change generation (see SessionChanges): this object's own
  /// revoking writes (set_disabled, set_roles, update_password_hash,
  /// delete_user, a refused rotate, revoke_session, revoke_all_sessions,
  /// purge_expired) move it before they return, whatever their outcome;
  /// a backend that hears of other processes' writes moves it for those too.
  SessionChanges session_changes() const noexcept;

  /// How many calls of this store have failed with a store error
  /// (store_unavailable, store_busy, store_full, store_error) since it was
  /// made, for monitoring: authcore-server exports it as
  /// `authcore_store_errors_total`. Refused arguments and answers such as
  /// not_found, conflict or revoked are not failures of the store.
  [[nodiscard]] std::uint64_t store_failures() const noexcept;

 protected:
  UserStore() = default;

 private:
  // `result`, counted in store_failures_ when it is a store error.
  template <class T>
  Result<T> counted(Result<T> result) const;

  // `result`, after recording that sessions or users may have changed.
  template <class T>
  Result<T> changed(Result<T> result);

  mutable std::atomic<std::uint64_t> store_failures_{0};
  std::atomic<std::uint64_t> own_changes_{0};

  virtual Result<void> do_create_user(const User& user) = 0;
  virtual Result<std::size_t> do_import_users(const std::vector<User>& users) = 0;
  virtual Result<User> do_find_user(std::string_view username) const = 0;
  virtual Result<User> do_find_user_by_email(std::string_view email) const = 0;
  virtual Result<std::vector<User>> do_list_users() const = 0;
  virtual Result<void> do_set_disabled(std::string_view username, bool disabled) = 0;
  virtual Result<void> do_set_roles(std::string_view username, const std::set<std::string>& roles) = 0;
  virtual Result<void> do_update_password_hash(std::string_view username, std::string_view expected_hash,
                                               std::string_view new_hash) = 0;
  virtual Result<void> do_delete_user(std::string_view username) = 0;
  virtual Result<void> do_create_session(const SessionStart& start) = 0;
  virtual Result<Session> do_rotate(const RotationRequest& rotation) = 0;
  virtual Result<Session> do_find_session(std::string_view session_id) const = 0;
  virtual Result<void> do_revoke_session(std::string_view session_id) = 0;
  virtual Result<std::size_t> do_revoke_all_sessions(std::string_view username, std::string_view except_session_id) = 0;
  virtual Result<std::vector<Session>> do_list_sessions(std::string_view username, std::int64_t now,
                                                        std::chrono::seconds inactivity_timeout) const = 0;
  virtual Result<std::optional<std::string>> do_active_session_owner(std::string_view session_id,
                                                                     std::int64_t now) const = 0;
  virtual Result<std::size_t> do_purge_expired(std::int64_t now, std::chrono::seconds inactivity_timeout) = 0;
  virtual Result<void> do_ping() const = 0;
  virtual std::chrono::milliseconds do_default_session_cache_staleness() const noexcept;
  /// Other processes' changes, as far as the backend hears of them; the
  /// default hears of none: {0, true}.
  virtual SessionChanges do_session_changes() const noexcept;
};

}  // namespace authcore

#endif  // AUTHCORE_USER_STORE_HPP
