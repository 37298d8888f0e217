// Internal: verification of passlib's $pbkdf2-sha256$ hashes (the default of
// many FastAPI and Flask applications), through OpenSSL's PBKDF2 (RFC 8018
// §5.2). authcore never writes them.
#ifndef AUTHCORE_PASSWORD_PBKDF2_SHA256_HPP
#define AUTHCORE_PASSWORD_PBKDF2_SHA256_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace authcore::detail {

/// passlib's limits for pbkdf2_sha256 salts (max_salt_size) and its
/// checksum size (the SHA-256 output).
inline constexpr std::size_t kMaxPbkdf2SaltBytes = 1024;
inline constexpr std::size_t kPbkdf2ChecksumBytes = 32;

/// A well-formed passlib pbkdf2_sha256 hash within the rounds cap, decoded.
struct Pbkdf2Hash {
  std::uint32_t rounds = 0;
  std::size_t salt_size = 0;
  std::array<unsigned char, kMaxPbkdf2SaltBytes> salt{};
  std::array<unsigned char, kPbkdf2ChecksumBytes> checksum{};
};

/// `$pbkdf2-sha256$ROUNDS$SALT$CHECKSUM` exactly as passlib writes it
/// (passlib.handlers.pbkdf2.Pbkdf2DigestHandler.to_string): ROUNDS a decimal
/// without leading zeros from 1 to `max_rounds`, SALT (0 to 1024 bytes) and
/// CHECKSUM (32 bytes) in passlib's adapted base64 ("./" alphabet,
/// unpadded, canonical). std::nullopt when `stored` is not one.
std::optional<Pbkdf2Hash> parse_pbkdf2_sha256(std::string_view stored, std::uint32_t max_rounds) noexcept;

/// Whether PBKDF2-HMAC-SHA256(password, salt, rounds) equals the checksum,
/// compared in constant time. The password is used as raw bytes, as passlib
/// uses the UTF-8 encoding of a str. False when OpenSSL fails.
bool pbkdf2_sha256_matches(const Pbkdf2Hash& hash, std::string_view password) noexcept;

}  // namespace authcore::detail

#endif
