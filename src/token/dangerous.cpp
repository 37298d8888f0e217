#include "authcore/dangerous.hpp"

#include "detail/base64url.hpp"
#include "detail/json_scanner.hpp"
#include "token/compact_jws.hpp"

namespace authcore::dangerous {

Result<UnverifiedToken> decode_unverified(std::string_view token, std::size_t max_token_bytes) {
  if (token.size() > max_token_bytes) {
    return Error{ErrorCode::token_too_large, "token is longer than " + std::to_string(max_token_bytes) + " bytes"};
  }
  const auto jws = detail::split_compact(token);
  if (!jws) return Error{ErrorCode::malformed, "a compact JWS has exactly three segments (RFC 7515 §7.1)"};
  UnverifiedToken decoded;
  std::string signature;
  if (!detail::base64url_decode(jws->header, decoded.header) ||
      !detail::base64url_decode(jws->payload, decoded.payload) ||
      !detail::base64url_decode(jws->signature, signature)) {
    return Error{ErrorCode::malformed, "a segment is not strict base64url"};
  }
  detail::JsonScanner scanner;
  if (auto scanned = detail::scan_json_object(scanner, decoded.header, nullptr, "header"); !scanned) {
    return scanned.error();
  }
  if (auto scanned = detail::scan_json_object(scanner, decoded.payload, nullptr, "payload"); !scanned) {
    return scanned.error();
  }
  return decoded;
}

}  // namespace authcore::dangerous
