#include "authcore/token_issuer.hpp"

#include <set>
#include <string>

#include "authcore/dangerous.hpp"
#include "authcore/token_verifier.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace authcore;
using namespace std::chrono_literals;

namespace {

const FixedClock& test_clock() {
  static const FixedClock clock(FixedClock::from_unix_seconds(test::kNow));
  return clock;
}

nlohmann::json header_of(const std::string& token) {
  return nlohmann::json::parse(dangerous::decode_unverified(token).value().header);
}
nlohmann::json payload_of(const std::string& token) {
  return nlohmann::json::parse(dangerous::decode_unverified(token).value().payload);
}

}  // namespace

TEST_CASE("issue writes the documented header and payload", "[issuer]") {
  const TokenIssuer issuer(test::test_key(), test_clock());
  IssueOptions options;
  options.subject = "alice";
  options.issuer = "https://issuer.example";
  options.audience = "api";
  options.session_id = "session-1";
  options.custom = {{"role", "admin"}};
  const auto token = issuer.issue(options);
  REQUIRE(token);
  CHECK(token->find('=') == std::string::npos);
  CHECK(header_of(*token) == nlohmann::json{{"alg", "HS256"}, {"typ", "at+jwt"}});
  const auto payload = payload_of(*token);
  CHECK(payload["sub"] == "alice");
  CHECK(payload["iat"] == test::kNow);
  CHECK(payload["exp"] == test::kNow + 900);
  CHECK(payload["iss"] == "https://issuer.example");
  CHECK(payload["aud"] == "api");
  CHECK(payload["sid"] == "session-1");
  CHECK(payload["role"] == "admin");
  CHECK(payload["jti"].get<std::string>().size() == 22);  // 128 bits in base64url
}

TEST_CASE("issued tokens verify, with the MAC an independent HMAC computes", "[issuer]") {
  const TokenIssuer issuer(test::test_key(), test_clock());
  IssueOptions options;
  options.subject = "bob";
  const auto token = issuer.issue(options).value();
  const auto last_dot = token.rfind('.');
  CHECK(token.substr(last_dot + 1) == test::b64(test::hmac_sha256(test::kKeyBytes, token.substr(0, last_dot))));
  const TokenVerifier verifier(test::test_key(), {}, test_clock());
  const auto claims = verifier.verify(token);
  REQUIRE(claims);
  CHECK(claims->subject() == "bob");
}

TEST_CASE("refresh tokens are typed rt+jwt and the kid of the signing key is written", "[issuer]") {
  const auto ring = KeyRing::create({test::test_key("old"), test::test_key("new")}, "new").value();
  const TokenIssuer issuer(ring, test_clock());
  IssueOptions options;
  options.subject = "alice";
  options.type = TokenType::refresh;
  options.ttl = 14 * 24h;
  const auto token = issuer.issue(options).value();
  CHECK(header_of(token) == nlohmann::json{{"alg", "HS256"}, {"typ", "rt+jwt"}, {"kid", "new"}});
  CHECK(payload_of(token)["exp"] == test::kNow + 14 * 24 * 3600);
}

TEST_CASE("every token gets a fresh jti unless one is given", "[issuer]") {
  const TokenIssuer issuer(test::test_key(), test_clock());
  IssueOptions options;
  options.subject = "alice";
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(payload_of(issuer.issue(options).value())["jti"].get<std::string>());
  CHECK(ids.size() == 100);
  options.jwt_id = "chosen";
  CHECK(payload_of(issuer.issue(options).value())["jti"] == "chosen");
}

TEST_CASE("issue refuses bad options with invalid_argument", "[issuer]") {
  const TokenIssuer issuer(test::test_key(), test_clock());
  IssueOptions valid;
  valid.subject = "alice";

  auto refused = [&](IssueOptions options) {
    const auto token = issuer.issue(options);
    REQUIRE_FALSE(token);
    CHECK(token.error().code == ErrorCode::invalid_argument);
  };
  SECTION("empty subject") {
    auto options = valid;
    options.subject.clear();
    refused(options);
  }
  SECTION("ttl zero, negative, or past the NumericDate range") {
    auto options = valid;
    options.ttl = 0s;
    refused(options);
    options.ttl = -5s;
    refused(options);
    options.ttl = std::chrono::seconds::max();
    refused(options);
  }
  SECTION("a custom claim named like a registered one") {
    for (const char* name : {"sub", "exp", "iat", "nbf", "iss", "aud", "jti", "sid"}) {
      auto options = valid;
      options.custom = {{name, "override"}};
      refused(options);
    }
  }
  SECTION("custom claims that are not an object") {
    auto options = valid;
    options.custom = nlohmann::json::array({1, 2});
    refused(options);
  }
  SECTION("strings that are not UTF-8") {
    auto options = valid;
    options.subject = "\xc3\x28";
    refused(options);
    options = valid;
    options.issuer = "\xff";
    refused(options);
    options = valid;
    options.custom = {{"name", "\xed\xa0\x80"}};  // an encoded surrogate
    refused(options);
  }
}

TEST_CASE("strings that need escaping survive the round trip", "[issuer]") {
  const TokenIssuer issuer(test::test_key(), test_clock());
  IssueOptions options;
  using namespace std::string_literals;
  options.subject = "quote\" backslash\\ nul\0 tab\t \xe2\x82\xac"s;
  options.custom = {{"note", "line\nbreak"}};
  const auto token = issuer.issue(options).value();
  const TokenVerifier verifier(test::test_key(), {}, test_clock());
  const auto claims = verifier.verify(token);
  REQUIRE(claims);
  CHECK(claims->subject() == options.subject);
  CHECK(claims->get<std::string>("note") == "line\nbreak");
}
