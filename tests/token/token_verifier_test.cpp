// The claim checks of TokenVerifier (DESIGN §3 step 7), one table row per
// case, each asserting the exact ErrorCode. Attacks on the JWS layer are in
// security_test.cpp.
#include "authcore/token_verifier.hpp"

#include <string>
#include <vector>

#include "support/verify_table.hpp"

using namespace authcore;
using namespace authcore::test;
using namespace std::chrono_literals;

namespace {

std::string at(std::int64_t offset) { return std::to_string(kNow + offset); }

VerifyOptions with_leeway(std::chrono::seconds leeway) {
  VerifyOptions options;
  options.leeway = leeway;
  return options;
}

std::vector<VerifyRow> numeric_date_rows() {
  return {
      {"valid default token", with_payload(default_payload()), std::nullopt},
      // Exactly at exp is still valid (now > exp is expired); one second past is not.
      {"exactly at exp", with_payload(R"({"exp":)" + at(0) + "}"), std::nullopt},
      {"one second past exp", with_payload(R"({"exp":)" + at(-1) + "}"), ErrorCode::expired},
      {"one second past exp, leeway 1", with_payload(R"({"exp":)" + at(-1) + "}"), std::nullopt, with_leeway(1s)},
      {"two seconds past exp, leeway 1", with_payload(R"({"exp":)" + at(-2) + "}"), ErrorCode::expired,
       with_leeway(1s)},
      {"leeway 0 explicitly", with_payload(R"({"exp":)" + at(-1) + "}"), ErrorCode::expired, with_leeway(0s)},
      {"negative leeway clamps to 0", with_payload(R"({"exp":)" + at(0) + "}"), std::nullopt, with_leeway(-100s)},
      {"leeway clamps to one day", with_payload(R"({"exp":)" + at(-86401) + "}"), ErrorCode::expired,
       with_leeway(240h)},
      {"leeway of one day", with_payload(R"({"exp":)" + at(-86400) + "}"), std::nullopt, with_leeway(240h)},
      {"fraction below exp rounds down", with_payload(R"({"exp":)" + at(-1) + ".999}"), ErrorCode::expired},
      {"fraction above exp", with_payload(R"({"exp":)" + at(0) + ".5}"), std::nullopt},
      {"exp missing", with_payload(R"({"sub":"a"})"), ErrorCode::missing_claim},
      {"exp missing, not required", with_payload(R"({"sub":"a"})"), std::nullopt,
       [] {
         VerifyOptions options;
         options.require_exp = false;
         return options;
       }()},

      {"nbf now", with_payload(R"({"exp":)" + at(900) + R"(,"nbf":)" + at(0) + "}"), std::nullopt},
      {"nbf one second ahead", with_payload(R"({"exp":)" + at(900) + R"(,"nbf":)" + at(1) + "}"),
       ErrorCode::not_yet_valid},
      {"nbf one second ahead, leeway 1", with_payload(R"({"exp":)" + at(900) + R"(,"nbf":)" + at(1) + "}"),
       std::nullopt, with_leeway(1s)},
      {"nbf fraction ahead rounds up", with_payload(R"({"exp":)" + at(900) + R"(,"nbf":)" + at(0) + ".1}"),
       ErrorCode::not_yet_valid},
      {"iat now", with_payload(R"({"exp":)" + at(900) + R"(,"iat":)" + at(0) + "}"), std::nullopt},
      {"iat one second ahead", with_payload(R"({"exp":)" + at(900) + R"(,"iat":)" + at(1) + "}"),
       ErrorCode::issued_in_future},
      {"iat one second ahead, leeway 1", with_payload(R"({"exp":)" + at(900) + R"(,"iat":)" + at(1) + "}"),
       std::nullopt, with_leeway(1s)},

      // Overflow and wrap-around: huge values saturate instead of wrapping.
      {"exp = now + 2^63", with_payload(R"({"exp":9223372038554775808})"), std::nullopt},
      {"exp = now + 2^64", with_payload(R"({"exp":18446744075409551616})"), std::nullopt},
      {"exp = 2^64 exactly (wraps to 0 in uint64)", with_payload(R"({"exp":18446744073709551616})"), std::nullopt},
      {"exp = 2^63 (wraps to INT64_MIN)", with_payload(R"({"exp":9223372036854775808})"), std::nullopt},
      {"exp = INT64_MAX with max leeway", with_payload(R"({"exp":9223372036854775807})"), std::nullopt,
       with_leeway(24h)},
      {"exp = now - 2^63", with_payload(R"({"exp":-9223372035154775808})"), ErrorCode::expired},
      {"exp = now - 2^64", with_payload(R"({"exp":-18446744072009551616})"), ErrorCode::expired},
      {"exp = INT64_MIN with max leeway", with_payload(R"({"exp":-9223372036854775808})"), ErrorCode::expired,
       with_leeway(24h)},
      {"exp = 1e400", with_payload(R"({"exp":1e400})"), std::nullopt},
      {"exp = -1e400", with_payload(R"({"exp":-1e400})"), ErrorCode::expired},
      {"exp = 1e-400 (just after the epoch)", with_payload(R"({"exp":1e-400})"), ErrorCode::expired},
      {"nbf = now + 2^63", with_payload(R"({"exp":)" + at(900) + R"(,"nbf":9223372038554775808})"),
       ErrorCode::not_yet_valid},
      {"nbf = 1e400", with_payload(R"({"exp":)" + at(900) + R"(,"nbf":1e400})"), ErrorCode::not_yet_valid},
      {"nbf = -1e400", with_payload(R"({"exp":)" + at(900) + R"(,"nbf":-1e400})"), std::nullopt},
      {"nbf = now - 2^64", with_payload(R"({"exp":)" + at(900) + R"(,"nbf":-18446744072009551616})"), std::nullopt},
      {"iat = now + 2^63", with_payload(R"({"exp":)" + at(900) + R"(,"iat":9223372038554775808})"),
       ErrorCode::issued_in_future},
      {"iat = now + 2^64", with_payload(R"({"exp":)" + at(900) + R"(,"iat":18446744075409551616})"),
       ErrorCode::issued_in_future},
      {"iat = 1e400", with_payload(R"({"exp":)" + at(900) + R"(,"iat":1e400})"), ErrorCode::issued_in_future},
      {"iat = -1e400", with_payload(R"({"exp":)" + at(900) + R"(,"iat":-1e400})"), std::nullopt},
  };
}

std::vector<VerifyRow> claim_type_rows() {
  std::vector<VerifyRow> rows;
  const char* wrong_values[] = {R"("1700000900")", "true", "false", "null", "[]", "[1700000900]", "{}", R"({"t":1})"};
  for (const char* claim : {"exp", "nbf", "iat"}) {
    for (const char* value : wrong_values) {
      const std::string payload = std::string(R"({"sub":"a",)") +
                                  (std::string(claim) == "exp" ? "" : R"("exp":)" + at(900) + ",") + "\"" + claim +
                                  "\":" + value + "}";
      rows.push_back({std::string(claim) + " as " + value, with_payload(payload), ErrorCode::invalid_claim});
    }
  }
  for (const char* claim : {"sub", "iss", "jti", "sid"}) {
    for (const char* value : {"1", "true", "null", R"(["a"])", R"({"a":"b"})"}) {
      rows.push_back({std::string(claim) + " as " + value,
                      with_payload(R"({"exp":)" + at(900) + ",\"" + claim + "\":" + value + "}"),
                      ErrorCode::invalid_claim});
    }
  }
  for (const char* value : {"1", "true", "null", "{}", R"(["api",1])", R"([["api"]])"}) {
    VerifyOptions options;
    options.audience = "api";
    rows.push_back({std::string("aud as ") + value, with_payload(R"({"exp":)" + at(900) + R"(,"aud":)" + value + "}"),
                    ErrorCode::invalid_claim, options});
  }
  return rows;
}

VerifyOptions expecting_issuer(std::string issuer) {
  VerifyOptions options;
  options.issuer = std::move(issuer);
  return options;
}

VerifyOptions expecting_audience(std::string audience) {
  VerifyOptions options;
  options.audience = std::move(audience);
  return options;
}

std::string with_claim(const std::string& name, const std::string& json_value) {
  return with_payload(R"({"exp":)" + at(900) + ",\"" + name + "\":" + json_value + "}");
}

std::vector<VerifyRow> party_rows() {
  const std::string iss = "https://issuer.example";
  return {
      {"iss exact", with_claim("iss", R"("https://issuer.example")"), std::nullopt, expecting_issuer(iss)},
      {"iss escaped but equal", with_claim("iss", R"("https:\/\/issuer.example")"), std::nullopt,
       expecting_issuer(iss)},
      {"iss case differs", with_claim("iss", R"("https://Issuer.example")"), ErrorCode::invalid_issuer,
       expecting_issuer(iss)},
      {"iss prefix", with_claim("iss", R"("https://issuer.exampl")"), ErrorCode::invalid_issuer, expecting_issuer(iss)},
      {"iss suffix", with_claim("iss", R"("https://issuer.example.evil")"), ErrorCode::invalid_issuer,
       expecting_issuer(iss)},
      {"iss trailing slash", with_claim("iss", R"("https://issuer.example/")"), ErrorCode::invalid_issuer,
       expecting_issuer(iss)},
      {"iss embedded NUL", with_claim("iss", R"("https://issuer.example\u0000")"), ErrorCode::invalid_issuer,
       expecting_issuer(iss)},
      {"iss NUL then suffix", with_claim("iss", R"("https://issuer.example\u0000.evil")"), ErrorCode::invalid_issuer,
       expecting_issuer(iss)},
      {"iss empty", with_claim("iss", R"("")"), ErrorCode::invalid_issuer, expecting_issuer(iss)},
      {"iss as array", with_claim("iss", R"(["https://issuer.example"])"), ErrorCode::invalid_claim,
       expecting_issuer(iss)},
      {"iss missing", with_payload(R"({"exp":)" + at(900) + "}"), ErrorCode::missing_claim, expecting_issuer(iss)},
      {"iss present, none expected", with_claim("iss", R"("anyone")"), std::nullopt},
      {"expected issuer with NUL is byte-exact", with_claim("iss", R"("a\u0000b")"), std::nullopt,
       expecting_issuer(std::string("a\0b", 3))},

      {"aud exact string", with_claim("aud", R"("api")"), std::nullopt, expecting_audience("api")},
      {"aud array containing it", with_claim("aud", R"(["web","api"])"), std::nullopt, expecting_audience("api")},
      {"aud case differs", with_claim("aud", R"("API")"), ErrorCode::invalid_audience, expecting_audience("api")},
      {"aud prefix", with_claim("aud", R"("ap")"), ErrorCode::invalid_audience, expecting_audience("api")},
      {"aud suffix", with_claim("aud", R"("api2")"), ErrorCode::invalid_audience, expecting_audience("api")},
      {"aud trailing slash", with_claim("aud", R"("api/")"), ErrorCode::invalid_audience, expecting_audience("api")},
      {"aud trailing space", with_claim("aud", R"("api ")"), ErrorCode::invalid_audience, expecting_audience("api")},
      {"aud embedded NUL", with_claim("aud", R"("api\u0000")"), ErrorCode::invalid_audience, expecting_audience("api")},
      {"aud array without it", with_claim("aud", R"(["web","mobile"])"), ErrorCode::invalid_audience,
       expecting_audience("api")},
      {"aud empty array", with_claim("aud", "[]"), ErrorCode::invalid_audience, expecting_audience("api")},
      {"aud missing", with_payload(R"({"exp":)" + at(900) + "}"), ErrorCode::missing_claim, expecting_audience("api")},
      {"aud present, none expected (RFC 7519 §4.1.3)", with_claim("aud", R"("api")"), ErrorCode::invalid_audience},
      {"aud empty array, none expected", with_claim("aud", "[]"), ErrorCode::invalid_audience},
  };
}

std::vector<VerifyRow> required_claim_rows() {
  VerifyOptions needs_sid_and_role;
  needs_sid_and_role.required_claims = {"sid", "role"};
  return {
      {"required claims present", with_payload(R"({"exp":)" + at(900) + R"(,"sid":"s","role":null})"), std::nullopt,
       needs_sid_and_role},
      {"required custom claim missing", with_payload(R"({"exp":)" + at(900) + R"(,"sid":"s"})"),
       ErrorCode::missing_claim, needs_sid_and_role},
      {"required registered claim missing", with_payload(R"({"exp":)" + at(900) + R"(,"role":1})"),
       ErrorCode::missing_claim, needs_sid_and_role},
      {"a nested claim does not count", with_payload(R"({"exp":)" + at(900) + R"(,"x":{"sid":"s","role":1}})"),
       ErrorCode::missing_claim, needs_sid_and_role},
  };
}

VerifyOptions expecting(std::optional<TokenType> type) {
  VerifyOptions options;
  options.expected_type = type;
  return options;
}

std::vector<VerifyRow> token_type_rows() {
  const auto header = [](const char* typ) { return std::string(R"({"alg":"HS256","typ":")") + typ + "\"}"; };
  return {
      {"access as access", with_header(header("at+jwt")), std::nullopt},
      {"refresh checked as access", with_header(header("rt+jwt")), ErrorCode::wrong_token_type},
      {"access checked as refresh", with_header(header("at+jwt")), ErrorCode::wrong_token_type,
       expecting(TokenType::refresh)},
      {"refresh as refresh", with_header(header("rt+jwt")), std::nullopt, expecting(TokenType::refresh)},
      {"JWT as access (PyJWT)", with_header(header("JWT")), std::nullopt},
      {"jwt lower case as access", with_header(header("jwt")), std::nullopt},
      {"no typ as access", with_header(R"({"alg":"HS256"})"), std::nullopt},
      {"JWT as refresh", with_header(header("JWT")), ErrorCode::wrong_token_type, expecting(TokenType::refresh)},
      {"no typ as refresh", with_header(R"({"alg":"HS256"})"), ErrorCode::wrong_token_type,
       expecting(TokenType::refresh)},
      {"application/at+jwt", with_header(header("application/at+jwt")), std::nullopt},
      {"AT+JWT upper case", with_header(header("AT+JWT")), std::nullopt},
      {"application/rt+jwt as refresh", with_header(header("application/rt+jwt")), std::nullopt,
       expecting(TokenType::refresh)},
      {"some other typ", with_header(header("dpop+jwt")), ErrorCode::wrong_token_type},
      {"typ with trailing space", with_header(header("at+jwt ")), ErrorCode::wrong_token_type},
      {"typ prefix only", with_header(header("application/")), ErrorCode::wrong_token_type},
      {"any typ when unchecked", with_header(header("rt+jwt")), std::nullopt, expecting(std::nullopt)},
      {"typ not a string", with_header(R"({"alg":"HS256","typ":5})"), ErrorCode::malformed},
  };
}

}  // namespace

TEST_CASE("NumericDates: leeway edges, rounding, overflow and wrap-around", "[verifier]") {
  check_row(GENERATE(from_range(numeric_date_rows())));
}

TEST_CASE("registered claims of the wrong JSON type are invalid_claim", "[verifier]") {
  check_row(GENERATE(from_range(claim_type_rows())));
}

TEST_CASE("iss and aud are compared byte for byte", "[verifier]") { check_row(GENERATE(from_range(party_rows()))); }

TEST_CASE("required claims", "[verifier]") { check_row(GENERATE(from_range(required_claim_rows()))); }

TEST_CASE("access and refresh tokens cannot stand in for each other", "[verifier]") {
  check_row(GENERATE(from_range(token_type_rows())));
}

TEST_CASE("claim checks run in the documented order", "[verifier]") {
  // Each row fails two checks; the earlier one in DESIGN §3 step 7 wins.
  const auto expired_refresh = forge(R"({"alg":"HS256","typ":"rt+jwt"})", R"({"exp":)" + at(-10) + "}");
  check_row({"type before exp", expired_refresh, ErrorCode::wrong_token_type});
  auto expired_bad_issuer = expecting_issuer("me");
  check_row({"exp before iss", with_payload(R"({"exp":)" + at(-10) + R"(,"iss":"you"})"), ErrorCode::expired,
             expired_bad_issuer});
  auto both = expecting_issuer("me");
  both.audience = "api";
  check_row({"iss before aud", with_payload(R"({"exp":)" + at(10) + R"(,"iss":"you","aud":"web"})"),
             ErrorCode::invalid_issuer, both});
  check_row({"nbf before iat",
             with_payload(R"({"exp":)" + at(900) + R"(,"nbf":)" + at(10) + R"(,"iat":)" + at(10) + "}"),
             ErrorCode::not_yet_valid});
  check_row({"payload JSON error beats a claim type error", with_payload(R"({"exp":"soon","sub":"a",})"),
             ErrorCode::malformed});
}

TEST_CASE("verifier options are clamped and visible", "[verifier]") {
  VerifyOptions options;
  options.leeway = 1000h;
  const TokenVerifier verifier(test_key(), options);
  CHECK(verifier.options().leeway == 24h);
  CHECK(verifier.options().max_token_bytes == 8192);
  CHECK(verifier.options().require_exp);
  CHECK(verifier.options().algorithms == std::vector<Algorithm>{Algorithm::HS256});
  CHECK(verifier.options().expected_type == TokenType::access);
}

TEST_CASE("headers known in advance read exactly as parsed ones", "[verifier]") {
  // The issuer's headers and {"alg":"HS256","typ":"JWT"} skip the header scan
  // (detail/known_headers.hpp); the outcome must not differ from the full path.
  const auto ring =
      KeyRing::create({test_key("old"), HmacKey::from_bytes(std::string(32, 'n'), "new").value()}, "new").value();
  const std::string old_access = R"({"alg":"HS256","typ":"at+jwt","kid":"old"})";
  const std::string old_refresh = R"({"alg":"HS256","typ":"rt+jwt","kid":"old"})";
  const std::string generic = R"({"alg":"HS256","typ":"JWT"})";
  check_row({"known access header, old key", with_header(old_access), std::nullopt}, ring);
  check_row({"known refresh header as access", with_header(old_refresh), ErrorCode::wrong_token_type}, ring);
  check_row({"known refresh header as refresh", with_header(old_refresh), std::nullopt, expecting(TokenType::refresh)},
            ring);
  check_row({"known generic header: no kid, current key", with_header(generic), ErrorCode::invalid_signature}, ring);
  check_row(
      {"known generic header, current key", forge(generic, default_payload(), std::string(32, 'n')), std::nullopt},
      ring);
  check_row({"known header with a forged MAC", forge(old_access, default_payload(), std::string(32, 'x')),
             ErrorCode::invalid_signature},
            ring);
  VerifyOptions nothing_allowed;
  nothing_allowed.algorithms.clear();
  check_row(
      {"known header, HS256 not allowed", with_header(old_access), ErrorCode::algorithm_not_allowed, nothing_allowed},
      ring);

  static const FixedClock clock(FixedClock::from_unix_seconds(kNow));
  const TokenVerifier verifier(ring, {}, clock);
  const auto claims = verifier.verify(with_header(old_access));
  REQUIRE(claims);
  CHECK(claims->key_id() == "old");
  CHECK(claims->type() == "at+jwt");
  const auto generic_claims = verifier.verify(forge(generic, default_payload(), std::string(32, 'n')));
  REQUIRE(generic_claims);
  CHECK_FALSE(generic_claims->key_id());
  CHECK(generic_claims->type() == "JWT");
}
