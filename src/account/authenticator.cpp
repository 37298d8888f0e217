#include "authcore/authenticator.hpp"

#include <algorithm>
#include <utility>

#include "account/account_rules.hpp"
#include "account/published.hpp"
#include "account/session_cache.hpp"
#include "authcore/token_issuer.hpp"
#include "authcore/token_verifier.hpp"
#include "detail/random_id.hpp"

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

namespace {

Error invalid_credentials() { return Error{ErrorCode::invalid_credentials, "incorrect username or password"}; }
Error revoked(const char* why) { return Error{ErrorCode::revoked, why}; }

AuthenticatorOptions resolved(AuthenticatorOptions options, const UserStore& store) {
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

  Result<void> check_signup(std::string_view username, std::string_view password,
                            const std::optional<std::string_view>& email) const {
    if (!detail::is_valid_username(username)) {
      return Error{ErrorCode::invalid_argument, "a username is 3 to 64 characters of A-Z a-z 0-9 . _ -"};
    }
    if (auto valid = hasher_.validate_password(password); !valid) return valid;
    if (email && !detail::is_valid_email(*email)) return Error{ErrorCode::invalid_argument, "not an e-mail address"};
    return {};
  }

  // Runs on a HashGate thread.
  Result<User> create_user(std::string_view username, std::string_view password,
                           const std::optional<std::string_view>& email) {
    auto hash = hasher_.hash(password);
    if (!hash) return hash.error();
    User user{std::string(username), std::move(*hash),
              email ? std::optional<std::string>(std::string(*email)) : std::nullopt, clock_.unix_seconds()};
    if (auto created = store_.create_user(user); !created) return created.error();
    emit(SecurityEventKind::signup, username, {}, {});
    return user;
  }

  // ---- login ----

  // Before any password work: is this attempt allowed at all?
  Result<void> admit_login(std::string_view username, std::string_view client) {
    const auto wait = options_.login_throttle->check(username, client, clock_.now());
    if (wait.count() == 0) return {};
    emit(SecurityEventKind::login_throttled, username, client, {});
    return Error{ErrorCode::too_many_attempts, "too many failed logins; try again later", wait};
  }

  // Runs on a HashGate thread. An unknown user is checked against the dummy
  // hash, so both failures cost one verification at the policy.
  Result<User> check_password(std::string_view username, std::string_view password, std::string_view client) {
    Result<User> user = detail::is_valid_username(username) ? store_.find_user(username)
                                                            : Result<User>(Error{ErrorCode::not_found, "no such user"});
    if (!user && user.error().code != ErrorCode::not_found) return user.error();  // fail closed
    const bool matches = hasher_.verify(password, user ? user->password_hash : dummy_hash_) == PasswordCheck::match;
    if (!user || !matches) {
      options_.login_throttle->record_failure(username, client, clock_.now());
      emit(SecurityEventKind::login_failure, username, client, {});
      return invalid_credentials();
    }
    options_.login_throttle->record_success(username, client, clock_.now());
    return user;
  }

  // Runs on a HashGate thread.
  Result<TokenPair> login(std::string_view username, std::string_view password, std::string_view client) {
    auto user = check_password(username, password, client);
    if (!user) return user.error();
    upgrade_hash(*user, password);
    auto session = start_session(user->username);
    if (session) emit(SecurityEventKind::login_success, user->username, client, session->second);
    if (!session) return session.error();
    return std::move(session->first);
  }

  // ---- refresh, logout, authenticate ----

  Result<TokenPair> refresh(std::string_view refresh_token, std::string_view client) {
    const auto claims = verify_refresh(refresh_token);
    if (!claims) return claims.error();
    const std::string session_id(*claims->session_id());
    const std::string next_jti = detail::random_id();
    const std::int64_t now = clock_.unix_seconds();
    const auto rotated = store_.rotate(session_id, *claims->jwt_id(), next_jti, now);
    if (!rotated) {
      if (rotated.error().code == ErrorCode::revoked) {
        sessions_.forget_active(session_id);
        emit(SecurityEventKind::refresh_reuse, *claims->subject(), client, session_id);
      }
      return rotated.error();
    }
    auto pair = issue_pair(rotated->username, session_id, next_jti, rotated->expires_at, now);
    if (pair) emit(SecurityEventKind::refresh, rotated->username, client, session_id);
    return pair;
  }

  Result<Claims> authenticate(std::string_view access_token) const {
    auto claims = verify_access(access_token);
    if (!claims) return claims;
    if (!claims->session_id()) return claims;  // only when accept_tokens_without_session
    const std::string_view session_id = *claims->session_id();
    const auto now = clock_.now();
    if (const auto cached = sessions_.lookup(session_id, now)) {
      if (!*cached) return revoked("the session has ended");
      return claims;
    }
    const auto active = store_.is_session_active(session_id, clock_.unix_seconds());
    if (!active) return active.error();
    sessions_.remember(session_id, *active, now);
    if (!*active) return revoked("the session has ended");
    return claims;
  }

  Result<void> logout(std::string_view access_token, std::string_view client) {
    const auto claims = authenticate(access_token);
    if (!claims) return claims.error();
    if (!claims->session_id()) return Error{ErrorCode::missing_claim, "the token has no session to end"};
    const std::string_view session_id = *claims->session_id();
    if (auto ended = store_.revoke_session(session_id); !ended) {
      return ended.error().code == ErrorCode::not_found ? revoked("the session has ended") : ended.error();
    }
    sessions_.forget_active(session_id);
    emit(SecurityEventKind::logout, *claims->subject(), client, session_id);
    return {};
  }

  // Runs on a HashGate thread.
  Result<void> change_password(std::string_view username, std::string_view old_password, std::string_view new_password,
                               std::string_view keep_session_id, std::string_view client) {
    const auto user = check_password(username, old_password, client);
    if (!user) return user.error();
    auto hash = hasher_.hash(new_password);
    if (!hash) return hash.error();
    if (auto updated = store_.update_password_hash(username, user->password_hash, *hash); !updated) return updated;
    if (auto revoked_all = store_.revoke_all_sessions(username, keep_session_id); !revoked_all) {
      return revoked_all.error();
    }
    emit(SecurityEventKind::password_changed, username, client, keep_session_id);
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

  // A new session and its first pair: the session id and first refresh jti
  // are 128-bit random values.
  Result<std::pair<TokenPair, std::string>> start_session(const std::string& username) {
    const std::int64_t now = clock_.unix_seconds();
    std::string session_id = detail::random_id();
    const std::string jti = detail::random_id();
    const std::int64_t expires_at = now + options_.refresh_ttl.count();
    if (auto created = store_.create_session(username, session_id, jti, expires_at); !created) return created.error();
    auto pair = issue_pair(username, session_id, jti, expires_at, now);
    if (!pair) return pair.error();
    return std::make_pair(std::move(*pair), std::move(session_id));
  }

  // The access token lives access_ttl but never past its session; the
  // refresh token exactly as long as the session.
  Result<TokenPair> issue_pair(const std::string& username, const std::string& session_id, const std::string& jti,
                               std::int64_t session_expires_at, std::int64_t now) const {
    if (session_expires_at <= now) return revoked("the session has expired");
    const std::chrono::seconds remaining{session_expires_at - now};
    IssueOptions access;
    access.subject = username;
    access.issuer = options_.issuer;
    access.audience = options_.audience;
    access.session_id = session_id;
    access.ttl = std::min(options_.access_ttl, remaining);
    IssueOptions refresh = access;
    refresh.type = TokenType::refresh;
    refresh.ttl = remaining;
    refresh.jwt_id = jti;
    auto access_token = issue(access);
    if (!access_token) return access_token.error();
    auto refresh_token = issue(refresh);
    if (!refresh_token) return refresh_token.error();
    return TokenPair{std::move(*access_token), std::move(*refresh_token), access.ttl};
  }

  std::shared_ptr<const Signing> make_signing(KeyRing keys) const {
    const std::vector<std::string> access_claims = options_.accept_tokens_without_session
                                                       ? std::vector<std::string>{"sub"}
                                                       : std::vector<std::string>{"sub", "sid"};
    return std::make_shared<const Signing>(
        Signing{TokenIssuer(keys, clock_),
                TokenVerifier(keys, verify_options(options_, TokenType::access, access_claims), clock_),
                TokenVerifier(keys, verify_options(options_, TokenType::refresh, {"sub", "sid", "jti"}), clock_)});
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
              [outcome, done = std::move(done)](Result<void> admitted) {
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

void Authenticator::set_keys(KeyRing keys) { impl_->set_keys(std::move(keys)); }

Result<User> Authenticator::signup(std::string_view username, std::string_view password,
                                   std::optional<std::string_view> email) {
  if (auto valid = impl_->check_signup(username, password, email); !valid) return valid.error();
  return impl_->gate().run([&] { return impl_->create_user(username, password, email); });
}

void Authenticator::signup_async(std::string username, SecretBytes password, std::optional<std::string> email,
                                 std::function<void(Result<User>)> done) {
  const std::optional<std::string_view> email_view = email ? std::optional<std::string_view>(*email) : std::nullopt;
  if (auto valid = impl_->check_signup(username, password.view(), email_view); !valid) {
    done(valid.error());
    return;
  }
  Impl& impl = *impl_;
  submit<User>(
      impl.gate(),
      [&impl, username = std::move(username), password = std::move(password), email = std::move(email)] {
        return impl.create_user(username, password.view(),
                                email ? std::optional<std::string_view>(*email) : std::nullopt);
      },
      std::move(done));
}

Result<TokenPair> Authenticator::login(std::string_view username, std::string_view password, std::string_view client) {
  if (auto admitted = impl_->admit_login(username, client); !admitted) return admitted.error();
  return impl_->gate().run([&] { return impl_->login(username, password, client); });
}

void Authenticator::login_async(std::string username, SecretBytes password, std::string client,
                                std::function<void(Result<TokenPair>)> done) {
  if (auto admitted = impl_->admit_login(username, client); !admitted) {
    done(admitted.error());
    return;
  }
  Impl& impl = *impl_;
  submit<TokenPair>(
      impl.gate(),
      [&impl, username = std::move(username), password = std::move(password), client = std::move(client)] {
        return impl.login(username, password.view(), client);
      },
      std::move(done));
}

Result<TokenPair> Authenticator::refresh(std::string_view refresh_token, std::string_view client) {
  return impl_->refresh(refresh_token, client);
}

Result<void> Authenticator::logout(std::string_view access_token, std::string_view client) {
  return impl_->logout(access_token, client);
}

Result<Claims> Authenticator::authenticate(std::string_view access_token) const {
  return impl_->authenticate(access_token);
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
