#include "detail/hmac_sha256.hpp"

#include <string>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using authcore::detail::HmacSha256;

namespace {

std::string unhex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

std::string mac_of(std::string_view key, std::string_view message) {
  const auto digest = HmacSha256(key).mac(message);
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace

TEST_CASE("RFC 4231 HMAC-SHA256 test cases", "[hmac]") {
  struct Case {
    std::string key, data, mac;
  };
  const Case cases[] = {
      {std::string(20, '\x0b'), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size data. The key needs "
       "to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const auto& c : cases) CHECK(mac_of(c.key, c.data) == unhex(c.mac));
}

TEST_CASE("the precomputed HMAC agrees with OpenSSL's one-shot HMAC for many sizes", "[hmac]") {
  std::string message;
  for (const std::size_t key_size :
       {std::size_t{32}, std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{200}}) {
    const std::string key(key_size, 'k');
    const HmacSha256 mac(key);
    for (int i = 0; i < 300; ++i) {
      const auto digest = mac.mac(message);
      CHECK(std::string(reinterpret_cast<const char*>(digest.data()), 32) == authcore::test::hmac_sha256(key, message));
      message.push_back(static_cast<char>(i));
    }
  }
}

TEST_CASE("verify compares the whole MAC", "[hmac]") {
  const HmacSha256 mac(authcore::test::kKeyBytes);
  auto digest = mac.mac("message");
  CHECK(mac.verify("message", digest.data()));
  CHECK_FALSE(mac.verify("messagf", digest.data()));
  for (std::size_t i = 0; i < digest.size(); ++i) {
    auto flipped = digest;
    flipped[i] ^= 0x01;
    CHECK_FALSE(mac.verify("message", flipped.data()));
    flipped[i] ^= 0x81;
    CHECK_FALSE(mac.verify("message", flipped.data()));
  }
}
