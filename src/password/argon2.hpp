// Internal: Argon2 PHC strings (RFC 9106; PHC string format) through
// libsodium. Parsing checks every parameter against caps before any hashing,
// because a stored hash is untrusted input: "t=4294967295" must cost
// microseconds, not forever.
#ifndef AUTHCORE_PASSWORD_ARGON2_HPP
#define AUTHCORE_PASSWORD_ARGON2_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace authcore::detail {

enum class Argon2Variant : std::uint8_t { argon2i, argon2id };

/// The most a stored hash may ask for; over any of them it is malformed.
struct Argon2Caps {
  std::uint32_t max_memory_kib;
  std::uint32_t max_time_cost;
  std::uint32_t max_parallelism;
};

/// A well-formed Argon2 PHC string within the caps.
struct Argon2Hash {
  Argon2Variant variant;
  std::uint32_t memory_kib;
  std::uint32_t time_cost;
  std::uint32_t parallelism;
  std::size_t salt_bytes;
  std::size_t hash_bytes;
  std::string_view text;  ///< the whole string, as stored
};

/// Salt and output lengths accepted. libsodium writes 16 and 32 bytes and
/// argon2-cffi 16 and 16; RFC 9106 §3.1 asks for at least 8 bytes of salt,
/// libsodium refuses outputs under 16 bytes, and the upper bounds keep the
/// whole string within kMaxArgon2Text.
inline constexpr std::size_t kMinArgon2SaltBytes = 8;
inline constexpr std::size_t kMaxArgon2SaltBytes = 64;
inline constexpr std::size_t kMinArgon2HashBytes = 16;
inline constexpr std::size_t kMaxArgon2HashBytes = 64;
/// The longest string parse_argon2() can accept, rounded up.
inline constexpr std::size_t kMaxArgon2Text = 256;

/// `$argon2id$v=19$m=M,t=T,p=P$SALT$HASH` or the same with `$argon2i$`,
/// exactly as libsodium and argon2-cffi write it: version 19 (0x13, the only
/// one libsodium implements), parameters in this order, canonical decimals,
/// canonical unpadded B64 salt and hash. std::nullopt when it is not one, or
/// when t, p or m exceed `caps` or break RFC 9106 §3.1 (t >= 1, p >= 1,
/// m >= 8p).
std::optional<Argon2Hash> parse_argon2(std::string_view stored, const Argon2Caps& caps) noexcept;

/// Whether `password` hashes to `hash` (libsodium crypto_pwhash_str_verify).
/// False on a mismatch and also when the hash cannot be computed (out of
/// memory): failures never match.
bool argon2_matches(const Argon2Hash& hash, std::string_view password) noexcept;

/// A PHC string as libsodium writes it (crypto_pwhash_STRBYTES, NUL included).
using Argon2String = std::array<char, 128>;
/// What argon2id_hash() writes: crypto_pwhash_SALTBYTES of salt and, as
/// libsodium's crypto_pwhash_str always does, a 32-byte hash.
inline constexpr std::size_t kArgon2idSaltBytes = 16;
inline constexpr std::size_t kArgon2idHashBytes = 32;

/// Hashes `password` with Argon2id, a fresh random salt of kArgon2idSaltBytes,
/// p = 1 and an output of kArgon2idHashBytes (crypto_pwhash_str_alg). False when libsodium cannot (out
/// of memory, parameters outside its limits).
bool argon2id_hash(std::string_view password, std::uint32_t time_cost, std::size_t memory_bytes,
                   Argon2String& out) noexcept;

}  // namespace authcore::detail

#endif
