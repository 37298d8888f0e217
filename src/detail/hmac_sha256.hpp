// Internal: HMAC-SHA256 (RFC 2104) with the key schedule computed once.
#ifndef AUTHCORE_DETAIL_HMAC_SHA256_HPP
#define AUTHCORE_DETAIL_HMAC_SHA256_HPP

#include <openssl/sha.h>

#include <array>
#include <cstddef>
#include <string_view>

namespace authcore::detail {

using Sha256Digest = std::array<unsigned char, 32>;

/// HMAC-SHA256 keyed once. The SHA-256 states after absorbing K^ipad and
/// K^opad are kept, so a MAC costs two state copies and the compression of
/// the message plus one block, instead of re-deriving the pads per call (a
/// one-shot HMAC() call costs about as much as a whole token verification).
/// Immutable after construction and safe to share between threads. The
/// states are key-equivalent secrets and are wiped on destruction.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key) noexcept;
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  /// HMAC(key, message).
  Sha256Digest mac(std::string_view message) const noexcept;

  /// HMAC(key, message) == expected, compared in constant time
  /// (CRYPTO_memcmp), so the comparison leaks nothing about where a forged
  /// MAC first differs.
  bool verify(std::string_view message, const unsigned char* expected) const noexcept;

 private:
  SHA256_CTX inner_;
  SHA256_CTX outer_;
};

}  // namespace authcore::detail

#endif
