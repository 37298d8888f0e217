// Internal: fills a Claims from a token's header and payload in one scan
// each, typing the registered claims as it goes.
#ifndef AUTHCORE_TOKEN_CLAIMS_READER_HPP
#define AUTHCORE_TOKEN_CLAIMS_READER_HPP

#include <optional>
#include <string>
#include <string_view>

#include "authcore/claims.hpp"
#include "authcore/result.hpp"
#include "detail/json_scanner.hpp"

namespace authcore::detail {

/// What the JOSE header (RFC 7515 §4) says, as far as verification cares.
struct JoseHeader {
  enum class Alg : std::uint8_t { missing, not_a_string, hs256, other };
  Alg alg = Alg::missing;
  std::string_view alg_text;       ///< the raw `alg` value, for messages
  bool has_crit = false;           ///< RFC 7515 §4.1.11
  bool has_b64 = false;            ///< RFC 7797 §3
  bool has_key_reference = false;  ///< jwk, jku, x5u or x5c (RFC 7515 §4.1.2-6)
  bool has_kid = false;
  bool bad_kid = false;  ///< kid present but not a string
  bool bad_typ = false;  ///< typ present but not a string
};

struct ClaimsAccess {
  /// Scans the decoded header; `kid` and `typ` are copied into `claims`.
  static Result<JoseHeader> read_header(std::string_view header_json, JsonScanner& scanner, Claims& claims);

  /// Sets the header's `typ` and `kid` as read_header() would have.
  static void set_header_strings(Claims& claims, const std::optional<std::string>& type,
                                 const std::optional<std::string>& key_id);

  /// Where the decoded payload goes before read_payload().
  static std::string& payload_buffer(Claims& claims) noexcept { return claims.payload_; }

  /// Scans claims.payload(), recording the registered claims. Failures:
  /// malformed (not a strict JSON object), invalid_claim (duplicate names,
  /// a registered claim of the wrong JSON type).
  static Result<void> read_payload(JsonScanner& scanner, Claims& claims);

 private:
  // Members of ClaimsAccess, so they share its friendship with Claims.
  class HeaderVisitor;
  class PayloadVisitor;
  class AudienceVisitor;
};

}  // namespace authcore::detail

#endif
