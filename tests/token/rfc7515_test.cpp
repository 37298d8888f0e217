// RFC 7515 Appendix A.1: the HS256 example, as a known answer.
#include <string>

#include "authcore/token_verifier.hpp"
#include "detail/base64url.hpp"
#include "detail/hmac_sha256.hpp"
#include "support/catch.hpp"

using namespace authcore;

namespace {

const std::string kSigningInput =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
const std::string kToken = kSigningInput + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string kKey = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
constexpr std::int64_t kExp = 1300819380;

}  // namespace

TEST_CASE("RFC 7515 A.1: the HMAC is the published signature bytes", "[rfc7515]") {
  const unsigned char expected[32] = {116, 24,  223, 180, 151, 153, 224, 37,  79, 250, 96, 125, 216, 173, 187, 186,
                                      22,  212, 37,  77,  105, 214, 191, 240, 91, 88,  5,  88,  83,  132, 141, 121};
  std::string key_bytes;
  REQUIRE(detail::base64url_decode(kKey, key_bytes));
  const auto mac = detail::HmacSha256(key_bytes).mac(kSigningInput);
  CHECK(std::equal(mac.begin(), mac.end(), std::begin(expected)));
}

TEST_CASE("RFC 7515 A.1: verifies before its exp and is expired after", "[rfc7515]") {
  const auto key = HmacKey::from_base64url(kKey).value();
  FixedClock clock(FixedClock::from_unix_seconds(kExp - 60));
  const TokenVerifier verifier(key, {}, clock);
  const auto claims = verifier.verify(kToken);
  REQUIRE(claims);
  CHECK(claims->issuer() == "joe");
  CHECK(claims->expires_at() == kExp);
  CHECK(claims->type() == "JWT");
  CHECK(claims->get<bool>("http://example.com/is_root") == true);

  clock.set(FixedClock::from_unix_seconds(kExp));
  CHECK(verifier.verify(kToken));
  clock.set(FixedClock::from_unix_seconds(kExp + 1));
  const auto expired = verifier.verify(kToken);
  REQUIRE_FALSE(expired);
  CHECK(expired.error().code == ErrorCode::expired);
}
