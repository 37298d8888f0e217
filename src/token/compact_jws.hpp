// Internal: the compact serialisation of a JWS (RFC 7515 §7.1),
// BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature).
#ifndef AUTHCORE_TOKEN_COMPACT_JWS_HPP
#define AUTHCORE_TOKEN_COMPACT_JWS_HPP

#include <optional>
#include <string_view>

#include "authcore/result.hpp"
#include "detail/json_scanner.hpp"

namespace authcore::detail {

struct CompactJws {
  std::string_view header;         ///< first segment, still encoded
  std::string_view payload;        ///< second segment, still encoded
  std::string_view signature;      ///< third segment, still encoded
  std::string_view signing_input;  ///< "header.payload" exactly as received
};

/// Splits at exactly two '.'; nullopt for any other count.
std::optional<CompactJws> split_compact(std::string_view token) noexcept;

/// Scans `json` (a decoded header or payload, named `part` in messages) and
/// checks it is one strict JSON object. Failures: malformed, or invalid_claim
/// for duplicate member names (DESIGN §2).
Result<void> scan_json_object(JsonScanner& scanner, std::string_view json, JsonVisitor* visitor, const char* part);

}  // namespace authcore::detail

#endif
