// Internal: the issuer and verifier reach a key's precomputed HMAC state
// through this friend, so the state never appears in the public API.
#ifndef AUTHCORE_TOKEN_KEY_ACCESS_HPP
#define AUTHCORE_TOKEN_KEY_ACCESS_HPP

#include "authcore/hmac_key.hpp"
#include "detail/hmac_sha256.hpp"

namespace authcore::detail {

struct KeyAccess {
  static const HmacSha256& mac(const HmacKey& key) noexcept { return *key.mac_; }
};

}  // namespace authcore::detail

#endif
