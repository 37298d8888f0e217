// What both server fuzz targets share: the service they drive (an
// in-memory store with one user, fast password hashing) and the invariant
// every response must hold: never a 5xx other than 503, and every error
// body is JSON with a "detail", as FastAPI's are.
#ifndef AUTHCORE_TESTS_FUZZ_SERVER_FUZZ_WORLD_HPP
#define AUTHCORE_TESTS_FUZZ_SERVER_FUZZ_WORLD_HPP

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string_view>

#include "authcore/authcore.hpp"
#include "service.hpp"

namespace authcore_fuzz {

/// The service, its Authenticator and its store, with the user "alice".
/// Blocking work runs inline: the fuzz targets have no pool.
struct ServerWorld {
  authcore::InMemoryUserStore store;
  authcore::Authenticator auth{store, authcore::HmacKey::from_bytes("fuzz-server-key-0123456789abcdef-01").value(), [] {
                                 authcore::AuthenticatorOptions options;
                                 options.password_policy =
                                     authcore::PasswordPolicy::custom(1, authcore::PasswordPolicy::min_memory_bytes);
                                 return options;
                               }()};
  authcore_server::Service service{auth, store, [](std::function<void()> work) { work(); }};
  ServerWorld() { (void)auth.signup("alice", "correct horse"); }
};

/// Aborts (the fuzzer's failure) unless a response with `status` and
/// `body` holds the invariant. A response to HEAD has no body to check.
inline void check_response(unsigned status, std::string_view body, bool head) {
  if (status >= 500 && status != 503) std::abort();
  if (status < 400 || head) return;
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object() || !json.contains("detail")) std::abort();
}

}  // namespace authcore_fuzz

#endif
