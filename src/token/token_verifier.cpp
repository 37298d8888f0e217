#include "authcore/token_verifier.hpp"

#include <algorithm>
#include <utility>

#include "detail/json_scanner.hpp"
#include "token/claims_reader.hpp"
#include "token/jws.hpp"
#include "token/known_headers.hpp"

namespace authcore {
namespace {

constexpr std::chrono::seconds kMaxLeeway{24 * 60 * 60};
// Claims stores 30-bit sizes of strings in the payload.
constexpr std::size_t kMaxTokenBytesLimit = std::size_t{1} << 30;

VerifyOptions clamped(VerifyOptions options) {
  options.leeway = std::clamp(options.leeway, std::chrono::seconds{0}, kMaxLeeway);
  options.max_token_bytes = std::min(options.max_token_bytes, kMaxTokenBytesLimit);
  return options;
}

// What the JWS layer (DESIGN §3 steps 1-5) needs of the options.
detail::JwsPolicy jws_policy(const VerifyOptions& options) noexcept {
  const bool hs256 =
      std::find(options.algorithms.begin(), options.algorithms.end(), Algorithm::HS256) != options.algorithms.end();
  return detail::JwsPolicy{hs256, options.max_token_bytes};
}

char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case folding only: media type names are ASCII (RFC 6838 §4.2).
bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// RFC 7515 §4.1.9: media type names are case-insensitive and "application/"
// may be omitted.
bool typ_is(std::string_view typ, std::string_view expected) noexcept {
  constexpr std::string_view prefix = "application/";
  if (typ.size() > prefix.size() && iequals(typ.substr(0, prefix.size()), prefix)) {
    typ.remove_prefix(prefix.size());
  }
  return iequals(typ, expected);
}

bool type_matches(std::optional<std::string_view> typ, TokenType expected) noexcept {
  if (expected == TokenType::refresh) return typ && typ_is(*typ, "rt+jwt");
  // Access tokens from issuers that do not type them (PyJWT writes "JWT",
  // others nothing) are accepted; a refresh token's "rt+jwt" never is.
  return !typ || typ_is(*typ, "at+jwt") || typ_is(*typ, "JWT");
}

Error reject(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

Result<void> check_times(const Claims& claims, const VerifyOptions& options, std::int64_t now) {
  // All NumericDates are within ±2^62 and the leeway within a day, so none
  // of these sums can overflow.
  const std::int64_t leeway = options.leeway.count();
  now = std::clamp(now, -detail::kNumericDateLimit, detail::kNumericDateLimit);
  if (const auto exp = claims.expires_at()) {
    if (now > *exp + leeway) return reject(ErrorCode::expired, "token expired");
  } else if (options.require_exp) {
    return reject(ErrorCode::missing_claim, "token has no exp claim");
  }
  if (const auto nbf = claims.not_before(); nbf && now < *nbf - leeway) {
    return reject(ErrorCode::not_yet_valid, "token is not valid yet (nbf)");
  }
  if (const auto iat = claims.issued_at(); iat && *iat > now + leeway) {
    return reject(ErrorCode::issued_in_future, "token issued in the future (iat)");
  }
  return {};
}

Result<void> check_parties(const Claims& claims, const VerifyOptions& options) {
  if (options.issuer) {
    const auto iss = claims.issuer();
    if (!iss) return reject(ErrorCode::missing_claim, "token has no iss claim");
    if (*iss != *options.issuer) return reject(ErrorCode::invalid_issuer, "token iss is not the expected issuer");
  }
  if (options.audience) {
    if (!claims.has_audience()) return reject(ErrorCode::missing_claim, "token has no aud claim");
    if (!claims.audience_includes(*options.audience)) {
      return reject(ErrorCode::invalid_audience, "token aud does not include the expected audience");
    }
  } else if (claims.has_audience()) {
    return reject(ErrorCode::invalid_audience, "token has an aud claim but no audience is expected");
  }
  for (const auto& name : options.required_claims) {
    if (!claims.contains(name)) return reject(ErrorCode::missing_claim, "token has no " + name + " claim");
  }
  return {};
}

}  // namespace

TokenVerifier::TokenVerifier(KeyRing keys, VerifyOptions options, const Clock& clock)
    : keys_(std::move(keys)),
      options_(clamped(std::move(options))),
      clock_(&clock),
      known_headers_(std::make_shared<const detail::KnownHeaders>(keys_)) {}

Result<Claims> TokenVerifier::verify(std::string_view token) const noexcept {
  // Filled in place and returned by NRVO: Claims is large enough that moving
  // it into the Result would be a measurable part of a verification.
  Result<Claims> result{std::in_place};
  if (auto verified = verify_into(token, *result); !verified) result = verified.error();
  return result;
}

Result<void> TokenVerifier::verify_into(std::string_view token, Claims& claims) const noexcept {
  detail::JsonScanner scanner;
  // Steps 1-5: size, segments, header, key, MAC (RFC 7515).
  if (auto authentic = detail::verify_jws(token, keys_, jws_policy(options_), scanner, claims, known_headers_.get());
      !authentic)
    return authentic;
  // 6. Only an authentic payload is parsed.
  if (auto read = detail::ClaimsAccess::read_payload(scanner, claims); !read) return read;

  // 7. The claims (RFC 7519 §7.2 step 10 and §4.1).
  if (options_.expected_type && !type_matches(claims.type(), *options_.expected_type)) {
    return reject(ErrorCode::wrong_token_type,
                  "token typ is not that of a" +
                      std::string(*options_.expected_type == TokenType::access ? "n access token" : " refresh token"));
  }
  if (auto checked = check_times(claims, options_, clock_->unix_seconds()); !checked) return checked;
  return check_parties(claims, options_);
}

}  // namespace authcore
