// Internal: JOSE headers whose meaning is known before a token arrives.
//
// Nearly every token a verifier sees carries one of a handful of header
// byte strings: the ones authcore's own issuer writes for the ring's keys,
// and {"alg":"HS256","typ":"JWT"}, the header of most other libraries. Each
// is parsed once, here, by the same strict code; a token whose first segment
// is byte-for-byte one of them skips decoding and scanning its header (about
// a tenth of a verification). Any other header takes the full path.
#ifndef AUTHCORE_TOKEN_KNOWN_HEADERS_HPP
#define AUTHCORE_TOKEN_KNOWN_HEADERS_HPP

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authcore/claims.hpp"
#include "authcore/hmac_key.hpp"
#include "token/claims_reader.hpp"

namespace authcore::detail {

/// The base64url header TokenIssuer writes: {"alg":"HS256","typ":T} plus
/// "kid" when `kid` is not empty (DESIGN §3, Issuing).
std::string encoded_issuer_header(TokenType type, std::string_view kid);

class KnownHeaders {
 public:
  struct Entry {
    std::string encoded;  ///< the first segment, as it appears in tokens
    JoseHeader header;    ///< what reading it gives (alg_text left empty)
    std::optional<std::string> type;
    std::optional<std::string> key_id;
  };

  explicit KnownHeaders(const KeyRing& keys);

  /// The entry whose encoding is exactly `encoded_header`, or nullptr.
  const Entry* find(std::string_view encoded_header) const noexcept;

 private:
  void add(std::string encoded);

  std::vector<Entry> entries_;
};

}  // namespace authcore::detail

#endif
