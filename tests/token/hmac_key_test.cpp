#include "authcore/hmac_key.hpp"

#include <string>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using authcore::ErrorCode;
using authcore::HmacKey;
using authcore::KeyRing;

TEST_CASE("HmacKey refuses keys shorter than 32 bytes", "[hmac_key]") {
  const auto key_size = GENERATE(std::size_t{0}, std::size_t{1}, std::size_t{16}, std::size_t{31});
  const auto key = HmacKey::from_bytes(std::string(key_size, 'k'));
  REQUIRE_FALSE(key);
  CHECK(key.error().code == ErrorCode::invalid_key);
}

TEST_CASE("HmacKey accepts 32 bytes and more, any bytes", "[hmac_key]") {
  CHECK(HmacKey::from_bytes(std::string(32, '\0')));
  CHECK(HmacKey::from_bytes(std::string(200, '\xff')));
  CHECK(HmacKey::from_secret(authcore::SecretBytes(std::string(32, 'k')), "kid-1"));
}

TEST_CASE("HmacKey keeps its kid and refuses a kid that is not UTF-8", "[hmac_key]") {
  CHECK(HmacKey::from_bytes(authcore::test::kKeyBytes, "2024-01")->kid() == "2024-01");
  CHECK(HmacKey::from_bytes(authcore::test::kKeyBytes)->kid().empty());
  const auto bad = HmacKey::from_bytes(authcore::test::kKeyBytes, "\xff");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::invalid_key);
}

TEST_CASE("HmacKey::from_base64url decodes strictly", "[hmac_key]") {
  const std::string encoded = authcore::test::b64(authcore::test::kKeyBytes);
  CHECK(HmacKey::from_base64url(encoded));
  CHECK(HmacKey::from_base64url(encoded + "=").error().code == ErrorCode::invalid_key);
  CHECK(HmacKey::from_base64url(encoded.substr(0, 42)).error().code == ErrorCode::invalid_key);  // 31 bytes
  CHECK(HmacKey::from_base64url("not base64url!").error().code == ErrorCode::invalid_key);
}

TEST_CASE("KeyRing::create validates its keys", "[hmac_key]") {
  using authcore::test::test_key;
  CHECK(KeyRing::create({}, "").error().code == ErrorCode::invalid_key);
  CHECK(KeyRing::create({test_key("a"), test_key("a")}, "a").error().code == ErrorCode::invalid_key);
  CHECK(KeyRing::create({test_key(), test_key()}, "").error().code == ErrorCode::invalid_key);
  CHECK(KeyRing::create({test_key("a"), test_key("b")}, "c").error().code == ErrorCode::invalid_key);
  const auto ring = KeyRing::create({test_key("a"), test_key("b")}, "b");
  REQUIRE(ring);
  CHECK(ring->current().kid() == "b");
  CHECK(ring->size() == 2);
}

TEST_CASE("KeyRing selects keys as DESIGN §3 step 4 says", "[hmac_key]") {
  using authcore::test::test_key;
  SECTION("one key without kid serves every token") {
    const KeyRing ring(test_key());
    CHECK(ring.select(false, "") == &ring.current());
    CHECK(ring.select(true, "anything") == &ring.current());
  }
  SECTION("one key with a kid: tokens must name it or carry no kid") {
    const KeyRing ring(test_key("k1"));
    CHECK(ring.select(false, "") == &ring.current());
    CHECK(ring.select(true, "k1") == &ring.current());
    CHECK(ring.select(true, "k2") == nullptr);
    CHECK(ring.select(true, "K1") == nullptr);
  }
  SECTION("several keys: exact kid match, no kid means the current key") {
    const auto ring = KeyRing::create({test_key("old"), test_key("new")}, "new").value();
    CHECK(ring.select(true, "old")->kid() == "old");
    CHECK(ring.select(true, "new")->kid() == "new");
    CHECK(ring.select(false, "")->kid() == "new");
    CHECK(ring.select(true, "missing") == nullptr);
    CHECK(ring.select(true, "") == nullptr);
  }
}
