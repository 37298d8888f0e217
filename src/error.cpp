#include "authcore/error.hpp"

#include <string>

namespace authcore {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::malformed: return "malformed";
    case ErrorCode::algorithm_not_allowed: return "algorithm_not_allowed";
    case ErrorCode::invalid_signature: return "invalid_signature";
    case ErrorCode::unknown_key: return "unknown_key";
    case ErrorCode::expired: return "expired";
    case ErrorCode::not_yet_valid: return "not_yet_valid";
    case ErrorCode::issued_in_future: return "issued_in_future";
    case ErrorCode::invalid_issuer: return "invalid_issuer";
    case ErrorCode::invalid_audience: return "invalid_audience";
    case ErrorCode::missing_claim: return "missing_claim";
    case ErrorCode::invalid_claim: return "invalid_claim";
    case ErrorCode::wrong_token_type: return "wrong_token_type";
    case ErrorCode::revoked: return "revoked";
    case ErrorCode::token_too_large: return "token_too_large";
    case ErrorCode::invalid_key: return "invalid_key";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::invalid_credentials: return "invalid_credentials";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::too_many_attempts: return "too_many_attempts";
    case ErrorCode::overloaded: return "overloaded";
    case ErrorCode::store_unavailable: return "store_unavailable";
    case ErrorCode::store_busy: return "store_busy";
    case ErrorCode::store_full: return "store_full";
    case ErrorCode::store_error: return "store_error";
    case ErrorCode::account_disabled: return "account_disabled";
    case ErrorCode::insufficient_scope: return "insufficient_scope";
  }
  return "unknown";
}

bool is_token_error(ErrorCode code) noexcept {
  const int value = static_cast<int>(code);
  return value >= static_cast<int>(ErrorCode::malformed) && value <= static_cast<int>(ErrorCode::token_too_large);
}

namespace {

class AuthcoreCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "authcore"; }
  std::string message(int value) const override { return std::string(to_string(static_cast<ErrorCode>(value))); }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const AuthcoreCategory category;
  return category;
}

std::error_code make_error_code(ErrorCode code) noexcept { return {static_cast<int>(code), error_category()}; }

}  // namespace authcore
