#include "authcore/authenticator.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "account/account_rules.hpp"
#include "account/published.hpp"
#include "account/session_cache.hpp"
#include "authcore/token_issuer.hpp"
#include "authcore/token_verifier.hpp"
#include "detail/ascii_names.hpp"
#include "detail/random_id.hpp"
#include "detail/utf8.hpp"

namespace authcore {

std::string_view to_string(SecurityEventKind kind) noexcept {
  switch (kind) {
    case SecurityEventKind::signup: return "signup";
    case SecurityEventKind::login_success: return "login_success";
    case SecurityEventKind::login_failure: return "login_failure";
    case SecurityEventKind::login_throttled: return "login_throttled";
    case SecurityEventKind::refresh: return "refresh";
    case SecurityEventKind::refresh_reuse: return "refresh_reuse";
    case SecurityEventKind::logout: return "logout";
    case SecurityEventKind::password_changed: return "password_changed";
  }
  return "unknown";
}

std::string_view to_string(LogoutScope scope) noexcept {
  switch (scope) {
    case LogoutScope::local: return "local";
    case LogoutScope::others: return "others";
    case LogoutScope::global: return "global";
  }
  return "unknown";
}

std::optional<LogoutScope> parse_logout_scope(std::string_view name) noexcept {
  for (const LogoutScope scope : {LogoutScope::local, LogoutScope::others, LogoutScope::global}) {
    if (name == to_string(scope)) return scope;
  }
  return std::nullopt;
}

namespace {

Error invalid_credentials() { return Error{ErrorCode::invalid_credentials, "incorrect username or password"}; }
Error revoked(const char* why) { return Error{ErrorCode::revoked, why}; }
Error invalid_hook(std::string why) { return Error{ErrorCode::invalid_argument, "extra_claims: " + std::move(why)}; }

// RFC 6749 §3.3: scope names are sent space-separated, so one holding a
// space (or a quote, which RFC 6750 §3 challenges cannot carry) would be
// read as something else.
void check_role_scopes(const std::map<std::string, ScopeSet>& role_scopes) {
  for (const auto& [role, scopes] : role_scopes) {
    for (const auto& scope : scopes) {
      if (!detail::is_valid_scope_name(scope)) {
        std::string message = "role_scopes: scope \"";
        message.append(scope).append("\" of role \"").append(role);
        message += "\" is not an RFC 6749 scope-token of 1 to 64 characters";
        throw std::invalid_argument(message);
      }
    }
  }
}

// What a request for `requested` out of `available` gets: all of it when
// nothing is requested, else the intersection (RFC 6749 §3.3 lets the
// server grant less than asked; the response says what it granted).
ScopeSet granted(const ScopeSet& available, const ScopeSet& requested) {
  if (requested.empty()) return available;
  ScopeSet both;
  std::set_intersection(available.begin(), available.end(), requested.begin(), requested.end(),
                        std::inserter(both, both.end()));
  return both;
}

// A throttle counts failures per login name. E-mail addresses are matched
// in any ASCII case, so they are counted folded: otherwise each spelling
// (Bob@, bOb@, ...) would get fresh attempts.
std::string throttle_key(std::string_view login) {
  return detail::is_email_login(login) ? detail::ascii_lower(login) : std::string(login);
}

void check_not_negative(std::chrono::seconds duration, const char* name) {
  if (duration.count() < 0) throw std::invalid_argument(std::string(name) + " must not be negative");
}

AuthenticatorOptions resolved(AuthenticatorOptions options, const UserStore& store) {
  check_role_scopes(options.role_scopes);
  check_not_negative(options.refresh_reuse_interval, "refresh_reuse_interval");
  check_not_negative(options.inactivity_timeout, "inactivity_timeout");
  if (!options.hash_gate) options.hash_gate = std::make_shared<HashGate>();
  if (!options.login_throttle) options.login_throttle = std::make_shared<InMemoryLoginThrottle>();
  if (!options.session_cache_staleness) options.session_cache_staleness = store.default_session_cache_staleness();
  return options;
}

VerifyOptions verify_options(const AuthenticatorOptions& options, TokenType type, std::vector<std::string> required) {
  VerifyOptions verify;
  verify.issuer = options.issuer;
  verify.audience = options.audience;
  verify.expected_type = type;
  verify.required_claims = std::move(required);
  return verify;
}

// A User-Agent is kept for people to read in a session list: at most 256
// bytes of well-formed UTF-8 without control characters, so that no client
// can store megabytes, terminal escapes or bytes a PostgreSQL text refuses.
constexpr std::size_t kMaxUserAgentBytes = 256;
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

std::string sanitized_user_agent(std::string_view raw) {
  std::string clean;
  for (std::size_t at = 0; at < raw.size();) {
    const auto byte = static_cast<unsigned char>(raw[at]);
    std::size_t length = byte < 0x80 ? 1 : detail::utf8_sequence_length(raw.data() + at, raw.size() - at);
    std::string_view piece = raw.substr(at, length);
    if (length == 0) {
      length = 1;
      piece = kReplacementCharacter;
    } else if (byte < 0x20 || byte == 0x7F) {
      piece = {};
    }
    if (clean.size() + piece.size() > kMaxUserAgentBytes) break;
    clean += piece;
    at += length;
  }
  return clean;
}

// What one token pair is issued from: the refresh and access jtis, the
// `iat` of both, and the `exp` of each (the refresh token's is the
// session's end). The same spec gives the same pair byte for byte.
struct PairSpec {
  std::string refresh_jti;
  std::string access_jti;
  std::int64_t issued_at;
  std::int64_t access_expires_at;
  std::int64_t session_expires_at;
};

// The issuer and the two verifiers of one KeyRing, replaced together by
// Authenticator::set_keys().
struct Signing {
  TokenIssuer issuer;
  TokenVerifier access_verifier;
  TokenVerifier refresh_verifier;
};

}  // namespace

class Authenticator::Impl {
 public:
  Impl(UserStore& store, KeyRing keys, AuthenticatorOptions options, const Clock& clock)
      : store_(store),
        clock_(clock),
        options_(resolved(std::move(options), store)),
        hasher_(options_.password_policy),
        signing_(make_signing(std::move(keys))),
        dummy_hash_(make_dummy_hash()),
        sessions_(*options_.session_cache_staleness, options_.session_cache_capacity) {}

  const AuthenticatorOptions& options() const noexcept { return options_; }

  void set_keys(KeyRing keys) { signing_.publish(make_signing(std::move(keys))); }

  // ---- sign-up ----

  // The new user, not yet hashed; the account rules and the password rules.
  Result<User> check_signup(std::string username, std::string_view password, std::optional<std::string> email) const {
    User user;
    user.username = std::move(username);
    user.email = std::move(email);
    auto account = detail::checked_account(std::move(user));
    if (!account) return account;
    if (auto valid = hasher_.validate_password(password); !valid) return valid.error();
    return account;
  }

  // Runs on a HashGate thread.
  Result<User> create_user(User user, std::string_view password) {
    auto hash = hasher_.hash(password);
    if (!hash) return hash.error();
    user.password_hash = std::move(*hash);
    user.created_at = clock_.unix_seconds();
    if (auto created = store_.create_user(user); !created) return created.error();
    emit(SecurityEventKind::signup, user.username, {}, {});
    return user;
  }

  // ---- login ----

  // Before any password work: is this attempt allowed at all?
  Result<void> admit_login(std::string_view login, std::string_view client) {
    const auto wait = options_.login_throttle->check(throttle_key(login), client, clock_.now());
    if (wait.count() == 0) return {};
    emit(SecurityEventKind::login_throttled, login, client, {});
    return Error{ErrorCode::too_many_attempts, "too many failed logins; try again later", wait};
  }

  // The account a login name names: by e-mail address when it has an '@'
  // (a username with one is its account's address), else by username.
  // Names that no account can have are not_found without a lookup.
  Result<User> find_account(std::string_view login) const {
    if (detail::is_email_login(login)) {
      if (detail::is_valid_email(login)) return store_.find_user_by_email(login);
    } else if (detail::is_valid_username(login)) {
      return store_.find_user(login);
    }
    return Error{ErrorCode::not_found, "no such user"};
  }

  // Runs on a HashGate thread. An unknown user is checked against the dummy
  // hash, so both failures cost one verification at the policy. The
  // disabled flag is looked at only once the password matched, so that it
  // is not revealed to someone guessing.
  Result<User> check_password(std::string_view login, std::string_view password, std::string_view client) {
    Result<User> user = find_account(login);
    if (!user && user.error().code != ErrorCode::not_found) return user.error();  // fail closed
    const bool matches = hasher_.verify(password, user ? user->password_hash : dummy_hash_) == PasswordCheck::match;
    if (!user || !matches) {
      options_.login_throttle->record_failure(throttle_key(login), client, clock_.now());
      emit(SecurityEventKind::login_failure, login, client, {});
      return invalid_credentials();
    }
    if (user->disabled) {
      emit(SecurityEventKind::login_failure, login, client, {});
      return Error{ErrorCode::account_disabled, "the account is disabled"};
    }
    options_.login_throttle->record_success(throttle_key(login), client, clock_.now());
    return user;
  }

  // Runs on a HashGate thread.
  Result<TokenPair> login(std::string_view login, std::string_view password, const ClientInfo& client,
                          const ScopeSet& requested) {
    auto user = check_password(login, password, client.address);
    if (!user) return user.error();
    upgrade_hash(*user, password);
    const std::string scope = scope_string(granted(scopes_of(*user), requested));
    auto claims = access_claims(*user, scope);
    if (!claims) return claims.error();
    auto session = start_session(user->username, {*claims, scope}, client);
    if (session) emit(SecurityEventKind::login_success, user->username, client.address, session->second);
    if (!session) return session.error();
    return std::move(session->first);
  }

  // ---- refresh, logout, authenticate ----

  Result<TokenPair> refresh(std::string_view refresh_token, std::string_view client, const ScopeSet& requested) {
    const auto claims = verify_refresh(refresh_token);
    if (!claims) return claims.error();
    const std::string session_id(*claims->session_id());
    // Checked before anything is spent: a token naming another user than
    // its session's must not cost that session its refresh token.
    auto owner = session_user(session_id, *claims->subject());
    if (!owner) return owner.error();
    auto& [session, user] = *owner;
    const std::string scope = scope_string(granted(session_scopes(session, user), requested));
    auto access = access_claims(user, scope);
    if (!access) return access.error();
    const std::int64_t now = clock_.unix_seconds();
    const PairSpec next{detail::random_id(), detail::random_id(), now,
                        now + access_lifetime(now, session.expires_at).count(), session.expires_at};
    RotationRequest rotation;
    rotation.session_id = session_id;
    rotation.presented_jti = *claims->jwt_id();
    rotation.next_jti = next.refresh_jti;
    rotation.next_access_jti = next.access_jti;
    rotation.next_access_expires_at = next.access_expires_at;
    rotation.next_scope = scope;
    rotation.now = now;
    rotation.reuse_interval = options_.refresh_reuse_interval;
    rotation.inactivity_timeout = options_.inactivity_timeout;
    const auto rotated = store_.rotate(rotation);
    if (!rotated) {
      if (rotated.error().code == ErrorCode::revoked) {
        sessions_.forget_active(session_id);
        emit(SecurityEventKind::refresh_reuse, *claims->subject(), client, session_id);
      }
      return rotated.error();
    }
    // A different live jti than ours: the token was the one just rotated
    // away, within the reuse interval; the answer is the current pair.
    const bool reissue = rotated->current_jti != next.refresh_jti;
    auto pair = reissue ? current_pair(*rotated, user) : issue_pair(user.username, session_id, next, {*access, scope});
    if (pair) emit(SecurityEventKind::refresh, rotated->username, client, session_id);
    return pair;
  }

  // The pair a session's last rotation issued, signed again from what the
  // session recorded: the same bytes while the key and the user's claims
  // are the same. Its scope loses what the user's roles no longer give.
  Result<TokenPair> current_pair(const Session& session, const User& user) const {
    const ScopeSet recorded = parse_scope(session.pair_scope);
    const std::string scope = recorded.empty() ? std::string() : scope_string(granted(scopes_of(user), recorded));
    const PairSpec current{session.current_jti, session.access_jti, session.last_refreshed_at,
                           session.access_expires_at, session.expires_at};
    auto access = access_claims(user, scope);
    if (!access) return access.error();
    return issue_pair(user.username, session.session_id, current, {*access, scope});
  }

  Result<Claims> authenticate(std::string_view access_token, const ScopeSet& required) const {
    auto claims = verify_access(access_token);
    if (!claims) return claims;
    const std::string_view subject = *claims->subject();
    // Only with accept_tokens_without_session may a token have no session;
    // its user must still exist and be enabled.
    auto bound = claims->session_id() ? check_session(*claims->session_id(), subject) : check_user(subject);
    if (!bound) return bound.error();
    if (auto scoped = check_scopes(*claims, required); !scoped) return scoped.error();
    return claims;
  }

  Result<void> logout(std::string_view access_token, LogoutScope scope, std::string_view client) {
    const auto claims = authenticate(access_token, {});
    if (!claims) return claims.error();
    if (scope == LogoutScope::local) {
      auto ended = end_token_session(*claims, client);
      if (!ended && ended.error().code == ErrorCode::not_found) return revoked("the session has ended");
      return ended;
    }
    if (!claims->session_id()) return no_session_to_end();
    const std::string_view subject = *claims->subject();
    const std::string_view kept = scope == LogoutScope::others ? *claims->session_id() : std::string_view();
    // The user's sessions as they are now, so that each is forgotten by the
    // cache too (a revocation is seen on the next request).
    auto live = store_.list_sessions(subject, clock_.unix_seconds(), options_.inactivity_timeout);
    if (!live) return live.error();
    if (auto ended = store_.revoke_all_sessions(subject, kept); !ended) return ended.error();
    for (const auto& session : *live) {
      if (session.session_id == kept) continue;
      sessions_.forget_active(session.session_id);
      emit(SecurityEventKind::logout, subject, client, session.session_id);
    }
    return {};
  }

  Result<std::vector<SessionInfo>> sessions(std::string_view access_token) const {
    const auto claims = authenticate(access_token, {});
    if (!claims) return claims.error();
    if (!claims->session_id()) return no_session_to_end();
    auto live = store_.list_sessions(*claims->subject(), clock_.unix_seconds(), options_.inactivity_timeout);
    if (!live) return live.error();
    std::vector<SessionInfo> listed;
    listed.reserve(live->size());
    for (const auto& session : *live) {
      listed.push_back(session_info(session, session.session_id == *claims->session_id()));
    }
    return listed;
  }

  Result<void> end_session(std::string_view access_token, std::string_view session_id, std::string_view client) {
    const auto claims = authenticate(access_token, {});
    if (!claims) return claims.error();
    const Error not_theirs{ErrorCode::not_found, "no such session"};
    if (session_id.empty()) return not_theirs;
    auto session = store_.find_session(session_id);
    if (!session) return session.error().code == ErrorCode::not_found ? not_theirs : session.error();
    if (session->username != *claims->subject()) return not_theirs;
    if (auto ended = store_.revoke_session(session_id); !ended) {
      return ended.error().code == ErrorCode::not_found ? not_theirs : ended.error();
    }
    sessions_.forget_active(session_id);
    emit(SecurityEventKind::logout, *claims->subject(), client, session_id);
    return {};
  }

  // RFC 7009 §2.1: the token's type is read from the token itself (its
  // `typ`), so no hint is needed. A session that has ended already, or was
  // purged, is what the caller asked for.
  Result<void> revoke(std::string_view token, std::string_view client) {
    auto claims = verify_access(token);
    if (!claims && claims.error().code == ErrorCode::wrong_token_type) claims = verify_refresh(token);
    if (!claims) return claims.error();
    auto ended = end_token_session(*claims, client);
    if (!ended && ended.error().code == ErrorCode::not_found) return {};
    return ended;
  }

  // Runs on a HashGate thread. `login` may be the e-mail address.
  Result<void> change_password(std::string_view login, std::string_view old_password, std::string_view new_password,
                               std::string_view keep_session_id, std::string_view client) {
    const auto user = check_password(login, old_password, client);
    if (!user) return user.error();
    auto hash = hasher_.hash(new_password);
    if (!hash) return hash.error();
    if (auto updated = store_.update_password_hash(user->username, user->password_hash, *hash); !updated) {
      return updated;
    }
    if (auto revoked_all = store_.revoke_all_sessions(user->username, keep_session_id); !revoked_all) {
      return revoked_all.error();
    }
    emit(SecurityEventKind::password_changed, user->username, client, keep_session_id);
    return {};
  }

  Result<void> check_new_password(std::string_view new_password) const {
    return hasher_.validate_password(new_password);
  }

  HashGate& gate() const noexcept { return *options_.hash_gate; }

 private:
  std::string make_dummy_hash() const {
    const SecretBytes password = SecretBytes::random(32);
    return hasher_.hash(password.view()).value();
  }

  // Rehash on login (DESIGN §4): a legacy bcrypt/PBKDF2 hash or an older
  // policy is replaced now that the password is known. Best effort: the
  // login succeeds even if the new hash cannot be stored, and a concurrent
  // change (conflict) wins.
  void upgrade_hash(const User& user, std::string_view password) {
    if (!hasher_.needs_rehash(user.password_hash)) return;
    if (auto hash = hasher_.hash(password)) (void)store_.update_password_hash(user.username, user.password_hash, *hash);
  }

  // ---- sessions and scopes ----

  // The session of a refresh token and its user, when the session is the
  // token's user's (`sub`: DESIGN §5, "A session belongs to its user") and
  // that user exists and is enabled; else revoked. Whether the session is
  // still active is rotate()'s to say (with reuse detection).
  Result<std::pair<Session, User>> session_user(const std::string& session_id, std::string_view subject) const {
    auto session = store_.find_session(session_id);
    if (!session)
      return session.error().code == ErrorCode::not_found ? revoked("the session has ended") : session.error();
    if (session->username != subject) return revoked("the token's subject is not the session's user");
    auto user = enabled_user(subject);
    if (!user) return user.error();
    return std::make_pair(std::move(*session), std::move(*user));
  }

  // The user behind a valid token: revoked when deleted or disabled.
  Result<User> enabled_user(std::string_view username) const {
    auto user = store_.find_user(username);
    if (!user) return user.error().code == ErrorCode::not_found ? revoked("the user no longer exists") : user.error();
    if (user->disabled) return revoked("the user is disabled");
    return user;
  }

  Result<void> check_user(std::string_view username) const {
    auto user = enabled_user(username);
    if (!user) return user.error();
    return {};
  }

  // The hot path: is the session active, and the token's user's? One store
  // lookup (or the cache) answers both; a disabled user's sessions are
  // never active (disabling revokes them, and the store also checks).
  Result<void> check_session(std::string_view session_id, std::string_view subject) const {
    const auto now = clock_.now();
    const SessionChanges changes = store_.session_changes();
    if (const auto cached = sessions_.lookup(session_id, subject, now, changes)) {
      if (!*cached) return revoked("the session has ended, or is not the token's user's");
      return {};
    }
    const auto owner = store_.active_session_owner(session_id, clock_.unix_seconds());
    if (!owner) return owner.error();
    sessions_.remember(session_id, *owner, now, changes.generation);
    if (!*owner) return revoked("the session has ended");
    if (**owner != subject) return revoked("the token's subject is not the session's user");
    return {};
  }

  // On the hot path (/users/me needs `me`): the claim is searched as it is,
  // without building a set; a short one is not even allocated.
  Result<void> check_scopes(const Claims& claims, const ScopeSet& required) const {
    if (required.empty()) return {};
    const auto claimed = claims.get<std::string>("scope");
    if (!claimed) return check_role_scopes(*claims.subject(), required);
    for (const auto& scope : required) {
      if (!has_scope(*claimed, scope)) return lacks(scope);
    }
    return {};
  }

  // A token without a `scope` claim has its user's roles' scopes.
  Result<void> check_role_scopes(std::string_view username, const ScopeSet& required) const {
    auto user = enabled_user(username);
    if (!user) return user.error();
    const ScopeSet has = scopes_of(*user);
    for (const auto& scope : required) {
      if (has.count(scope) == 0) return lacks(scope);
    }
    return {};
  }

  static Error lacks(const std::string& scope) {
    return Error{ErrorCode::insufficient_scope, "the token lacks the scope " + scope};
  }

  // True when `scope` is one of the space-separated names of `claimed`.
  static bool has_scope(std::string_view claimed, std::string_view scope) noexcept {
    for (std::size_t at = claimed.find(scope); at != std::string_view::npos; at = claimed.find(scope, at + 1)) {
      const std::size_t end = at + scope.size();
      if ((at == 0 || claimed[at - 1] == ' ') && (end == claimed.size() || claimed[end] == ' ')) return true;
    }
    return false;
  }

  // The union of the scopes of the user's roles.
  ScopeSet scopes_of(const User& user) const {
    ScopeSet scopes;
    for (const auto& role : user.roles) {
      if (const auto found = options_.role_scopes.find(role); found != options_.role_scopes.end()) {
        scopes.insert(found->second.begin(), found->second.end());
      }
    }
    return scopes;
  }

  // What a refresh may grant: the session's grant (all of the user's for a
  // session from before scopes), and only what the user's roles still give.
  ScopeSet session_scopes(const Session& session, const User& user) const {
    const ScopeSet current = scopes_of(user);
    return session.scope ? granted(current, parse_scope(*session.scope)) : current;
  }

  // The custom claims of an access token: the extra_claims hook's and the
  // granted scope (RFC 9068 §2.2.3), which the hook cannot set. The issuer
  // refuses the other registered names.
  Result<nlohmann::json> access_claims(const User& user, const std::string& scope) const {
    nlohmann::json claims = nlohmann::json::object();
    if (options_.extra_claims) {
      try {
        claims = options_.extra_claims(user);
      } catch (const std::exception& error) {
        return invalid_hook(std::string("the hook threw: ") + error.what());
      } catch (...) {
        return invalid_hook("the hook threw");
      }
      if (claims.is_null()) claims = nlohmann::json::object();
      if (!claims.is_object()) return invalid_hook("the hook must return a JSON object");
      if (claims.contains("scope")) return invalid_hook("custom claim \"scope\" would override a registered claim");
    }
    claims["scope"] = scope;
    return claims;
  }

  // What an access token carries beyond the registered claims: the custom
  // claims (with `scope`) and, for the TokenPair, the granted scope itself.
  struct AccessGrant {
    const nlohmann::json& custom;
    const std::string& scope;
  };

  // The access token lives access_ttl but never past its session, and
  // never longer than the inactivity timeout: a session that stays
  // inactive for that long has no access token left.
  std::chrono::seconds access_lifetime(std::int64_t now, std::int64_t session_expires_at) const {
    std::chrono::seconds lifetime = std::min(options_.access_ttl, std::chrono::seconds{session_expires_at - now});
    if (options_.inactivity_timeout.count() > 0) lifetime = std::min(lifetime, options_.inactivity_timeout);
    return lifetime;
  }

  // A new session and its first pair: the session id and first refresh jti
  // are 128-bit random values.
  Result<std::pair<TokenPair, std::string>> start_session(const std::string& username, const AccessGrant& grant,
                                                          const ClientInfo& client) {
    const std::int64_t now = clock_.unix_seconds();
    std::string session_id = detail::random_id();
    const std::int64_t expires_at = now + options_.refresh_ttl.count();
    const PairSpec first{detail::random_id(), detail::random_id(), now, now + access_lifetime(now, expires_at).count(),
                         expires_at};
    const std::string user_agent = sanitized_user_agent(client.user_agent);
    SessionStart start;
    start.username = username;
    start.session_id = session_id;
    start.first_refresh_jti = first.refresh_jti;
    start.expires_at = expires_at;
    start.scope = grant.scope;
    start.created_at = now;
    start.client_address = client.address;
    start.user_agent = user_agent;
    if (auto created = store_.create_session(start); !created) return created.error();
    auto pair = issue_pair(username, session_id, first, grant);
    if (!pair) return pair.error();
    return std::make_pair(std::move(*pair), std::move(session_id));
  }

  // Only the access token carries the custom claims (with the scope): the
  // session remembers the grant for refreshes. Both `iat`s are the spec's,
  // not the clock's, so that the pair can be issued again.
  Result<TokenPair> issue_pair(const std::string& username, const std::string& session_id, const PairSpec& spec,
                               const AccessGrant& grant) const {
    if (spec.session_expires_at <= spec.issued_at) return revoked("the session has expired");
    IssueOptions access;
    access.subject = username;
    access.issuer = options_.issuer;
    access.audience = options_.audience;
    access.session_id = session_id;
    access.issued_at = spec.issued_at;
    access.ttl = std::chrono::seconds{spec.access_expires_at - spec.issued_at};
    access.jwt_id = spec.access_jti;
    IssueOptions refresh = access;
    refresh.type = TokenType::refresh;
    refresh.ttl = std::chrono::seconds{spec.session_expires_at - spec.issued_at};
    refresh.jwt_id = spec.refresh_jti;
    access.custom = grant.custom;
    auto access_token = issue(access);
    if (!access_token) return access_token.error();
    auto refresh_token = issue(refresh);
    if (!refresh_token) return refresh_token.error();
    return TokenPair{std::move(*access_token), std::move(*refresh_token), access.ttl, grant.scope};
  }

  static Error no_session_to_end() { return Error{ErrorCode::missing_claim, "the token has no session to end"}; }

  // Revokes the session a verified token names (logout and revocation).
  Result<void> end_token_session(const Claims& claims, std::string_view client) {
    if (!claims.session_id()) return no_session_to_end();
    const std::string_view session_id = *claims.session_id();
    if (auto ended = store_.revoke_session(session_id); !ended) return ended;
    sessions_.forget_active(session_id);
    emit(SecurityEventKind::logout, *claims.subject(), client, session_id);
    return {};
  }

  std::shared_ptr<const Signing> make_signing(KeyRing keys) const {
    const std::vector<std::string> access_claims = options_.accept_tokens_without_session
                                                       ? std::vector<std::string>{"sub"}
                                                       : std::vector<std::string>{"sub", "sid"};
    return std::make_shared<const Signing>(Signing{
        TokenIssuer(keys, clock_),
        TokenVerifier(keys, verify_options(options_, TokenType::access, access_claims), clock_),
        // Braced initialisers run in order (C++17 [dcl.init.list]): `keys` is moved last.
        TokenVerifier(std::move(keys), verify_options(options_, TokenType::refresh, {"sub", "sid", "jti"}), clock_)});
  }

  // The keys in force (set_keys()), read without a lock.
  Result<Claims> verify_access(std::string_view token) const {
    return signing_.read([&](const Signing& signing) { return signing.access_verifier.verify(token); });
  }
  Result<Claims> verify_refresh(std::string_view token) const {
    return signing_.read([&](const Signing& signing) { return signing.refresh_verifier.verify(token); });
  }
  Result<std::string> issue(const IssueOptions& options) const {
    return signing_.read([&](const Signing& signing) { return signing.issuer.issue(options); });
  }

  void emit(SecurityEventKind kind, std::string_view username, std::string_view client,
            std::string_view session_id) const {
    if (!options_.on_security_event) return;
    try {
      options_.on_security_event(SecurityEvent{kind, username, client, session_id, clock_.unix_seconds()});
    } catch (...) {  // an audit hook must not break authentication
    }
  }

  UserStore& store_;
  const Clock& clock_;
  const AuthenticatorOptions options_;
  const PasswordHasher hasher_;
  detail::Published<Signing> signing_;
  const std::string dummy_hash_;
  mutable detail::SessionCache sessions_;
};

namespace {

// Runs `body` on the gate and hands its Result to `done`; a refusal by the
// gate (overloaded) reaches `done` instead.
// The body owns move-only state (a SecretBytes password) and HashGate::Work
// is a copyable std::function, so it is shared rather than copied.
template <class T, class Body>
void submit(HashGate& gate, Body body, std::function<void(Result<T>)> done) {
  auto outcome = std::make_shared<std::optional<Result<T>>>();
  auto shared_body = std::make_shared<Body>(std::move(body));
  gate.submit([outcome, shared_body] { outcome->emplace((*shared_body)()); },
              [outcome, done = std::move(done)](const Result<void>& admitted) {
                if (!admitted) {
                  done(admitted.error());
                } else {
                  done(std::move(**outcome));
                }
              });
}

}  // namespace

Authenticator::Authenticator(UserStore& store, KeyRing keys, AuthenticatorOptions options, const Clock& clock)
    : impl_(std::make_unique<Impl>(store, std::move(keys), std::move(options), clock)) {}

Authenticator::~Authenticator() = default;

const AuthenticatorOptions& Authenticator::options() const noexcept { return impl_->options(); }

Result<User> Authenticator::checked_account(User user) { return detail::checked_account(std::move(user)); }
void Authenticator::set_keys(KeyRing keys) { impl_->set_keys(std::move(keys)); }

Result<User> Authenticator::signup(std::string_view username, std::string_view password,
                                   std::optional<std::string_view> email) {
  auto user =
      impl_->check_signup(std::string(username), password, email ? std::optional<std::string>(*email) : std::nullopt);
  if (!user) return user.error();
  return impl_->gate().run([&] { return impl_->create_user(std::move(*user), password); });
}

void Authenticator::signup_async(std::string username, SecretBytes password, std::optional<std::string> email,
                                 std::function<void(Result<User>)> done) {
  auto user = impl_->check_signup(std::move(username), password.view(), std::move(email));
  if (!user) {
    done(user.error());
    return;
  }
  Impl& impl = *impl_;
  submit<User>(
      impl.gate(),
      [&impl, user = std::move(*user), password = std::move(password)] {
        return impl.create_user(user, password.view());
      },
      std::move(done));
}

Result<TokenPair> Authenticator::login(std::string_view username, std::string_view password, std::string_view client,
                                       const ScopeSet& requested_scopes) {
  return login(username, password, ClientInfo{client, {}}, requested_scopes);
}

Result<TokenPair> Authenticator::login(std::string_view username, std::string_view password, const ClientInfo& client,
                                       const ScopeSet& requested_scopes) {
  if (auto admitted = impl_->admit_login(username, client.address); !admitted) return admitted.error();
  return impl_->gate().run([&] { return impl_->login(username, password, client, requested_scopes); });
}

void Authenticator::login_async(std::string username, SecretBytes password, std::string client,
                                std::function<void(Result<TokenPair>)> done) {
  login_async(std::move(username), std::move(password), std::move(client), {}, std::move(done));
}

void Authenticator::login_async(std::string username, SecretBytes password, std::string client,
                                ScopeSet requested_scopes, std::function<void(Result<TokenPair>)> done) {
  login_async(std::move(username), std::move(password), std::move(client), {}, std::move(requested_scopes),
              std::move(done));
}

void Authenticator::login_async(std::string username, SecretBytes password, std::string client, std::string user_agent,
                                ScopeSet requested_scopes, std::function<void(Result<TokenPair>)> done) {
  Impl& impl = *impl_;
  // The throttle is asked on the HashGate thread too, before any password
  // work: a throttle that keeps its counters in a database
  // (PostgresLoginThrottle) must not make the caller, a network thread,
  // wait for it.
  submit<TokenPair>(
      impl.gate(),
      [&impl, username = std::move(username), password = std::move(password), client = std::move(client),
       user_agent = std::move(user_agent), requested = std::move(requested_scopes)]() -> Result<TokenPair> {
        if (auto admitted = impl.admit_login(username, client); !admitted) return admitted.error();
        return impl.login(username, password.view(), ClientInfo{client, user_agent}, requested);
      },
      std::move(done));
}

Result<TokenPair> Authenticator::refresh(std::string_view refresh_token, std::string_view client,
                                         const ScopeSet& requested_scopes) {
  return impl_->refresh(refresh_token, client, requested_scopes);
}

Result<void> Authenticator::logout(std::string_view access_token, std::string_view client) {
  return impl_->logout(access_token, LogoutScope::local, client);
}

Result<void> Authenticator::logout(std::string_view access_token, LogoutScope scope, std::string_view client) {
  return impl_->logout(access_token, scope, client);
}

Result<std::vector<SessionInfo>> Authenticator::sessions(std::string_view access_token) const {
  return impl_->sessions(access_token);
}

Result<void> Authenticator::end_session(std::string_view access_token, std::string_view session_id,
                                        std::string_view client) {
  return impl_->end_session(access_token, session_id, client);
}

Result<void> Authenticator::revoke(std::string_view token, std::string_view client) {
  return impl_->revoke(token, client);
}

Result<Claims> Authenticator::authenticate(std::string_view access_token) const {
  return impl_->authenticate(access_token, {});
}

Result<Claims> Authenticator::authenticate(std::string_view access_token, const ScopeSet& required_scopes) const {
  return impl_->authenticate(access_token, required_scopes);
}

Result<void> Authenticator::change_password(std::string_view username, std::string_view old_password,
                                            std::string_view new_password, std::string_view keep_session_id,
                                            std::string_view client) {
  if (auto valid = impl_->check_new_password(new_password); !valid) return valid;
  if (auto admitted = impl_->admit_login(username, client); !admitted) return admitted;
  return impl_->gate().run(
      [&] { return impl_->change_password(username, old_password, new_password, keep_session_id, client); });
}

}  // namespace authcore
