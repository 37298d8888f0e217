// Attacks on the JWS layer (DESIGN §3 steps 1-6), collected as in libjwt's
// jwt_security.c: each row is a hostile token and the exact ErrorCode it
// must get.
#include <string>
#include <vector>

#include "authcore/token_issuer.hpp"
#include "support/verify_table.hpp"

using namespace authcore;
using namespace authcore::test;

namespace {

// Every upper/lower-case spelling of "none".
std::vector<std::string> case_spellings(const std::string& word) {
  std::vector<std::string> spellings;
  for (unsigned mask = 0; mask < (1u << word.size()); ++mask) {
    std::string spelling = word;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (mask & (1u << i)) spelling[i] = static_cast<char>(spelling[i] - 'a' + 'A');
    }
    spellings.push_back(spelling);
  }
  return spellings;
}

std::vector<VerifyRow> algorithm_rows() {
  std::vector<VerifyRow> rows;
  for (const auto& none : case_spellings("none")) {
    const std::string header = R"({"alg":")" + none + R"(","typ":"JWT"})";
    rows.push_back({"alg " + none + ", empty signature", b64(header) + "." + b64(default_payload()) + ".",
                    ErrorCode::algorithm_not_allowed});
    rows.push_back({"alg " + none + ", signed", with_header(header), ErrorCode::algorithm_not_allowed});
  }
  for (const char* alg : {"HS384", "HS512", "RS256", "ES256", "PS256", "EdDSA", "hs256", "Hs256", "HS256 ", " HS256",
                          "HS2560", "HS25", "", "HS256\\u0000"}) {
    rows.push_back({std::string("alg ") + alg, with_header(std::string(R"({"alg":")") + alg + "\"}"),
                    ErrorCode::algorithm_not_allowed});
  }
  for (const char* alg : {"256", "null", "true", R"(["HS256"])", R"({"HS256":1})"}) {
    rows.push_back({std::string("alg as ") + alg, with_header(std::string(R"({"alg":)") + alg + "}"),
                    ErrorCode::algorithm_not_allowed});
  }
  rows.push_back({"alg missing", with_header(R"({"typ":"JWT"})"), ErrorCode::algorithm_not_allowed});
  rows.push_back({"alg escaped but HS256", with_header(R"({"alg":"HS\u0032\u0035\u0036"})"), std::nullopt});
  VerifyOptions nothing_allowed;
  nothing_allowed.algorithms.clear();
  rows.push_back({"empty allow-list", with_header(kAccessHeader), ErrorCode::algorithm_not_allowed, nothing_allowed});
  return rows;
}

std::vector<VerifyRow> header_parameter_rows() {
  return {
      {"crit with exp", with_header(R"({"alg":"HS256","crit":["exp"],"exp":1})"), ErrorCode::invalid_claim},
      {"crit with an unknown extension", with_header(R"({"alg":"HS256","crit":["x-ext"],"x-ext":1})"),
       ErrorCode::invalid_claim},
      {"crit empty", with_header(R"({"alg":"HS256","crit":[]})"), ErrorCode::invalid_claim},
      {"crit not an array", with_header(R"({"alg":"HS256","crit":"b64"})"), ErrorCode::invalid_claim},
      {"b64 false", with_header(R"({"alg":"HS256","b64":false,"crit":["b64"]})"), ErrorCode::invalid_claim},
      {"b64 without crit", with_header(R"({"alg":"HS256","b64":true})"), ErrorCode::invalid_claim},
      {"jwk", with_header(R"({"alg":"HS256","jwk":{"kty":"oct","k":"AAAA"}})"), ErrorCode::unknown_key},
      {"jku", with_header(R"({"alg":"HS256","jku":"https://evil.example/keys"})"), ErrorCode::unknown_key},
      {"x5u", with_header(R"({"alg":"HS256","x5u":"https://evil.example/cert"})"), ErrorCode::unknown_key},
      {"x5c", with_header(R"({"alg":"HS256","x5c":["MIIB"]})"), ErrorCode::unknown_key},
      {"kid not a string", with_header(R"({"alg":"HS256","kid":7})"), ErrorCode::malformed},
      {"alg checked before crit", with_header(R"({"alg":"none","crit":["x"]})"), ErrorCode::algorithm_not_allowed},
      {"crit checked before jwk", with_header(R"({"alg":"HS256","crit":["x"],"jwk":{}})"), ErrorCode::invalid_claim},
      {"unknown header parameters are ignored", with_header(R"({"alg":"HS256","cty":"x","x-custom":[1]})"),
       std::nullopt},
  };
}

std::string flip_character(std::string token, std::size_t index) {
  token[index] = token[index] == 'A' ? 'B' : 'A';
  return token;
}

std::vector<VerifyRow> signature_rows() {
  const std::string token = with_payload(default_payload());
  const auto last_dot = token.rfind('.');
  const std::string signing_input = token.substr(0, last_dot);
  const std::string mac = hmac_sha256(kKeyBytes, signing_input);
  std::vector<VerifyRow> rows;
  for (std::size_t bit = 0; bit < 256; ++bit) {
    std::string flipped = mac;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    rows.push_back({"MAC bit " + std::to_string(bit) + " flipped", signing_input + "." + b64(flipped),
                    ErrorCode::invalid_signature});
  }
  rows.push_back(
      {"MAC truncated to 31 bytes", signing_input + "." + b64(mac.substr(0, 31)), ErrorCode::invalid_signature});
  rows.push_back(
      {"MAC truncated to 16 bytes", signing_input + "." + b64(mac.substr(0, 16)), ErrorCode::invalid_signature});
  rows.push_back({"MAC extended by a byte", signing_input + "." + b64(mac + "x"), ErrorCode::invalid_signature});
  rows.push_back({"MAC doubled", signing_input + "." + b64(mac + mac), ErrorCode::invalid_signature});
  rows.push_back({"MAC empty", signing_input + ".", ErrorCode::invalid_signature});
  rows.push_back({"MAC of another key", forge(kAccessHeader, default_payload(), std::string(32, 'x')),
                  ErrorCode::invalid_signature});
  rows.push_back({"MAC with = padding", token + "=", ErrorCode::malformed});
  rows.push_back({"MAC with standard-alphabet '+'", token.substr(0, token.size() - 1) + "+", ErrorCode::malformed});
  rows.push_back({"MAC with standard-alphabet '/'", token.substr(0, token.size() - 1) + "/", ErrorCode::malformed});
  rows.push_back({"space inside the MAC", token.substr(0, last_dot + 10) + " " + token.substr(last_dot + 10),
                  ErrorCode::malformed});
  rows.push_back({"newline at the end", token + "\n", ErrorCode::malformed});
  rows.push_back({"space at the start", " " + token, ErrorCode::malformed});
  rows.push_back({"tab inside the payload", token.substr(0, 40) + "\t" + token.substr(40), ErrorCode::malformed});
  // 32 bytes need 43 characters with 2 unused low bits; setting them gives a
  // non-canonical encoding of the same MAC, which must not verify.
  std::string non_canonical = token;
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto last_value = alphabet.find(non_canonical.back());
  non_canonical.back() = alphabet[last_value | 1];
  rows.push_back({"MAC with non-canonical final character", non_canonical, ErrorCode::malformed});
  rows.push_back({"MAC character flipped", flip_character(token, token.size() - 5), ErrorCode::invalid_signature});
  return rows;
}

std::vector<VerifyRow> reserialisation_rows() {
  const std::string payload = default_payload();
  const std::string token = with_payload(payload);
  const std::string mac = token.substr(token.rfind('.') + 1);
  const std::string reordered_header = R"({"typ":"at+jwt","alg":"HS256"})";
  const std::string spaced_header = R"({"alg": "HS256", "typ": "at+jwt"})";
  const std::string spaced_payload =
      R"({ "sub":"alice","iat":)" + std::to_string(kNow) + R"(,"exp":)" + std::to_string(kNow + 900) + "}";
  return {
      {"header re-ordered, original MAC", b64(reordered_header) + "." + b64(payload) + "." + mac,
       ErrorCode::invalid_signature},
      {"header re-spaced, original MAC", b64(spaced_header) + "." + b64(payload) + "." + mac,
       ErrorCode::invalid_signature},
      {"payload re-spaced, original MAC", b64(kAccessHeader) + "." + b64(spaced_payload) + "." + mac,
       ErrorCode::invalid_signature},
      {"payload with extra claim, original MAC",
       b64(kAccessHeader) + "." + b64(payload.substr(0, payload.size() - 1) + R"(,"admin":true})") + "." + mac,
       ErrorCode::invalid_signature},
  };
}

std::vector<VerifyRow> structure_rows() {
  const std::string token = with_payload(default_payload());
  const auto first_dot = token.find('.');
  return {
      {"empty", "", ErrorCode::malformed},
      {"one segment", "abc", ErrorCode::malformed},
      {"two segments", token.substr(0, token.rfind('.')), ErrorCode::malformed},
      {"four segments", token + ".AAAA", ErrorCode::malformed},
      {"five segments (JWE-shaped)", "a.b.c.d.e", ErrorCode::malformed},
      {"only dots", "..", ErrorCode::malformed},
      {"empty header", token.substr(first_dot), ErrorCode::malformed},
      // An empty payload is valid base64url; the MAC (of another input) decides.
      {"empty payload", token.substr(0, first_dot) + ".." + token.substr(token.rfind('.') + 1),
       ErrorCode::invalid_signature},
      {"empty payload, correctly signed", forge(kAccessHeader, ""), ErrorCode::malformed},
      {"header with = padding", b64(kAccessHeader) + "=." + token.substr(first_dot + 1), ErrorCode::malformed},
      {"payload of 4k+1 characters", token.substr(0, first_dot) + ".AAAAA." + token.substr(token.rfind('.') + 1),
       ErrorCode::malformed},
      {"JSON serialisation instead of compact", R"({"payload":"e30","signatures":[]})", ErrorCode::malformed},
  };
}

// Header and payload parsing: the same hostile JSON in both places. In the
// header it is rejected before the MAC; in the payload only after it, so
// payload rows are correctly signed.
struct JsonCase {
  std::string name;
  std::string json;
  std::optional<ErrorCode> expected;  ///< nullopt: acceptable JSON
};

std::string deep_array(std::size_t depth) {
  return R"({"alg":"HS256","exp":)" + std::to_string(kNow + 900) + R"(,"x":)" + std::string(depth, '[') +
         std::string(depth, ']') + "}";
}

std::vector<JsonCase> hostile_json() {
  using namespace std::string_literals;
  const std::string base = R"("alg":"HS256","exp":)" + std::to_string(kNow + 900);
  return {
      {"not JSON", "not json", ErrorCode::malformed},
      {"empty", "", ErrorCode::malformed},
      {"an array", "[]", ErrorCode::malformed},
      {"a string", R"("HS256")", ErrorCode::malformed},
      {"a number", "42", ErrorCode::malformed},
      {"null", "null", ErrorCode::malformed},
      {"trailing bytes", "{" + base + "}x", ErrorCode::malformed},
      {"a second object", "{" + base + "}{}", ErrorCode::malformed},
      {"trailing NUL", "{" + base + "}\0"s, ErrorCode::malformed},
      {"NaN", "{" + base + R"(,"n":NaN})", ErrorCode::malformed},
      {"Infinity", "{" + base + R"(,"n":Infinity})", ErrorCode::malformed},
      {"block comment", "{/* hi */" + base + "}", ErrorCode::malformed},
      {"line comment", "{" + base + "}// hi", ErrorCode::malformed},
      {"trailing comma", "{" + base + ",}", ErrorCode::malformed},
      {"single quotes", "{" + base + ",'a':1}", ErrorCode::malformed},
      {"leading zero", "{" + base + R"(,"n":01})", ErrorCode::malformed},
      {"plus sign", "{" + base + R"(,"n":+1})", ErrorCode::malformed},
      {"raw newline in a string", "{" + base + ",\"s\":\"a\nb\"}", ErrorCode::malformed},
      {"raw NUL in a string", "{" + base + ",\"s\":\"a\0b\"}"s, ErrorCode::malformed},
      {"invalid UTF-8", "{" + base + ",\"s\":\"\xff\"}", ErrorCode::malformed},
      {"overlong UTF-8", "{" + base + ",\"s\":\"\xc0\xaf\"}", ErrorCode::malformed},
      {"UTF-8 encoded surrogate", "{" + base + ",\"s\":\"\xed\xb0\x80\"}", ErrorCode::malformed},
      {"lone high surrogate", "{" + base + R"(,"s":"\ud800"})", ErrorCode::malformed},
      {"lone low surrogate", "{" + base + R"(,"s":"\udfff"})", ErrorCode::malformed},
      {"depth 33", deep_array(32), ErrorCode::malformed},
      {"depth 32 (the cap)", deep_array(31), std::nullopt},
      {"duplicate names", "{" + base + R"(,"a":1,"a":2})", ErrorCode::invalid_claim},
      {"duplicate names via escape", "{" + base + R"(,"a":1,"\u0061":2})", ErrorCode::invalid_claim},
      {"duplicate nested names", "{" + base + R"(,"o":{"k":1,"k":2}})", ErrorCode::invalid_claim},
  };
}

std::vector<VerifyRow> header_json_rows() {
  std::vector<VerifyRow> rows;
  for (const auto& c : hostile_json()) rows.push_back({"header " + c.name, with_header(c.json), c.expected});
  rows.push_back({"header duplicate alg", with_header(R"({"alg":"HS256","alg":"none"})"), ErrorCode::invalid_claim});
  return rows;
}

std::vector<VerifyRow> payload_json_rows() {
  std::vector<VerifyRow> rows;
  for (const auto& c : hostile_json()) rows.push_back({"payload " + c.name, with_payload(c.json), c.expected});
  rows.push_back({"payload duplicate exp", with_payload(R"({"exp":1,"exp":99999999999})"), ErrorCode::invalid_claim});
  VerifyOptions roomy;
  roomy.max_token_bytes = 1 << 20;
  rows.push_back({"payload depth 100,000", with_payload(deep_array(100'000)), ErrorCode::malformed, roomy});
  return rows;
}

}  // namespace

TEST_CASE("alg: none in every spelling, other algorithms, bad types", "[security]") {
  check_row(GENERATE(from_range(algorithm_rows())));
}

TEST_CASE("header parameters that must be refused: crit, b64, embedded keys", "[security]") {
  check_row(GENERATE(from_range(header_parameter_rows())));
}

TEST_CASE("signature tampering and non-canonical base64url", "[security]") {
  check_row(GENERATE(from_range(signature_rows())));
}

TEST_CASE("a re-serialised header or payload does not keep the MAC", "[security]") {
  check_row(GENERATE(from_range(reserialisation_rows())));
}

TEST_CASE("the compact serialisation is exactly three segments", "[security]") {
  check_row(GENERATE(from_range(structure_rows())));
}

TEST_CASE("hostile JSON in the header", "[security]") { check_row(GENERATE(from_range(header_json_rows()))); }

TEST_CASE("hostile JSON in the payload", "[security]") { check_row(GENERATE(from_range(payload_json_rows()))); }

TEST_CASE("kid selects the key, unknown kids are refused", "[security]") {
  const auto ring =
      KeyRing::create({test_key("old"), HmacKey::from_bytes(std::string(32, 'n'), "new").value()}, "new").value();
  const std::string new_key(32, 'n');
  check_row({"kid of the old key", with_header(R"({"alg":"HS256","kid":"old"})"), std::nullopt}, ring);
  check_row({"kid of the new key", forge(R"({"alg":"HS256","kid":"new"})", default_payload(), new_key), std::nullopt},
            ring);
  check_row({"no kid: current (new) key", forge(R"({"alg":"HS256"})", default_payload(), new_key), std::nullopt}, ring);
  check_row({"no kid, signed with the old key", with_header(R"({"alg":"HS256"})"), ErrorCode::invalid_signature}, ring);
  check_row({"kid of the old key, signed with the new",
             forge(R"({"alg":"HS256","kid":"old"})", default_payload(), new_key), ErrorCode::invalid_signature},
            ring);
  check_row({"unknown kid", with_header(R"({"alg":"HS256","kid":"other"})"), ErrorCode::unknown_key}, ring);
  check_row({"kid differs in case", with_header(R"({"alg":"HS256","kid":"OLD"})"), ErrorCode::unknown_key}, ring);
  check_row({"kid with a NUL", with_header(R"({"alg":"HS256","kid":"old\u0000"})"), ErrorCode::unknown_key}, ring);
  check_row({"path-traversal kid", with_header(R"({"alg":"HS256","kid":"../../dev/null"})"), ErrorCode::unknown_key},
            ring);
}

TEST_CASE("oversize tokens are refused before decoding", "[security]") {
  check_row({"100 KB of garbage", std::string(100'000, '\xff'), ErrorCode::token_too_large});
  check_row({"100 KB of dots", std::string(100'000, '.'), ErrorCode::token_too_large});
  check_row({"8193 bytes", std::string(8193, 'A'), ErrorCode::token_too_large});
  check_row({"8192 bytes is decoded", std::string(8192, 'A'), ErrorCode::malformed});
  VerifyOptions small;
  small.max_token_bytes = 64;
  check_row({"a valid token over a lowered limit", with_payload(default_payload()), ErrorCode::token_too_large, small});
}

TEST_CASE("an issued token verifies and its forgeries do not", "[security]") {
  const FixedClock clock(FixedClock::from_unix_seconds(kNow));
  const TokenIssuer issuer(test_key(), clock);
  IssueOptions options;
  options.subject = "alice";
  const std::string token = issuer.issue(options).value();
  check_row({"issued", token, std::nullopt});
  const auto dot = token.find('.');
  check_row(
      {"header swapped for alg none", b64(R"({"alg":"none"})") + token.substr(dot), ErrorCode::algorithm_not_allowed});
  check_row({"signature stripped", token.substr(0, token.rfind('.') + 1), ErrorCode::invalid_signature});
}
