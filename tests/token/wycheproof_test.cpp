// Every HS256 vector of tests/vectors/wycheproof_hs256.json. They
// test the JWS layer (payloads such as "foo" are not JWT claim sets), so they
// go through detail::verify_jws, DESIGN §3 steps 1-5. A missing fixture
// fails the test; it never skips.
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "authcore/token_verifier.hpp"
#include "detail/base64url.hpp"
#include "support/catch.hpp"
#include "token/jws.hpp"

using namespace authcore;

namespace {

nlohmann::json load_vectors() {
  const std::string path = std::string(AUTHCORE_TEST_VECTORS_DIR) + "/wycheproof_hs256.json";
  std::ifstream in(path);
  INFO("fixture " << path);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

Result<void> verify_jws(const std::string& jws, const std::string& key_b64) {
  const auto key = HmacKey::from_base64url(key_b64).value();
  Claims claims;
  detail::JsonScanner scanner;
  return detail::verify_jws(jws, KeyRing(key), detail::JwsPolicy{}, scanner, claims);
}

// The exact code each kind of invalid vector must get, by its comment.
const std::map<std::string, ErrorCode> kExpectedByComment = {
    {"rejectsModifiedSignature", ErrorCode::invalid_signature},
    {"rejectsMissingSignature", ErrorCode::invalid_signature},
    {"rejectsMissingSignatureAndSeparator", ErrorCode::malformed},
    {"rejectsModifiedPayload", ErrorCode::invalid_signature},
    {"rejectsMissingPayload", ErrorCode::invalid_signature},
    {"rejectsMissingPayloadAndSeparator", ErrorCode::malformed},
    {"rejectsModifiedHeader", ErrorCode::invalid_signature},
    {"rejectsMissingHeader", ErrorCode::malformed},
    {"rejectsMissingHeaderAndSeparator", ErrorCode::malformed},
    {"rejectsMissingHeaderAndSignature", ErrorCode::malformed},
    {"rejectsMissingHeaderSignatureAndSeparators", ErrorCode::malformed},
    {"rejectsEmptyString", ErrorCode::malformed},
    {"rejectsExtraEmptyComponent", ErrorCode::malformed},
    {"rejectsExtraComponent", ErrorCode::malformed},
    {"rejectsNoneAlgorithmAndMissingSignature", ErrorCode::algorithm_not_allowed},
    {"rejectsValidJsonSerialization", ErrorCode::malformed},
    {"rejectsSpacesInMac", ErrorCode::malformed},
    {"rejectsInvalidCharacterInsertedInMac", ErrorCode::malformed},
    {"rejects0ReplacedbyInvalidCharacter", ErrorCode::malformed},
    {"rejectsInvalidCharacters", ErrorCode::malformed},
    {"spacesInHeader", ErrorCode::malformed},
    {"invalidCharactersInHeader", ErrorCode::malformed},
    {"invalidBase64Padding", ErrorCode::malformed},
    {"spacesInPayload", ErrorCode::malformed},
    {"invalidCharactersInPayload", ErrorCode::malformed},
    {"invalidBase64PaddingInPayload", ErrorCode::malformed},
    {"InvalidCharacterInPayload", ErrorCode::malformed},
    {"ModifiedUnusedBitsInPayload", ErrorCode::malformed},
    {"MacOfIncorrectlyEncodedMessage", ErrorCode::malformed},
};

}  // namespace

// Runs the full verifier too; JWS payloads are not claim sets, so a vector
// that passes the JWS layer ends with malformed from the payload parse.
Result<Claims> verify_token(const std::string& jws, const std::string& key_b64) {
  const TokenVerifier verifier(HmacKey::from_base64url(key_b64).value());
  return verifier.verify(jws);
}

TEST_CASE("Wycheproof HS256 vectors", "[wycheproof]") {
  const auto vectors = load_vectors();
  REQUIRE(vectors["vectors"].size() > 0);
  std::size_t valid = 0, invalid = 0, strictly_rejected = 0;
  for (const auto& vector : vectors["vectors"]) {
    const std::string jws = vector["jws"], key = vector["key"], comment = vector["comment"];
    INFO("tcId " << vector["tcId"] << " " << comment);
    const auto jws_result = verify_jws(jws, key);
    const auto token_result = verify_token(jws, key);
    REQUIRE_FALSE(token_result);
    if (vector.contains("skip")) {
      // The fixture marks these valid for lenient decoders; its skip reason
      // says a strict decoder rejects them, and authcore is one.
      INFO("skip reason: " << vector["skip"]);
      REQUIRE_FALSE(jws_result);
      CHECK(jws_result.error().code == ErrorCode::malformed);
      ++strictly_rejected;
    } else if (vector["result"] == "valid") {
      CHECK(jws_result);
      CHECK(token_result.error().code == ErrorCode::malformed);  // the payload is no JSON object
      ++valid;
    } else {
      const auto expected = kExpectedByComment.find(comment);
      REQUIRE(expected != kExpectedByComment.end());
      CHECK(token_result.error().code == expected->second);
      if (vector.contains("note")) {
        // Byte-identical to a valid vector (the fixture's note): the JWS is
        // authentic and only the non-JSON payload makes it invalid.
        INFO("note: " << vector["note"]);
        CHECK(jws_result);
      } else {
        REQUIRE_FALSE(jws_result);
        CHECK(jws_result.error().code == expected->second);
      }
      ++invalid;
    }
  }
  CHECK(valid >= 5);
  CHECK(invalid >= 20);
  CHECK(valid + invalid + strictly_rejected == vectors["vectors"].size());
}
