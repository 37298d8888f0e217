#include "password/bcrypt.hpp"

#include <crypt.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>

#include "authcore/secret.hpp"
#include "password/radix64.hpp"

namespace authcore::detail {
namespace {

constexpr std::size_t kHashLength = 60;      // "$2b$" + "12" + "$" + 22 salt + 31 checksum
constexpr std::size_t kChecksumOffset = 29;  // the checksum follows the 22 salt characters
constexpr std::size_t kMaxKeyBytes = 72;     // bcrypt's key schedule reads 72 bytes at most
constexpr std::uint32_t kMinCost = 4;        // the smallest cost bcrypt defines

bool known_prefix(std::string_view stored) noexcept {
  const std::string_view prefix = stored.substr(0, 4);
  return prefix == "$2a$" || prefix == "$2b$" || prefix == "$2y$";
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// crypt_rn's scratch space, zeroed as libxcrypt asks and wiped after use: it
// holds the expanded key, which is password-equivalent.
struct CryptScratch {
  crypt_data data{};
  ~CryptScratch() { secure_wipe(&data, sizeof data); }
};

}  // namespace

std::optional<BcryptHash> parse_bcrypt(std::string_view stored, std::uint32_t max_cost) noexcept {
  if (stored.size() != kHashLength || !known_prefix(stored) || !is_digit(stored[4]) || !is_digit(stored[5]) ||
      stored[6] != '$') {
    return std::nullopt;
  }
  const auto cost = static_cast<std::uint32_t>((stored[4] - '0') * 10 + (stored[5] - '0'));
  // The salt's last character carries 4 unused bits that some writers leave
  // non-zero; crypt_rn ignores them, so only the alphabet is checked here.
  if (cost < kMinCost || cost > max_cost || !kBcryptBase64.contains_only_alphabet(stored.substr(7))) {
    return std::nullopt;
  }
  return BcryptHash{cost, stored};
}

bool bcrypt_matches(const BcryptHash& hash, std::string_view password) noexcept {
  if (password.find('\0') != std::string_view::npos) return false;
  // A 32 KiB scratch is too large for the stack of every caller's thread.
  const std::unique_ptr<CryptScratch> scratch(new (std::nothrow) CryptScratch);
  if (!scratch) return false;

  std::array<char, kMaxKeyBytes + 1> phrase{};
  const std::size_t key_bytes = std::min(password.size(), kMaxKeyBytes);
  std::memcpy(phrase.data(), password.data(), key_bytes);
  std::array<char, kHashLength + 1> setting{};
  std::memcpy(setting.data(), hash.text.data(), kHashLength);

  const char* computed = crypt_rn(phrase.data(), setting.data(), &scratch->data, sizeof scratch->data);
  secure_wipe(phrase.data(), phrase.size());
  // Only the checksums are compared: crypt_rn rewrites the salt's unused
  // bits, so the stored and computed salts may differ in their last character.
  return computed != nullptr && std::strlen(computed) == kHashLength &&
         sodium_memcmp(computed + kChecksumOffset, hash.text.data() + kChecksumOffset, kHashLength - kChecksumOffset) ==
             0;
}

}  // namespace authcore::detail
