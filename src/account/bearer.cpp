#include "authcore/bearer.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

namespace authcore {
namespace {

char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// RFC 6750 §2.1's b64token characters, as a table: every request's
// Authorization header is checked byte by byte, and one load per byte is
// a quarter of the cost of the comparisons it replaces (callgrind).
constexpr std::array<bool, 256> kB64TokenChars = [] {
  std::array<bool, 256> table{};
  for (char c = 'a'; c <= 'z'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c = 'A'; c <= 'Z'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c = '0'; c <= '9'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (const char c : std::string_view("-._~+/")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool is_b64token_char(char c) noexcept { return kB64TokenChars[static_cast<unsigned char>(c)]; }

// RFC 6750 §2.1: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view text) noexcept {
  const auto padding = text.find_last_not_of('=');
  if (padding == std::string_view::npos) return false;
  const std::string_view body = text.substr(0, padding + 1);
  return std::all_of(body.begin(), body.end(), is_b64token_char);
}

bool is_bearer_scheme(std::string_view scheme) noexcept {
  constexpr std::string_view kBearer = "bearer";
  return scheme.size() == kBearer.size() &&
         std::equal(scheme.begin(), scheme.end(), kBearer.begin(), [](char a, char b) { return ascii_lower(a) == b; });
}

// RFC 9110 §5.6.4: a quoted-string, with '"' and '\' escaped.
void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

// `Bearer`, then the realm and the given parameters, comma-separated.
std::string bearer_challenge(std::string_view realm, std::string_view error, std::string_view scope = {}) {
  std::string value = "Bearer";
  const char* separator = " ";
  const auto parameter = [&](std::string_view name, std::string_view text) {
    value += separator;
    value += name;
    value += '=';
    append_quoted(value, text);
    separator = ", ";
  };
  if (!realm.empty()) parameter("realm", realm);
  if (!error.empty()) parameter("error", error);
  if (!scope.empty()) parameter("scope", scope);
  return value;
}

// FastAPI's words for each status a protected route answers.
const char* detail_for(int status) noexcept {
  switch (status) {
    case 401: return "Could not validate credentials";
    case 403: return "Not enough permissions";
    default: return "Service temporarily unavailable";
  }
}

// authenticate() fails with a token code, revoked, not_found (the token's
// user is gone), insufficient_scope or a store error.
BearerRefusal refused_token(const Error& error, std::string_view realm, const ScopeSet& required_scopes) {
  // A token whose user no longer exists identifies no one: 401, as a
  // revoked one, not the 404 of a request that names a missing object.
  const int status = error.code == ErrorCode::not_found ? 401 : http_status(error.code);
  return {status, challenge(error, realm, required_scopes), detail_for(status), error.code, BearerProblem::none};
}

}  // namespace

BearerToken bearer_token(std::string_view authorization) noexcept {
  // The field value's surrounding whitespace (RFC 9110 §5.5 OWS) is not part of it.
  authorization = trim(authorization);
  if (authorization.empty()) return {{}, BearerProblem::missing};
  const std::string_view scheme = authorization.substr(0, authorization.find(' '));
  if (!is_bearer_scheme(scheme)) return {{}, BearerProblem::wrong_scheme};
  // 1*SP, then the b64token and nothing else.
  std::string_view token = authorization.substr(scheme.size());
  const auto start = token.find_first_not_of(' ');
  token = start == std::string_view::npos ? std::string_view{} : token.substr(start);
  if (!is_b64token(token)) return {{}, BearerProblem::malformed};
  return {token, BearerProblem::none};
}

std::string challenge(std::string_view realm) { return bearer_challenge(realm, {}); }

// No default: a new code is a compiler warning here until someone decides
// whether it challenges.
std::string challenge(const Error& error, std::string_view realm, const ScopeSet& required_scopes) {
  switch (error.code) {
    case ErrorCode::malformed:
    case ErrorCode::algorithm_not_allowed:
    case ErrorCode::invalid_signature:
    case ErrorCode::unknown_key:
    case ErrorCode::expired:
    case ErrorCode::not_yet_valid:
    case ErrorCode::issued_in_future:
    case ErrorCode::invalid_issuer:
    case ErrorCode::invalid_audience:
    case ErrorCode::missing_claim:
    case ErrorCode::invalid_claim:
    case ErrorCode::wrong_token_type:
    case ErrorCode::revoked:
    case ErrorCode::token_too_large:
    case ErrorCode::not_found: return bearer_challenge(realm, "invalid_token");
    case ErrorCode::insufficient_scope:
      return bearer_challenge(realm, "insufficient_scope", scope_string(required_scopes));
    case ErrorCode::invalid_credentials: return bearer_challenge(realm, {});
    case ErrorCode::invalid_key:
    case ErrorCode::invalid_argument:
    case ErrorCode::conflict:
    case ErrorCode::too_many_attempts:
    case ErrorCode::overloaded:
    case ErrorCode::store_unavailable:
    case ErrorCode::store_busy:
    case ErrorCode::store_full:
    case ErrorCode::store_error:
    case ErrorCode::account_disabled: return {};
  }
  return {};
}

int http_status(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::malformed:
    case ErrorCode::algorithm_not_allowed:
    case ErrorCode::invalid_signature:
    case ErrorCode::unknown_key:
    case ErrorCode::expired:
    case ErrorCode::not_yet_valid:
    case ErrorCode::issued_in_future:
    case ErrorCode::invalid_issuer:
    case ErrorCode::invalid_audience:
    case ErrorCode::missing_claim:
    case ErrorCode::invalid_claim:
    case ErrorCode::wrong_token_type:
    case ErrorCode::revoked:
    case ErrorCode::token_too_large:
    case ErrorCode::invalid_credentials: return 401;
    case ErrorCode::insufficient_scope: return 403;
    case ErrorCode::account_disabled: return 400;
    case ErrorCode::not_found: return 404;
    case ErrorCode::conflict: return 409;
    case ErrorCode::invalid_argument: return 422;
    case ErrorCode::too_many_attempts: return 429;
    case ErrorCode::overloaded:
    case ErrorCode::invalid_key:
    case ErrorCode::store_unavailable:
    case ErrorCode::store_busy:
    case ErrorCode::store_full:
    case ErrorCode::store_error: return 503;
  }
  return 503;
}

BearerAuthentication authenticate_header(const Authenticator& authenticator, std::string_view authorization,
                                         const ScopeSet& required_scopes, std::string_view realm) {
  const BearerToken bearer = bearer_token(authorization);
  if (!bearer) {
    return BearerAuthentication(
        BearerRefusal{401, challenge(realm), "Not authenticated", ErrorCode::invalid_credentials, bearer.problem});
  }
  auto claims = authenticator.authenticate(bearer.token, required_scopes);
  if (!claims) return BearerAuthentication(refused_token(claims.error(), realm, required_scopes));
  return BearerAuthentication(std::move(claims).value());
}

}  // namespace authcore
