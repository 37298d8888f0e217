#include "password/pbkdf2_sha256.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>

#include "authcore/secret.hpp"
#include "password/mcf_reader.hpp"
#include "password/radix64.hpp"

namespace authcore::detail {

std::optional<Pbkdf2Hash> parse_pbkdf2_sha256(std::string_view stored, std::uint32_t max_rounds) noexcept {
  McfReader in(stored);
  if (!in.skip("$pbkdf2-sha256$")) return std::nullopt;
  Pbkdf2Hash hash;
  const auto rounds = in.decimal();
  if (!rounds || *rounds < 1 || *rounds > max_rounds || !in.skip("$")) return std::nullopt;
  hash.rounds = *rounds;
  const std::string_view salt = in.field();
  if (Radix64::decoded_size(salt.size()) > kMaxPbkdf2SaltBytes || !in.skip("$")) return std::nullopt;
  const auto salt_size = kPasslibAb64.decode(salt, hash.salt.data());
  const std::string_view checksum = in.field();
  if (!salt_size || !in.at_end() || Radix64::decoded_size(checksum.size()) != kPbkdf2ChecksumBytes ||
      !kPasslibAb64.decode(checksum, hash.checksum.data())) {
    return std::nullopt;
  }
  hash.salt_size = *salt_size;
  return hash;
}

bool pbkdf2_sha256_matches(const Pbkdf2Hash& hash, std::string_view password) noexcept {
  if (password.size() > INT_MAX || hash.rounds > INT_MAX) return false;
  std::array<unsigned char, kPbkdf2ChecksumBytes> derived{};
  const bool computed = PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), hash.salt.data(),
                                          static_cast<int>(hash.salt_size), static_cast<int>(hash.rounds), EVP_sha256(),
                                          static_cast<int>(derived.size()), derived.data()) == 1;
  const bool equal = computed && CRYPTO_memcmp(derived.data(), hash.checksum.data(), derived.size()) == 0;
  secure_wipe(derived.data(), derived.size());
  return equal;
}

}  // namespace authcore::detail
