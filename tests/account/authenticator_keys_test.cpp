// Authenticator::set_keys(), key rotation at run time: kept keys keep their
// tokens and sessions, removed keys lose theirs, new tokens carry the new
// current kid; and authenticate() on many threads while the keys change.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "authcore/authenticator.hpp"
#include "authcore/dangerous.hpp"
#include "authcore/memory_user_store.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace authcore;

namespace {

HmacKey key(char fill, const std::string& kid) { return HmacKey::from_bytes(std::string(32, fill), kid).value(); }

KeyRing ring(std::vector<HmacKey> keys) {
  const std::string current = keys.front().kid();
  return KeyRing::create(std::move(keys), current).value();
}

std::string kid_of(const std::string& token) {
  const auto decoded = dangerous::decode_unverified(token);
  REQUIRE(decoded);
  return nlohmann::json::parse(decoded->header).at("kid").get<std::string>();
}

template <class T>
ErrorCode code_of(const Result<T>& result) {
  REQUIRE_FALSE(result);
  return result.error().code;
}

struct Rotation {
  FixedClock clock{FixedClock::from_unix_seconds(test::kNow)};
  InMemoryUserStore store;
  Authenticator auth{store, ring({key('a', "2026-01")}), fast_options(), clock};

  static AuthenticatorOptions fast_options() {
    AuthenticatorOptions options;
    options.password_policy = PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes);
    return options;
  }

  TokenPair logged_in(const std::string& username) {
    REQUIRE(auth.signup(username, "correct horse"));
    auto pair = auth.login(username, "correct horse");
    REQUIRE(pair);
    return std::move(pair).value();
  }
};

}  // namespace

TEST_CASE("set_keys with a new current key: old tokens still work, new ones carry the new kid",
          "[authenticator][keys]") {
  Rotation r;
  const TokenPair old = r.logged_in("alice");
  CHECK(kid_of(old.access_token) == "2026-01");

  r.auth.set_keys(ring({key('b', "2026-02"), key('a', "2026-01")}));
  CHECK(r.auth.authenticate(old.access_token));
  const auto rotated = r.auth.refresh(old.refresh_token);  // same session, signed with the new key
  REQUIRE(rotated);
  CHECK(kid_of(rotated->access_token) == "2026-02");
  CHECK(kid_of(rotated->refresh_token) == "2026-02");
  CHECK(r.auth.authenticate(rotated->access_token));
  const TokenPair fresh = r.logged_in("bob");
  CHECK(kid_of(fresh.access_token) == "2026-02");
}

TEST_CASE("set_keys without a key: its tokens are unknown_key, sessions signed anew keep working",
          "[authenticator][keys]") {
  Rotation r;
  const TokenPair old = r.logged_in("alice");
  r.auth.set_keys(ring({key('b', "2026-02"), key('a', "2026-01")}));
  const TokenPair kept = r.auth.refresh(old.refresh_token).value();

  r.auth.set_keys(ring({key('b', "2026-02")}));
  CHECK(code_of(r.auth.authenticate(old.access_token)) == ErrorCode::unknown_key);
  CHECK(code_of(r.auth.logout(old.access_token)) == ErrorCode::unknown_key);
  CHECK(r.auth.authenticate(kept.access_token));
  CHECK(r.auth.refresh(kept.refresh_token));
}

TEST_CASE("set_keys back to a removed key does not revive a spent refresh token", "[authenticator][keys]") {
  Rotation r;
  const TokenPair first = r.logged_in("alice");
  const TokenPair second = r.auth.refresh(first.refresh_token).value();
  r.auth.set_keys(ring({key('b', "2026-02")}));
  CHECK(code_of(r.auth.refresh(second.refresh_token)) == ErrorCode::unknown_key);
  r.auth.set_keys(ring({key('a', "2026-01")}));
  // Reuse detection still holds across the swaps: the session dies.
  CHECK(code_of(r.auth.refresh(first.refresh_token)) == ErrorCode::revoked);
  CHECK(code_of(r.auth.authenticate(second.access_token)) == ErrorCode::revoked);
}

TEST_CASE("authenticate on 4 threads while the keys change 500 times", "[authenticator][keys][concurrency]") {
  Rotation r;
  const HmacKey a = key('a', "2026-01");
  const HmacKey b = key('b', "2026-02");
  r.auth.set_keys(ring({a, b}));
  const std::string kept = r.logged_in("alice").access_token;  // signed with a, in every ring below
  r.auth.set_keys(ring({b}));
  const std::string removed = r.logged_in("bob").access_token;  // signed with b, which the swaps drop and restore
  r.auth.set_keys(ring({b, a}));

  std::atomic<bool> stop{false};
  std::atomic<long> checked{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        if (!r.auth.authenticate(kept)) ++wrong;
        const auto other = r.auth.authenticate(removed);
        if (!other && other.error().code != ErrorCode::unknown_key) ++wrong;
        ++checked;
      }
    });
  }
  for (int i = 0; i < 500; ++i) {
    if (i % 2 == 0) {
      r.auth.set_keys(ring({a}));
    } else {
      r.auth.set_keys(ring({b, a}));
    }
    std::this_thread::yield();
  }
  r.auth.set_keys(ring({a}));
  const long seen = checked.load();
  while (checked.load() < seen + 8) std::this_thread::yield();
  stop = true;
  for (auto& thread : threads) thread.join();
  CHECK(wrong.load() == 0);
  CHECK(code_of(r.auth.authenticate(removed)) == ErrorCode::unknown_key);
  CHECK(r.auth.authenticate(kept));
}
