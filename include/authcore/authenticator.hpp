// authcore/authenticator.hpp: sign-up, login, refresh-token rotation,
// logout and per-request authentication, on a UserStore.
#ifndef AUTHCORE_AUTHENTICATOR_HPP
#define AUTHCORE_AUTHENTICATOR_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "authcore/claims.hpp"
#include "authcore/clock.hpp"
#include "authcore/export.hpp"
#include "authcore/hash_gate.hpp"
#include "authcore/hmac_key.hpp"
#include "authcore/login_throttle.hpp"
#include "authcore/password_hasher.hpp"
#include "authcore/result.hpp"
#include "authcore/scope.hpp"
#include "authcore/secret.hpp"
#include "authcore/user_store.hpp"

namespace authcore {

/// What login() and refresh() hand out (RFC 6749 §5.1).
struct TokenPair {
  std::string access_token;            ///< an `at+jwt`, for `Authorization: Bearer`
  std::string refresh_token;           ///< an `rt+jwt`, spent by refresh()
  std::chrono::seconds expires_in{0};  ///< the access token's lifetime
  /// The scope granted, space-separated and sorted (RFC 6749 §5.1 `scope`):
  /// also the access token's `scope` claim (RFC 9068 §2.2.3). May be empty.
  std::string scope;
};

/// Which sessions logout() ends (GoTrue's logout scopes).
enum class LogoutScope : std::uint8_t {
  local,   ///< the session of the access token (the default)
  others,  ///< every session of the user but that one
  global,  ///< every session of the user
};

/// "local", "others" or "global".
AUTHCORE_API std::string_view to_string(LogoutScope scope) noexcept;
/// The scope named `name` exactly (lower case), or nullopt.
AUTHCORE_API std::optional<LogoutScope> parse_logout_scope(std::string_view name) noexcept;

/// Who is logging in, as the host sees the request: recorded with the
/// session (SessionInfo) and, for the address, used by the login throttle.
struct ClientInfo {
  std::string_view address{};     ///< the client's address; empty when unknown
  std::string_view user_agent{};  ///< its `User-Agent` header; empty when none. Stored sanitised (see login())
};

/// What a security event reports (DESIGN §5), for the host's audit log.
enum class SecurityEventKind : std::uint8_t {
  signup,            ///< a user was created
  login_success,     ///< a password login succeeded
  login_failure,     ///< unknown user or wrong password
  login_throttled,   ///< a login was refused by the LoginThrottle
  refresh,           ///< a refresh token was rotated
  refresh_reuse,     ///< a spent, foreign or revoked refresh token was presented: its session is now dead
  logout,            ///< a session was ended
  password_changed,  ///< a password was changed and the user's other sessions revoked
};

/// The enumerator name, e.g. "refresh_reuse".
AUTHCORE_API std::string_view to_string(SecurityEventKind kind) noexcept;

/// One security event. The views are valid only during the callback.
struct SecurityEvent {
  SecurityEventKind kind;       ///< what happened
  std::string_view username;    ///< as presented (for failures, possibly no user at all)
  std::string_view client;      ///< the client address the caller passed, or empty
  std::string_view session_id;  ///< the session concerned, or empty
  std::int64_t at = 0;          ///< Unix seconds
};

/// How an Authenticator behaves. Every field documents its default.
struct AuthenticatorOptions {
  /// Access-token lifetime. Default 15 minutes.
  std::chrono::seconds access_ttl{15 * 60};
  /// Session (refresh-token family) lifetime; rotation does not extend it.
  /// Default 14 days.
  std::chrono::seconds refresh_ttl{14 * 24 * 60 * 60};
  /// Written as `iss` into every token and required when verifying. Default none.
  std::optional<std::string> issuer;
  /// Written as `aud` into every token and required when verifying. Default none.
  std::optional<std::string> audience;
  /// How new passwords are hashed. Default PasswordPolicy::interactive().
  PasswordPolicy password_policy = PasswordPolicy::interactive();
  /// Where password work runs. Default: a HashGate of its own with
  /// HashGateOptions{}. Share one to bound all password work of a process.
  std::shared_ptr<HashGate> hash_gate;
  /// Failed-login throttling. Default: an InMemoryLoginThrottle with
  /// LoginThrottleOptions{}.
  std::shared_ptr<LoginThrottle> login_throttle;
  /// How long authenticate() may trust a cached "session is active" while
  /// the store's UserStore::session_changes() stays the same. Default: the
  /// store's UserStore::default_session_cache_staleness() (0 for memory,
  /// 1 s for SQLite and PostgreSQL). Every revocation moves the change
  /// generation, so this bounds only sessions that end by reaching their
  /// expiry. Risk: such a session's access token is accepted here up to
  /// this long after the session ended; with a custom store that hears
  /// nothing of other processes, their revocations take as long.
  std::optional<std::chrono::milliseconds> session_cache_staleness;
  /// Accept access tokens without a session id (`sid`), such as those of an
  /// app being migrated to authcore (PyJWT tokens signed with the same key):
  /// authenticate() then checks the token and that its user (`sub`) exists
  /// and is not disabled (one store lookup per request). Default false.
  /// Risk: such a token cannot be revoked by logout; short of deleting or
  /// disabling its user it is good until its `exp`. Turn it on for a
  /// migration window no longer than the old tokens' lifetime.
  bool accept_tokens_without_session = false;
  /// Sessions whose state is cached at most. Default 65,536.
  std::size_t session_cache_capacity = 65'536;
  /// How long the refresh token that a refresh just replaced stays
  /// answerable: presented again less than this after its rotation, it
  /// returns the session's current pair (the same pair, byte for byte,
  /// every time) instead of revoking the session, so that a response lost
  /// on the network or two tabs refreshing at once cost nothing. Default 0:
  /// every spent token revokes its session (RFC 9700 §4.14.2). Risk: a
  /// thief who replays a stolen refresh token within the interval gets the
  /// current pair too, and the session is not revoked. GoTrue uses 10 s.
  /// Must not be negative (the constructor throws std::invalid_argument).
  std::chrono::seconds refresh_reuse_interval{0};
  /// A session not refreshed for this long ends: refresh() refuses it with
  /// revoked (and revokes it), and its access tokens are issued to expire
  /// no later than this after they were issued, so authenticate() refuses
  /// them by `exp` once the session is inactive, with no extra lookup.
  /// purge_expired() with the same timeout deletes such sessions. Default
  /// 0: off (only refresh_ttl ends a session). Must not be negative.
  std::chrono::seconds inactivity_timeout{0};
  /// Receives every security event, synchronously, on the thread that caused
  /// it. Keep it short; an exception it throws is swallowed. Default none.
  std::function<void(const SecurityEvent&)> on_security_event;
  /// The scopes each role grants (RFC 6749 §3.3): a user may be granted the
  /// union of their roles' scopes; a role not listed grants none. Default
  /// `user` → {`me`}, `admin` → {`me`, `admin`}. Every scope name must be 1
  /// to 64 characters of an RFC 6749 §3.3 scope-token (printable ASCII other
  /// than space, `"` and `\`); the constructor throws std::invalid_argument
  /// otherwise.
  std::map<std::string, ScopeSet> role_scopes{{"user", {"me"}}, {"admin", {"me", "admin"}}};
  /// Adds claims to every access token (not refresh tokens) from its user,
  /// at login and at each refresh: e.g. `{"email": ...}` or the roles. It
  /// returns a JSON object (or null for none). A registered claim (`sub`
  /// `exp` `iat` `nbf` `iss` `aud` `jti` `sid`, and `scope`, which carries
  /// the granted scope and so is never the hook's) makes the login or refresh
  /// fail with invalid_argument, as does another JSON value or an exception
  /// thrown by the hook: tokens are never issued with claims other than the
  /// ones asked for. Claims are readable by anyone holding the token: never
  /// add the password hash. Default none.
  std::function<nlohmann::json(const User&)> extra_claims;
};

/// Runs the whole authentication flow of a service on a UserStore (DESIGN §5):
///
///  - signup(): validates the username (3-64 of [A-Za-z0-9._-], or an
///    e-mail address), the password (PasswordHasher rules) and the e-mail
///    shape, hashes, creates the user with the role `user`;
///  - login(): by username or e-mail address, verifies the password,
///    rehashes it when the policy changed or it is a legacy bcrypt/PBKDF2
///    hash, starts a session with the granted scopes (RFC 6749 §3.3) and
///    returns a TokenPair. Unknown users cost the same as wrong passwords (a
///    dummy hash made at construction); failures are throttled per username
///    and per client address; a disabled account is refused;
///  - refresh(): rotates the refresh token (RFC 9700 §4.14.2): a spent one
///    presented again revokes the whole session, except the one just
///    rotated away within the reuse interval, which gets the current pair;
///  - logout(): revokes the access token's session (or the user's others,
///    or all), so their access and refresh tokens stop working; revoke()
///    does the same for either token (RFC 7009); sessions() and
///    end_session() list and end the user's own sessions;
///  - authenticate(): verifies an access token, that its session is active
///    and belongs to the token's user (`sub`), and that it carries the
///    scopes the request needs, for every request.
///
/// Password work (hashing and verifying) runs only on the HashGate's
/// threads; the *_async variants never block the caller on it, for event
/// loops. Thread-safe. The store, the clock and the gate must outlive it.
class AUTHCORE_API Authenticator {
 public:
  /// Makes the dummy hash for unknown users (one hash at the policy's cost).
  /// Throws std::system_error if its HashGate cannot start threads. `store`
  /// and `clock` must outlive the authenticator: it keeps references.
  Authenticator(UserStore& store, KeyRing keys, AuthenticatorOptions options = {},
                const Clock& clock = SystemClock::instance());
  /// Refused at compile time: a temporary clock would be destroyed while the
  /// authenticator still reads it. Keep the clock in a variable that
  /// outlives the authenticator.
  Authenticator(UserStore& store, KeyRing keys, AuthenticatorOptions options, const Clock&& clock) = delete;
  ~Authenticator();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  /// Creates a user with the role `user`. A username that is an e-mail
  /// address is also the account's e-mail address. Fails with
  /// invalid_argument (username, password or e-mail shape, see
  /// checked_account()), conflict (username or e-mail address taken: the
  /// message says which), overloaded (HashGate) or a store error.
  Result<User> signup(std::string_view username, std::string_view password,
                      std::optional<std::string_view> email = std::nullopt);

  /// The account rules of signup() (DESIGN §5), for tools that write users
  /// to a store themselves (authctl's `user add` and `user import`): the
  /// username is 3 to 64 characters of [A-Za-z0-9._-] (ASCII only, so that
  /// no two spellings look alike), or an e-mail address; the e-mail address,
  /// when given, is a plain ASCII `local@domain` (RFC 5322 atext local part,
  /// at most 254 characters). A username that is an e-mail address must be
  /// the account's address: `user` comes back with `email` set to it when
  /// none was given. Fails with invalid_argument (saying which rule), also
  /// for a username-address that differs from the e-mail given.
  static Result<User> checked_account(User user);

  /// A new session for a user who knows the password; `username` may also
  /// be the account's e-mail address (any ASCII case). The session is
  /// granted `requested_scopes` ∩ the scopes of the user's roles, or all of
  /// the latter when none are requested: a scope the user lacks is left out,
  /// not an error (RFC 6749 §3.3 lets the server issue fewer; the pair's
  /// `scope` says what was granted). Fails with invalid_credentials (unknown
  /// user or wrong password, deliberately indistinguishable),
  /// account_disabled (the right password for a disabled account),
  /// too_many_attempts (with retry_after), overloaded (with retry_after),
  /// invalid_argument (the extra_claims hook failed) or a store error.
  /// `client` (an address) feeds the per-client throttle; empty means unknown.
  Result<TokenPair> login(std::string_view username, std::string_view password, std::string_view client = {},
                          const ScopeSet& requested_scopes = {});

  /// login() recording `client`'s address and User-Agent with the session
  /// (sessions() lists them). The User-Agent is stored sanitised: bytes
  /// that are not well-formed UTF-8 and control characters become U+FFFD
  /// or are dropped, and it is cut to at most 256 bytes on a character
  /// boundary. Fails as login() does.
  Result<TokenPair> login(std::string_view username, std::string_view password, const ClientInfo& client,
                          const ScopeSet& requested_scopes = {});

  /// Spends `refresh_token` for a new pair in the same session, with the
  /// scope granted at login, or `requested_scopes` of it when asked
  /// (RFC 6749 §6: narrowing; a scope outside the grant is left out), and
  /// never a scope the user's current roles no longer give. Fails with a
  /// token code (malformed, expired, wrong_token_type, ...), revoked (the
  /// token was already spent, so the session is now dead; the session was
  /// revoked; its user was deleted or disabled; or the token's `sub` is not
  /// the session's user; the session was inactive for longer than
  /// inactivity_timeout), invalid_argument (the extra_claims hook failed),
  /// or a store error.
  ///
  /// With a refresh_reuse_interval, the token that the last refresh spent,
  /// presented again less than the interval after that refresh, returns
  /// the session's current pair instead: byte for byte the pair that
  /// refresh returned (the tokens are not stored; they are signed again
  /// from what the session recorded, and HS256 is deterministic), whatever
  /// `requested_scopes` says now, with no scope the user's roles no longer
  /// give and the extra_claims of the user as it is now. If the signing key
  /// changed in between (set_keys()), the pair is signed with the new key:
  /// different bytes, the same claims, and valid. Any older token, or that
  /// one after the interval, revokes the session as above.
  Result<TokenPair> refresh(std::string_view refresh_token, std::string_view client = {},
                            const ScopeSet& requested_scopes = {});

  /// Ends the session of `access_token`. Fails as authenticate() does.
  Result<void> logout(std::string_view access_token, std::string_view client = {});

  /// Ends the sessions `scope` names, as of the next request: `local` the
  /// session of `access_token`, `others` every other session of its user
  /// (this one goes on), `global` all of them. Fails as authenticate() does
  /// (the token must be good to end anything), with missing_claim for a
  /// token without a session, or a store error.
  Result<void> logout(std::string_view access_token, LogoutScope scope, std::string_view client = {});

  /// The live sessions (not revoked, expired or inactive) of the user of
  /// `access_token`, oldest first, the token's own marked current. Fails as
  /// authenticate() does, or with a store error.
  Result<std::vector<SessionInfo>> sessions(std::string_view access_token) const;

  /// Ends `session_id`, one of the sessions of the user of `access_token`
  /// (its own included); one of theirs that has ended already is success,
  /// as a repeated DELETE is. Fails as authenticate() does, with not_found for a
  /// session that is not that user's or does not exist (the two are not
  /// told apart: other users' sessions are not revealed), or a store error.
  Result<void> end_session(std::string_view access_token, std::string_view session_id, std::string_view client = {});

  /// Ends the session of `token`, an access or a refresh token, whichever it
  /// is (RFC 7009 §2.1: its `typ` says which), so that both tokens of the
  /// session stop working. A spent refresh token still names its session; a
  /// session that has ended already is success. Unlike logout() it does not
  /// require the session to be active. Fails with the token code of the
  /// check for its type (malformed, invalid_signature, expired, ...),
  /// missing_claim for a token without a session (see
  /// AuthenticatorOptions::accept_tokens_without_session: it cannot be
  /// revoked), or a store error. A revocation endpoint answers 200 to the
  /// token failures too (RFC 7009 §2.2).
  Result<void> revoke(std::string_view token, std::string_view client = {});

  /// The claims of `access_token` when it verifies, its session is active
  /// and belongs to the token's user (`sub`), and that user exists and is
  /// not disabled (a logged-out token, or one of a disabled or deleted user,
  /// is revoked at once here, and within milliseconds when another process
  /// sharing the database did it: docs/authenticator.md). Fails with a token code, revoked, or a store error (fails
  /// closed: never success on a session it could not check).
  Result<Claims> authenticate(std::string_view access_token) const;

  /// authenticate(), and then every scope of `required_scopes` must be in
  /// the token's `scope` claim (RFC 9068 §2.2.3); otherwise
  /// insufficient_scope (RFC 6750 §3.1). A token without a `scope` claim
  /// (issued before scopes existed, or by an app being migrated) has the
  /// scopes of its user's roles.
  Result<Claims> authenticate(std::string_view access_token, const ScopeSet& required_scopes) const;

  /// Replaces a password after checking the old one (throttled like a
  /// login), and revokes every session of the user except `keep_session_id`.
  /// Fails like login() and signup(), and with conflict when the password
  /// changed concurrently.
  Result<void> change_password(std::string_view username, std::string_view old_password, std::string_view new_password,
                               std::string_view keep_session_id = {}, std::string_view client = {});

  /// signup() without blocking: `done` is called exactly once, on a HashGate
  /// thread after the work, or before this returns when it is refused at
  /// once (invalid_argument, overloaded).
  void signup_async(std::string username, SecretBytes password, std::optional<std::string> email,
                    std::function<void(Result<User>)> done);
  /// login() without blocking; `done` is called as for signup_async(). The
  /// LoginThrottle is asked on the HashGate thread, before any password
  /// work, so that a throttle in a database never blocks the caller.
  void login_async(std::string username, SecretBytes password, std::string client,
                   std::function<void(Result<TokenPair>)> done);
  /// login() with requested scopes, without blocking, as above.
  void login_async(std::string username, SecretBytes password, std::string client, ScopeSet requested_scopes,
                   std::function<void(Result<TokenPair>)> done);
  /// login() with the client's User-Agent and requested scopes, without
  /// blocking, as above.
  void login_async(std::string username, SecretBytes password, std::string client, std::string user_agent,
                   ScopeSet requested_scopes, std::function<void(Result<TokenPair>)> done);

  /// The options in force (defaults resolved).
  const AuthenticatorOptions& options() const noexcept;

  /// Key rotation: from now on tokens are signed with `keys.current()`, and
  /// a token verifies only with a key of `keys`, so the tokens of a key
  /// left out fail (unknown_key, or invalid_signature for a token without
  /// `kid`) while sessions and the tokens of every kept key stay good.
  /// Thread-safe, also while other threads run any member: a call already
  /// under way finishes with the keys it began with. Verifying takes no lock
  /// for it: each thread keeps the keys it last used and takes a lock once
  /// after each set_keys(). Until a thread next authenticates (or ends), it
  /// may keep replaced keys in memory.
  void set_keys(KeyRing keys);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace authcore

#endif  // AUTHCORE_AUTHENTICATOR_HPP
