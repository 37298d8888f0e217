// Internal: verification of legacy bcrypt hashes ($2a$, $2b$, $2y$) through
// libxcrypt's crypt_rn, so users of a passlib or PHP application keep their
// passwords. authcore never writes bcrypt.
#ifndef AUTHCORE_PASSWORD_BCRYPT_HPP
#define AUTHCORE_PASSWORD_BCRYPT_HPP

#include <cstdint>
#include <optional>
#include <string_view>

namespace authcore::detail {

/// A well-formed bcrypt hash within the cost cap.
struct BcryptHash {
  std::uint32_t cost;     ///< log2 of the rounds
  std::string_view text;  ///< the whole 60-character string, as stored
};

/// `$2a$`, `$2b$` or `$2y$`, a two-digit cost from 4 (bcrypt's minimum) to
/// `max_cost`, '$', then 22 salt and 31 checksum characters of bcrypt's
/// alphabet. `$2$` and `$2x$` (crypt_blowfish's emulation of a sign
/// extension bug) are refused. std::nullopt when `stored` is not one.
std::optional<BcryptHash> parse_bcrypt(std::string_view stored, std::uint32_t max_cost) noexcept;

/// Whether `password` hashes to `hash`. bcrypt reads at most 72 bytes of a
/// C string, so, exactly as passlib and every other bcrypt: bytes after the
/// 72nd are ignored, and a password containing NUL never matches (passlib
/// refuses to hash one; passing it through would silently cut it at the NUL).
/// False when crypt_rn fails.
bool bcrypt_matches(const BcryptHash& hash, std::string_view password) noexcept;

}  // namespace authcore::detail

#endif
