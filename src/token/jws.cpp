#include "token/jws.hpp"

#include <string>

#include "detail/base64url.hpp"
#include "detail/hmac_sha256.hpp"
#include "token/claims_reader.hpp"
#include "token/compact_jws.hpp"
#include "token/key_access.hpp"
#include "token/scratch_buffer.hpp"

namespace authcore::detail {
namespace {

constexpr std::size_t kSignatureSize = 32;  // HMAC-SHA256 output (RFC 7518 §3.2)

Error reject(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

Result<void> check_header(const JoseHeader& header, const JwsPolicy& policy) {
  if (header.alg == JoseHeader::Alg::missing) return reject(ErrorCode::algorithm_not_allowed, "header has no alg");
  if (header.alg == JoseHeader::Alg::not_a_string) {
    return reject(ErrorCode::algorithm_not_allowed, "header alg is not a string");
  }
  if (header.alg != JoseHeader::Alg::hs256 || !policy.hs256_allowed) {
    constexpr std::size_t kShown = 32;
    return reject(ErrorCode::algorithm_not_allowed,
                  "alg " + std::string(header.alg_text.substr(0, kShown)) + " is not allowed");
  }
  // RFC 7515 §4.1.11: a recipient must reject a token whose "crit" lists an
  // extension it does not implement; authcore implements none. RFC 7797 "b64"
  // changes what is signed, so it is refused outright.
  if (header.has_crit) return reject(ErrorCode::invalid_claim, "header crit names an unsupported extension");
  if (header.has_b64) return reject(ErrorCode::invalid_claim, "header b64 (RFC 7797) is not supported");
  // A key named by the token itself would let the sender choose the key.
  if (header.has_key_reference) {
    return reject(ErrorCode::unknown_key, "header carries its own key (jwk/jku/x5u/x5c); refused");
  }
  if (header.bad_kid) return reject(ErrorCode::malformed, "header kid is not a string");
  if (header.bad_typ) return reject(ErrorCode::malformed, "header typ is not a string");
  return {};
}

// A known header's stored reading (see known_headers.hpp).
JoseHeader adopt(const KnownHeaders::Entry& known, Claims& claims) {
  ClaimsAccess::set_header_strings(claims, known.type, known.key_id);
  return known.header;
}

}  // namespace

Result<void> verify_jws(std::string_view token, const KeyRing& keys, const JwsPolicy& policy, JsonScanner& scanner,
                        Claims& claims, const KnownHeaders* known_headers) noexcept {
  // 1. Size first, so an oversize input costs O(1) and is never decoded.
  if (token.size() > policy.max_token_bytes) {
    return reject(ErrorCode::token_too_large,
                  "token is longer than " + std::to_string(policy.max_token_bytes) + " bytes");
  }

  // 2. Three strict base64url segments. A known header is strict base64url
  // by construction and needs no decoding.
  const auto jws = split_compact(token);
  if (!jws) return reject(ErrorCode::malformed, "a compact JWS has exactly three segments (RFC 7515 §7.1)");
  const KnownHeaders::Entry* known = known_headers != nullptr ? known_headers->find(jws->header) : nullptr;
  ScratchBuffer<512> header_json;
  if (known == nullptr &&
      !base64url_decode(jws->header, header_json.prepare(base64url_decoded_size(jws->header.size())))) {
    return reject(ErrorCode::malformed, "header is not strict base64url");
  }
  if (!base64url_decode(jws->payload, ClaimsAccess::payload_buffer(claims))) {
    return reject(ErrorCode::malformed, "payload is not strict base64url");
  }
  ScratchBuffer<kSignatureSize> signature;
  if (!base64url_decode(jws->signature, signature.prepare(base64url_decoded_size(jws->signature.size())))) {
    return reject(ErrorCode::malformed, "signature is not strict base64url");
  }

  // 3. The header.
  const Result<JoseHeader> header =
      known != nullptr ? adopt(*known, claims) : ClaimsAccess::read_header(header_json.view(), scanner, claims);
  if (!header) return header.error();
  if (auto checked = check_header(*header, policy); !checked) return checked;

  // 4. The key (DESIGN §3 step 4).
  const HmacKey* key = keys.select(header->has_kid, claims.key_id().value_or(std::string_view{}));
  if (key == nullptr) return reject(ErrorCode::unknown_key, "no key has the token's kid");

  // 5. The MAC over the bytes as received, never re-serialised (RFC 7515
  // §5.2 step 5), compared in constant time.
  if (signature.size() != kSignatureSize || !KeyAccess::mac(*key).verify(jws->signing_input, signature.data())) {
    return reject(ErrorCode::invalid_signature, "signature does not match");
  }
  return {};
}

}  // namespace authcore::detail
