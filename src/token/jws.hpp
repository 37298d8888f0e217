// Internal: verification of the JWS layer (RFC 7515), DESIGN §3 steps 1-5,
// separate from the JWT claim checks so it can be tested (Wycheproof JWS
// vectors have non-JSON payloads) and fuzzed on its own.
#ifndef AUTHCORE_TOKEN_JWS_HPP
#define AUTHCORE_TOKEN_JWS_HPP

#include <cstddef>
#include <string_view>

#include "authcore/claims.hpp"
#include "authcore/hmac_key.hpp"
#include "authcore/result.hpp"
#include "detail/json_scanner.hpp"
#include "token/known_headers.hpp"

namespace authcore::detail {

/// What the JWS layer takes from VerifyOptions: whether HS256 is in the
/// allow-list and the size cap.
struct JwsPolicy {
  bool hs256_allowed = true;
  std::size_t max_token_bytes = 8192;
};

/// Size, three strict base64url segments, a strict JSON header whose alg is
/// allowed and which names no unsupported extension or embedded key, the key
/// by kid, and the MAC. On success `claims` holds the decoded (not yet
/// parsed) payload and the header's kid and typ.
/// `known_headers` (may be null) lets headers parsed in advance skip step 3's
/// decoding and scanning; their checks still run.
Result<void> verify_jws(std::string_view token, const KeyRing& keys, const JwsPolicy& policy, JsonScanner& scanner,
                        Claims& claims, const KnownHeaders* known_headers = nullptr) noexcept;

}  // namespace authcore::detail

#endif
