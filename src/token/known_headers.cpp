#include "token/known_headers.hpp"

#include "detail/base64url.hpp"
#include "detail/json_writer.hpp"

namespace authcore::detail {

std::string encoded_issuer_header(TokenType type, std::string_view kid) {
  std::string json = R"({"alg":"HS256","typ":")";
  json += type == TokenType::access ? "at+jwt\"" : "rt+jwt\"";
  if (!kid.empty()) {
    json += R"(,"kid":)";
    append_json_string(json, kid);  // HmacKey guarantees valid UTF-8
  }
  json += '}';
  return base64url_encode(json);
}

KnownHeaders::KnownHeaders(const KeyRing& keys) {
  for (const auto& key : keys.keys()) {
    add(encoded_issuer_header(TokenType::access, key.kid()));
    add(encoded_issuer_header(TokenType::refresh, key.kid()));
  }
  add(base64url_encode(R"({"alg":"HS256","typ":"JWT"})"));
}

void KnownHeaders::add(std::string encoded) {
  std::string json;
  base64url_decode(encoded, json);
  Claims claims;
  JsonScanner scanner;
  auto header = ClaimsAccess::read_header(json, scanner, claims);
  if (!header) return;  // cannot happen for the headers above; never trust an unparsed one
  header->alg_text = {};
  entries_.push_back({std::move(encoded), *header,
                      claims.type() ? std::optional<std::string>(*claims.type()) : std::nullopt,
                      claims.key_id() ? std::optional<std::string>(*claims.key_id()) : std::nullopt});
}

const KnownHeaders::Entry* KnownHeaders::find(std::string_view encoded_header) const noexcept {
  for (const auto& entry : entries_) {
    if (entry.encoded == encoded_header) return &entry;
  }
  return nullptr;
}

}  // namespace authcore::detail
