// The SHA256_* functions are deprecated in OpenSSL 3 in favour of EVP, but
// they remain part of its API and are the only way to keep a precomputed,
// copyable hash state: EVP_MD_CTX_copy and EVP_MAC_CTX_dup allocate and go
// through the provider layer, which costs more than the MAC of a token. The
// state and the compression functions (SHA-NI/AVX2 assembly) are the same.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "detail/hmac_sha256.hpp"

#include <openssl/crypto.h>

#include <cstring>

namespace authcore::detail {
namespace {

constexpr std::size_t kBlockSize = 64;  // SHA-256 block size, B in RFC 2104 §2

// Starts `ctx` on the key block XOR-ed with `pad` (RFC 2104 §2: ipad 0x36,
// opad 0x5c).
void absorb_padded_block(SHA256_CTX& ctx, const unsigned char* key_block, unsigned char pad) noexcept {
  unsigned char padded[kBlockSize];
  for (std::size_t i = 0; i < kBlockSize; ++i) padded[i] = key_block[i] ^ pad;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, padded, kBlockSize);
  OPENSSL_cleanse(padded, sizeof padded);
}

}  // namespace

HmacSha256::HmacSha256(std::string_view key) noexcept {
  // RFC 2104 §3: a key longer than B is hashed first; shorter keys are
  // padded with zeros to B bytes.
  unsigned char key_block[kBlockSize] = {};
  if (key.size() > kBlockSize) {
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), key_block);
  } else if (!key.empty()) {
    std::memcpy(key_block, key.data(), key.size());
  }
  absorb_padded_block(inner_, key_block, 0x36);
  absorb_padded_block(outer_, key_block, 0x5c);
  OPENSSL_cleanse(key_block, sizeof key_block);
}

HmacSha256::~HmacSha256() {
  OPENSSL_cleanse(&inner_, sizeof inner_);
  OPENSSL_cleanse(&outer_, sizeof outer_);
}

Sha256Digest HmacSha256::mac(std::string_view message) const noexcept {
  Sha256Digest digest;
  SHA256_CTX ctx = inner_;
  SHA256_Update(&ctx, message.data(), message.size());
  SHA256_Final(digest.data(), &ctx);
  ctx = outer_;
  SHA256_Update(&ctx, digest.data(), digest.size());
  SHA256_Final(digest.data(), &ctx);
  OPENSSL_cleanse(&ctx, sizeof ctx);
  return digest;
}

bool HmacSha256::verify(std::string_view message, const unsigned char* expected) const noexcept {
  const Sha256Digest actual = mac(message);
  return CRYPTO_memcmp(actual.data(), expected, actual.size()) == 0;
}

}  // namespace authcore::detail
