// authcore/dangerous.hpp: reading a token WITHOUT verifying it.
#ifndef AUTHCORE_DANGEROUS_HPP
#define AUTHCORE_DANGEROUS_HPP

#include <cstddef>
#include <string>
#include <string_view>

#include "authcore/export.hpp"
#include "authcore/result.hpp"

namespace authcore::dangerous {

/// The decoded, UNVERIFIED parts of a token.
struct UnverifiedToken {
  std::string header;   ///< header JSON text
  std::string payload;  ///< payload JSON text
};

/// Decodes a token's header and payload without checking its signature or
/// any claim: anyone can forge what this returns. For debugging tools only
/// (`authctl decode`); never base a decision on it. The input is still
/// treated as hostile: oversize input is token_too_large, bad segments or
/// base64url are malformed, and both parts must be strict JSON objects
/// (malformed; duplicate names invalid_claim).
AUTHCORE_API Result<UnverifiedToken> decode_unverified(std::string_view token, std::size_t max_token_bytes = 8192);

}  // namespace authcore::dangerous

#endif  // AUTHCORE_DANGEROUS_HPP
