#include "authcore/dangerous.hpp"

#include <string>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using authcore::ErrorCode;
using authcore::dangerous::decode_unverified;

TEST_CASE("decode_unverified returns header and payload without checking the MAC", "[dangerous]") {
  auto token = authcore::test::forge(authcore::test::kAccessHeader, R"({"sub":"x"})");
  token.back() = token.back() == 'A' ? 'B' : 'A';  // the MAC no longer matches: irrelevant here
  const auto decoded = decode_unverified(token);
  REQUIRE(decoded);
  CHECK(decoded->header == authcore::test::kAccessHeader);
  CHECK(decoded->payload == R"({"sub":"x"})");
}

TEST_CASE("decode_unverified still refuses hostile input", "[dangerous]") {
  using authcore::test::b64;
  CHECK(decode_unverified(std::string(100'000, 'a')).error().code == ErrorCode::token_too_large);
  CHECK(decode_unverified("a.b").error().code == ErrorCode::malformed);
  CHECK(decode_unverified(b64("{}") + ".e30=.").error().code == ErrorCode::malformed);
  CHECK(decode_unverified(b64("{}") + "." + b64("not json") + ".").error().code == ErrorCode::malformed);
  CHECK(decode_unverified(b64("[]") + "." + b64("{}") + ".").error().code == ErrorCode::malformed);
  CHECK(decode_unverified(b64(R"({"a":1,"a":2})") + "." + b64("{}") + ".").error().code == ErrorCode::invalid_claim);
  CHECK(decode_unverified(b64("{}") + "." + b64("{}") + ".", 1000));
}
