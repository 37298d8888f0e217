#include "detail/base64url.hpp"

#include <string>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using authcore::detail::base64url_decode;
using authcore::detail::base64url_encode;

TEST_CASE("base64url round-trips every length and byte value", "[base64url]") {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    const std::string encoded = base64url_encode(bytes);
    CHECK(encoded == authcore::test::b64(bytes));
    CHECK(encoded.size() == authcore::detail::base64url_encoded_size(bytes.size()));
    std::string decoded;
    REQUIRE(base64url_decode(encoded, decoded));
    CHECK(decoded == bytes);
    bytes.push_back(static_cast<char>(i * 37));
  }
}

TEST_CASE("RFC 4648 §10 vectors, in the URL alphabet without padding", "[base64url]") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64url_encode(plain) == encoded);
    std::string decoded;
    CHECK(base64url_decode(encoded, decoded));
    CHECK(decoded == plain);
  }
}

TEST_CASE("base64url decoding is strict", "[base64url]") {
  using namespace std::string_literals;
  const std::string rejected[] = {
      "Zg=="s,      // padding
      "Zm8="s,      // padding
      "Zm9v+w"s,    // '+' is standard base64, not base64url
      "Zm9v/w"s,    // '/'
      "Zm 9v"s,     // whitespace inside
      "Zm9v\n"s,    // trailing newline
      "\tZm9v"s,    // leading tab
      "Z"s,         // 4k+1 characters never decode
      "Zm9vY"s,     // 4k+1
      "Zh"s,        // non-canonical: the unused 4 low bits of 'h' are not zero
      "Zm9"s,       // non-canonical: "fo" is "Zm8"; the unused 2 low bits of '9' are not zero
      "Zm9v\x80"s,  // non-ASCII
      "Zm9v\0"s,    // NUL
  };
  for (const auto& text : rejected) {
    INFO(text);
    std::string out;
    CHECK_FALSE(base64url_decode(text, out));
  }
}

TEST_CASE("every non-canonical final character is rejected", "[base64url]") {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t value = 0; value < 64; ++value) {
    std::string out;
    CHECK(base64url_decode(std::string("A") + alphabet[value], out) == (value % 16 == 0));
    CHECK(base64url_decode(std::string("AA") + alphabet[value], out) == (value % 4 == 0));
  }
}
