// The Authenticator's flow on an in-memory store: sign up, log in,
// authenticate a request, rotate the refresh token, catch a replay, ask for
// scopes, rotate the signing key, log out.
#include <authcore/authcore.hpp>

#include <cstdlib>
#include <iostream>

int main() {
  // A kid from the start, so that a later key can take over (see [rotate]).
  const authcore::HmacKey key = authcore::HmacKey::generate("2026-01");

  // [setup]
  authcore::InMemoryUserStore store;  // or SqliteUserStore / PostgresUserStore
  authcore::Authenticator auth(store, key);
  // [setup]

  // [login]
  if (auto user = auth.signup("alice", "correct horse battery", "alice@example.com"); !user) {
    std::cerr << "signup: " << user.error().message << '\n';
    return EXIT_FAILURE;
  }
  const auto tokens = auth.login("alice", "correct horse battery", "203.0.113.7");
  if (!tokens) {
    std::cerr << "login: " << authcore::to_string(tokens.error().code) << '\n';
    return EXIT_FAILURE;
  }
  // [login]

  // [authenticate]
  const auto claims = auth.authenticate(tokens->access_token);  // on every request
  if (!claims) return EXIT_FAILURE;
  std::cout << "request from " << *claims->subject() << '\n';
  // [authenticate]

  // [refresh]
  const auto next = auth.refresh(tokens->refresh_token);  // the old refresh token is now spent
  if (!next) return EXIT_FAILURE;
  const auto replay = auth.refresh(tokens->refresh_token);
  if (!replay && replay.error().code == authcore::ErrorCode::revoked) {
    std::cout << "replayed refresh token: revoked, and the whole session with it\n";
  }
  // [refresh]

  // [scopes]
  // Roles grant scopes (AuthenticatorOptions::role_scopes): alice has the
  // role `user`, which grants `me`. She asks for `admin` too, by e-mail.
  const auto scoped = auth.login("Alice@Example.com", "correct horse battery", "203.0.113.7", {"me", "admin"});
  if (!scoped) return EXIT_FAILURE;
  std::cout << "granted scope: " << scoped->scope << '\n';  // "me"
  const auto as_admin = auth.authenticate(scoped->access_token, {"admin"});
  if (!as_admin && as_admin.error().code == authcore::ErrorCode::insufficient_scope) {
    std::cout << "no admin scope: an admin route answers 403\n";
  }
  // [scopes]
  // [rotate]
  const auto signed_before = auth.login("alice", "correct horse battery");
  if (!signed_before) return EXIT_FAILURE;
  // Sign with a new key; keep the old one while tokens it signed live.
  const authcore::HmacKey new_key = authcore::HmacKey::generate("2026-02");
  auth.set_keys(authcore::KeyRing::create({new_key, key}, new_key.kid()).value());
  if (!auth.authenticate(signed_before->access_token)) return EXIT_FAILURE;  // the old key's: still good
  // Once the old key's last tokens have expired (refresh_ttl), drop it:
  auth.set_keys(new_key);
  // [rotate]

  // [logout]
  const auto fresh = auth.login("alice", "correct horse battery");
  if (!fresh || !auth.logout(fresh->access_token)) return EXIT_FAILURE;
  const auto after = auth.authenticate(fresh->access_token);
  std::cout << "after logout: " << (after ? "accepted" : authcore::to_string(after.error().code)) << '\n';
  // [logout]
  return after ? EXIT_FAILURE : EXIT_SUCCESS;
}
