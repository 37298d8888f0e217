#include "authcore/error.hpp"

#include <set>
#include <string>

#include "support/catch.hpp"

using authcore::ErrorCode;

TEST_CASE("the fourteen token codes keep their wire strings and values", "[error]") {
  const std::pair<ErrorCode, const char*> token_codes[] = {
      {ErrorCode::malformed, "malformed"},
      {ErrorCode::algorithm_not_allowed, "algorithm_not_allowed"},
      {ErrorCode::invalid_signature, "invalid_signature"},
      {ErrorCode::unknown_key, "unknown_key"},
      {ErrorCode::expired, "expired"},
      {ErrorCode::not_yet_valid, "not_yet_valid"},
      {ErrorCode::issued_in_future, "issued_in_future"},
      {ErrorCode::invalid_issuer, "invalid_issuer"},
      {ErrorCode::invalid_audience, "invalid_audience"},
      {ErrorCode::missing_claim, "missing_claim"},
      {ErrorCode::invalid_claim, "invalid_claim"},
      {ErrorCode::wrong_token_type, "wrong_token_type"},
      {ErrorCode::revoked, "revoked"},
      {ErrorCode::token_too_large, "token_too_large"},
  };
  int expected_value = 1;
  for (const auto& [code, name] : token_codes) {
    CHECK(authcore::to_string(code) == name);
    CHECK(static_cast<int>(code) == expected_value++);
    CHECK(authcore::is_token_error(code));
  }
}

TEST_CASE("codes above the token core are not token errors and have distinct names", "[error]") {
  std::set<std::string> names;
  for (int value = 1; value <= static_cast<int>(ErrorCode::insufficient_scope); ++value) {
    const auto code = static_cast<ErrorCode>(value);
    CHECK(authcore::to_string(code) != "unknown");
    names.insert(std::string(authcore::to_string(code)));
    CHECK(authcore::is_token_error(code) == (value <= 14));
  }
  CHECK(names.size() == static_cast<std::size_t>(ErrorCode::insufficient_scope));
  CHECK(authcore::to_string(static_cast<ErrorCode>(999)) == "unknown");
  CHECK_FALSE(authcore::is_token_error(static_cast<ErrorCode>(0)));
}

TEST_CASE("ErrorCode converts to std::error_code in the authcore category", "[error]") {
  const std::error_code ec = ErrorCode::expired;
  CHECK(ec.category().name() == std::string("authcore"));
  CHECK(&ec.category() == &authcore::error_category());
  CHECK(ec.value() == 5);
  CHECK(ec.message() == "expired");
  CHECK(ec == ErrorCode::expired);
  CHECK(ec != ErrorCode::revoked);
}
