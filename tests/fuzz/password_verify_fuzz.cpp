// Fuzzes PasswordHasher::verify() and the stored-hash parsers behind it
// (Argon2 PHC, bcrypt MCF, passlib pbkdf2_sha256). Input: password, NUL,
// stored hash. The hasher's policy caps Argon2 at 64 KiB, so no Argon2 input
// is slow; bcrypt and PBKDF2 strings that parse with a costly work factor
// (legitimately seconds each, capped at cost 16 / 10,000,000 rounds) are
// parsed but not run, so that the target never hangs. Invariants: no crash,
// no sanitizer report, and verify() calls a string malformed exactly when no
// parser accepts it.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "authcore/password_hasher.hpp"
#include "password/argon2.hpp"
#include "password/bcrypt.hpp"
#include "password/pbkdf2_sha256.hpp"

namespace {

constexpr std::uint32_t kCheapBcryptCost = 5;
constexpr std::uint32_t kCheapPbkdf2Rounds = 2000;

const authcore::PasswordHasher& hasher() {
  static const authcore::PasswordHasher hasher = [] {
    auto policy = authcore::PasswordPolicy::custom(1, authcore::PasswordPolicy::min_memory_bytes);
    policy.max_memory_bytes = 64 * 1024;
    return authcore::PasswordHasher(policy);
  }();
  return hasher;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using authcore::PasswordPolicy;
  namespace detail = authcore::detail;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  const std::string_view password = split == std::string_view::npos ? std::string_view() : input.substr(0, split);
  const std::string_view stored = split == std::string_view::npos ? input : input.substr(split + 1);

  const auto& policy = hasher().policy();
  const detail::Argon2Caps caps{static_cast<std::uint32_t>(policy.max_memory_bytes / 1024),
                                PasswordPolicy::max_time_cost, PasswordPolicy::max_parallelism};
  const bool argon2 = detail::parse_argon2(stored, caps).has_value();
  const auto bcrypt = detail::parse_bcrypt(stored, PasswordPolicy::max_bcrypt_cost);
  const auto pbkdf2 = detail::parse_pbkdf2_sha256(stored, PasswordPolicy::max_pbkdf2_rounds);
  if ((bcrypt && bcrypt->cost > kCheapBcryptCost) || (pbkdf2 && pbkdf2->rounds > kCheapPbkdf2Rounds)) return 0;

  const auto check = hasher().verify(password, stored);
  const bool parsed = argon2 || bcrypt || pbkdf2;
  if ((check == authcore::PasswordCheck::malformed) == parsed) std::abort();
  (void)hasher().needs_rehash(stored);
  return 0;
}
