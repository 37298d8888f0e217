#include "authcore/claims.hpp"

#include <string>

#include "authcore/token_verifier.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace authcore;

namespace {

Claims verified(const std::string& payload, VerifyOptions options = {}) {
  static const FixedClock clock(FixedClock::from_unix_seconds(test::kNow));
  const TokenVerifier verifier(test::test_key(), std::move(options), clock);
  auto claims = verifier.verify(test::forge(test::kAccessHeader, payload));
  INFO((claims ? std::string() : claims.error().message));
  REQUIRE(claims);
  return std::move(claims).value();
}

}  // namespace

TEST_CASE("Claims exposes the registered claims typed", "[claims]") {
  const auto claims = verified(R"({"sub":"alice","iss":"https://issuer.example","jti":"id-1","sid":"s-1","aud":"api",)"
                               R"("iat":1700000000,"nbf":1699999999,"exp":1700000900})",
                               [] {
                                 VerifyOptions options;
                                 options.issuer = "https://issuer.example";
                                 options.audience = "api";
                                 return options;
                               }());
  CHECK(claims.subject() == "alice");
  CHECK(claims.issuer() == "https://issuer.example");
  CHECK(claims.jwt_id() == "id-1");
  CHECK(claims.session_id() == "s-1");
  CHECK(claims.audience() == std::vector<std::string_view>{"api"});
  CHECK(claims.issued_at() == 1'700'000'000);
  CHECK(claims.not_before() == 1'699'999'999);
  CHECK(claims.expires_at() == 1'700'000'900);
  CHECK(claims.type() == "at+jwt");
  CHECK_FALSE(claims.key_id());
}

TEST_CASE("Claims unescapes string claims", "[claims]") {
  const auto claims = verified(R"({"sub":"al\u0069ce \"q\" \ud83d\ude00 \/","exp":1700000900})");
  CHECK(claims.subject() == "alice \"q\" \xF0\x9F\x98\x80 /");
}

TEST_CASE("Claims keeps the payload exactly as signed", "[claims]") {
  const std::string payload = R"({"exp":1700000900, "big":123456789012345678901234567890,"n":1.50})";
  const auto claims = verified(payload);
  CHECK(claims.payload() == payload);
  CHECK(claims.raw("big") == "123456789012345678901234567890");
  CHECK(claims.raw("n") == "1.50");
  CHECK_FALSE(claims.raw("missing"));
}

TEST_CASE("Custom claims convert on demand with nlohmann::json", "[claims]") {
  const auto claims = verified(R"({"exp":1700000900,"role":"admin","level":7,"tags":["a","b"],"nested":{"x":true}})");
  CHECK(claims.get<std::string>("role") == "admin");
  CHECK(claims.get<int>("level") == 7);
  CHECK(claims.get<std::vector<std::string>>("tags") == std::vector<std::string>{"a", "b"});
  CHECK(claims.get<bool>("nested") == std::nullopt);  // wrong type: nullopt, no throw
  CHECK(claims.get<std::string>("absent") == std::nullopt);
  CHECK(claims.contains("nested"));
  CHECK_FALSE(claims.contains("absent"));
  const auto json = claims.json();
  CHECK(json["nested"]["x"] == true);
  CHECK(json["tags"].size() == 2);
}

TEST_CASE("aud may be an array", "[claims]") {
  VerifyOptions options;
  options.audience = "api";
  const auto claims = verified(R"({"exp":1700000900,"aud":["web","api"]})", options);
  CHECK(claims.audience() == std::vector<std::string_view>{"web", "api"});
  CHECK(claims.has_audience());
}

TEST_CASE("Fractional NumericDates round towards rejection", "[claims]") {
  const auto claims = verified(R"({"exp":1700000900.9,"nbf":1699999998.1,"iat":1699999999.5})");
  CHECK(claims.expires_at() == 1'700'000'900);
  CHECK(claims.not_before() == 1'699'999'999);
  CHECK(claims.issued_at() == 1'700'000'000);
}

TEST_CASE("A default Claims is empty", "[claims]") {
  const Claims claims;
  CHECK_FALSE(claims.subject());
  CHECK(claims.audience().empty());
  CHECK(claims.json() == nlohmann::json::object());
  CHECK(to_string(TokenType::access) == "access");
  CHECK(to_string(TokenType::refresh) == "refresh");
}
