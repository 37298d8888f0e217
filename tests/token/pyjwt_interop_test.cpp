// Interop both ways with PyJWT (Debian python3-jwt, run by /usr/bin/python3).
#include <string>

#include <nlohmann/json.hpp>

#include "authcore/token_issuer.hpp"
#include "authcore/token_verifier.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace authcore;

namespace {

const std::string kScript = std::string(AUTHCORE_TEST_SOURCE_DIR) + "/support/pyjwt_interop.py";
const std::string kIssuer = "https://issuer.example";
const std::string kAudience = "api";

}  // namespace

TEST_CASE("authcore tokens verify in PyJWT with kid and custom claims intact", "[interop]") {
  const TokenIssuer issuer(test::test_key("key-2024"));
  IssueOptions options;
  options.subject = "alice";
  options.issuer = kIssuer;
  options.audience = kAudience;
  options.session_id = "s-1";
  options.custom = {{"role", "admin"},
                    {"n", 12345678901234567890ULL},
                    {"name", "Zo\xc3\xab \xf0\x9f\x98\x80"},
                    {"nested", {{"list", {1, 2, 3}}}}};
  const std::string token = issuer.issue(options).value();

  const auto result = test::run_python(kScript, {"verify", test::hex(test::kKeyBytes), kIssuer, kAudience}, token);
  REQUIRE(result.exit_code == 0);
  const auto decoded = nlohmann::json::parse(result.out);
  CHECK(decoded["header"] == nlohmann::json{{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", "key-2024"}});
  const auto& claims = decoded["claims"];
  CHECK(claims["sub"] == "alice");
  CHECK(claims["sid"] == "s-1");
  CHECK(claims["role"] == "admin");
  CHECK(claims["n"] == 12345678901234567890ULL);
  CHECK(claims["name"] == "Zo\xc3\xab \xf0\x9f\x98\x80");
  CHECK(claims["nested"]["list"] == nlohmann::json{1, 2, 3});
}

TEST_CASE("PyJWT rejects an authcore token signed with another key", "[interop]") {
  const TokenIssuer issuer(test::test_key());
  IssueOptions options;
  options.subject = "alice";
  options.issuer = kIssuer;
  options.audience = kAudience;
  const std::string token = issuer.issue(options).value();
  const auto result = test::run_python(kScript, {"verify", test::hex(std::string(32, 'x')), kIssuer, kAudience}, token);
  CHECK(result.exit_code == 1);
}

TEST_CASE("PyJWT tokens verify in authcore", "[interop]") {
  const auto result = test::run_python(kScript, {"issue", test::hex(test::kKeyBytes), "py-key", kIssuer, kAudience});
  REQUIRE(result.exit_code == 0);
  std::string token = result.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();

  VerifyOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  const auto ring = KeyRing::create({test::test_key("py-key"), test::test_key("other")}, "other").value();
  const TokenVerifier verifier(ring, options);
  const auto claims = verifier.verify(token);
  INFO((claims ? std::string() : claims.error().message));
  REQUIRE(claims);
  CHECK(claims->subject() == "py-user");
  CHECK(claims->key_id() == "py-key");
  CHECK(claims->type() == "JWT");
  CHECK(claims->get<std::string>("role") == "admin");
  CHECK(claims->raw("big") == "12345678901234567890");
  CHECK(claims->get<std::string>("name") == "Zo\xc3\xab \xf0\x9f\x98\x80");

  const TokenVerifier wrong_audience(ring, [] {
    VerifyOptions other;
    other.issuer = kIssuer;
    other.audience = "web";
    return other;
  }());
  const auto rejected = wrong_audience.verify(token);
  REQUIRE_FALSE(rejected);
  CHECK(rejected.error().code == ErrorCode::invalid_audience);
}
