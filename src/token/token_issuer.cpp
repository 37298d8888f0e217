#include "authcore/token_issuer.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "detail/base64url.hpp"
#include "detail/hmac_sha256.hpp"
#include "detail/json_scanner.hpp"
#include "detail/json_writer.hpp"
#include "detail/random_id.hpp"
#include "token/key_access.hpp"
#include "token/known_headers.hpp"

namespace authcore {
namespace {

// RFC 7519 §4.1 names authcore writes or checks; custom claims may not reuse them.
constexpr std::array<std::string_view, 8> kRegisteredClaims{"sub", "exp", "iat", "nbf", "iss", "aud", "jti", "sid"};

Error invalid(std::string message) { return Error{ErrorCode::invalid_argument, std::move(message)}; }

// Writes `"name":"value"` (with a leading comma unless first).
Result<void> add_string(std::string& payload, std::string_view name, std::string_view value) {
  if (payload.size() > 1) payload += ',';
  payload += '"';
  payload += name;
  payload += "\":";
  if (!detail::append_json_string(payload, value)) {
    return invalid("claim " + std::string(name) + " is not valid UTF-8");
  }
  return {};
}

void add_integer(std::string& payload, std::string_view name, std::int64_t value) {
  payload += ",\"";
  payload += name;
  payload += "\":";
  detail::append_json_integer(payload, value);
}

// Strings, the usual custom claim, are written directly; other values
// through nlohmann, which refuses invalid UTF-8 in strict mode.
bool append_custom_value(std::string& payload, const nlohmann::json& value) {
  if (const auto* text = value.get_ptr<const std::string*>()) return detail::append_json_string(payload, *text);
  try {
    payload += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

Result<void> add_custom(std::string& payload, const nlohmann::json& custom) {
  if (custom.is_null()) return {};
  // get_ptr, not items(): the same members in the same order, without the
  // iterator's throwing paths for non-objects (issue() is noexcept).
  const auto* members = custom.get_ptr<const nlohmann::json::object_t*>();
  if (members == nullptr) return invalid("custom claims must be a JSON object");
  for (const auto& [name, value] : *members) {
    if (std::find(kRegisteredClaims.begin(), kRegisteredClaims.end(), name) != kRegisteredClaims.end()) {
      return invalid("custom claim \"" + name + "\" would override a registered claim");
    }
    payload += ',';
    if (!detail::append_json_string(payload, name)) return invalid("a custom claim name is not valid UTF-8");
    payload += ':';
    if (!append_custom_value(payload, value)) {
      return invalid("custom claim \"" + name + "\" holds a string that is not valid UTF-8");
    }
  }
  return {};
}

}  // namespace

TokenIssuer::TokenIssuer(KeyRing keys, const Clock& clock)
    : keys_(std::move(keys)),
      clock_(&clock),
      access_header_(detail::encoded_issuer_header(TokenType::access, keys_.current().kid())),
      refresh_header_(detail::encoded_issuer_header(TokenType::refresh, keys_.current().kid())) {}

Result<std::string> TokenIssuer::issue(const IssueOptions& options) const noexcept {
  if (options.subject.empty()) return invalid("a token needs a subject (sub)");
  if (options.ttl.count() <= 0) return invalid("ttl must be positive");
  const std::int64_t issued_at = options.issued_at ? *options.issued_at : clock_->unix_seconds();
  if (issued_at < 0) return invalid("issued_at must not be negative");
  if (options.ttl.count() > detail::kNumericDateLimit - issued_at) return invalid("ttl is too long");

  constexpr std::size_t kTypicalPayload = 256;
  std::string payload;
  payload.reserve(kTypicalPayload);
  payload += '{';
  if (auto added = add_string(payload, "sub", options.subject); !added) return added.error();
  add_integer(payload, "iat", issued_at);
  add_integer(payload, "exp", issued_at + options.ttl.count());
  if (auto added = add_string(payload, "jti", options.jwt_id ? *options.jwt_id : detail::random_id()); !added) {
    return added.error();
  }
  const std::pair<std::string_view, const std::optional<std::string>*> optional_claims[] = {
      {"iss", &options.issuer}, {"aud", &options.audience}, {"sid", &options.session_id}};
  for (const auto& [name, value] : optional_claims) {
    if (!value->has_value()) continue;
    if (auto added = add_string(payload, name, **value); !added) return added.error();
  }
  if (auto added = add_custom(payload, options.custom); !added) return added.error();
  payload += '}';

  const std::string& header = options.type == TokenType::access ? access_header_ : refresh_header_;
  std::string token;
  token.reserve(header.size() + detail::base64url_encoded_size(payload.size()) + 46);
  token += header;
  token += '.';
  detail::base64url_append(token, payload);
  const auto mac = detail::KeyAccess::mac(keys_.current()).mac(token);
  token += '.';
  detail::base64url_append(token, {reinterpret_cast<const char*>(mac.data()), mac.size()});
  return token;
}

}  // namespace authcore
