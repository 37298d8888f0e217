// Table-driven verification tests (golang-jwt's jwtTestData, in Catch2):
// each row is a token, the options to verify it with, and the exact
// ErrorCode expected (or success).
#ifndef AUTHCORE_TESTS_SUPPORT_VERIFY_TABLE_HPP
#define AUTHCORE_TESTS_SUPPORT_VERIFY_TABLE_HPP

#include <optional>
#include <string>
#include <vector>

#include "authcore/token_verifier.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

namespace authcore::test {

struct VerifyRow {
  std::string name;
  std::string token;
  std::optional<ErrorCode> expected;  ///< nullopt: the token must verify
  VerifyOptions options{};
};

/// A token with this header and the default payload, correctly signed.
inline std::string with_header(std::string_view header_json) { return forge(header_json, default_payload()); }

/// A token with the access header and this payload, correctly signed.
inline std::string with_payload(std::string_view payload_json) { return forge(kAccessHeader, payload_json); }

/// Verifies `row` with the test key at kNow (or with `keys`) and checks the
/// outcome is exactly the one the row expects.
inline void check_row(const VerifyRow& row, const KeyRing& keys = KeyRing(test_key())) {
  static const FixedClock clock(FixedClock::from_unix_seconds(kNow));
  const TokenVerifier verifier(keys, row.options, clock);
  const auto result = verifier.verify(row.token);
  INFO("row: " << row.name);
  INFO("got: " << (result ? std::string("success")
                          : std::string(to_string(result.error().code)) + " (" + result.error().message + ")"));
  if (row.expected) {
    REQUIRE_FALSE(result);
    CHECK(result.error().code == *row.expected);
    CHECK_FALSE(result.error().message.empty());
  } else {
    CHECK(result);
  }
}

}  // namespace authcore::test

#endif
