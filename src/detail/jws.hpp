// Internal: verification of the JWS layer (RFC 7515), DESIGN §3 steps 1-5,
// separate from the JWT claim checks so it can be tested (Wycheproof JWS
// vectors have non-JSON payloads) and fuzzed on its own.
#ifndef AUTHCORE_DETAIL_JWS_HPP
#define AUTHCORE_DETAIL_JWS_HPP

#include <string_view>

#include "authcore/claims.hpp"
#include "authcore/export.hpp"
#include "authcore/hmac_key.hpp"
#include "authcore/result.hpp"
#include "authcore/token_verifier.hpp"
#include "detail/json_scanner.hpp"
#include "detail/known_headers.hpp"

namespace authcore::detail {

/// Size, three strict base64url segments, a strict JSON header whose alg is
/// allowed and which names no unsupported extension or embedded key, the key
/// by kid, and the MAC. On success `claims` holds the decoded (not yet
/// parsed) payload and the header's kid and typ.
/// `known_headers` (may be null) lets headers parsed in advance skip step 3's
/// decoding and scanning; their checks still run.
AUTHCORE_API Result<void> verify_jws(std::string_view token, const KeyRing& keys, const VerifyOptions& options,
                                     JsonScanner& scanner, Claims& claims,
                                     const KnownHeaders* known_headers = nullptr) noexcept;

}  // namespace authcore::detail

#endif
