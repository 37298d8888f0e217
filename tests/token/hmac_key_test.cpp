#include "authcore/hmac_key.hpp"

#include <sys/stat.h>

#include <string>
#include <string_view>

#include "authcore/token_issuer.hpp"
#include "authcore/token_verifier.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using authcore::ErrorCode;
using authcore::HmacKey;
using authcore::KeyRing;

namespace {

// True when a token signed with `signer` verifies with `checker`, that is,
// when the two keys have the same bytes (HmacKey keeps none to compare).
bool same_key(const HmacKey& signer, const HmacKey& checker) {
  authcore::IssueOptions options;
  options.subject = "alice";
  const auto token = authcore::TokenIssuer(signer).issue(options).value();
  return static_cast<bool>(authcore::TokenVerifier(checker).verify(token));
}

}  // namespace

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

TEST_CASE("HmacKey::from_base64url reads what SecretBytes::to_base64url writes", "[hmac_key]") {
  const auto bytes = authcore::SecretBytes::random(HmacKey::min_size);
  const auto key = HmacKey::from_base64url(bytes.to_base64url().view(), "k1");
  REQUIRE(key);
  CHECK(key->kid() == "k1");
  CHECK(same_key(*key, HmacKey::from_secret(bytes).value()));
}

TEST_CASE("HmacKey::from_file: the file's bytes, one trailing newline stripped, are the key", "[hmac_key][file]") {
  const std::string newline = GENERATE(as<std::string>{}, "", "\n");
  const authcore::test::TempFile file(authcore::test::kKeyBytes + newline);
  const auto key = HmacKey::from_file(file.path(), "2026-01");
  REQUIRE(key);
  CHECK(key->kid() == "2026-01");
  CHECK(same_key(*key, authcore::test::test_key()));
}

TEST_CASE("HmacKey::from_file keeps a key that ends in a newline when the file has a second one", "[hmac_key][file]") {
  const std::string bytes = authcore::test::kKeyBytes + "\n";
  const authcore::test::TempFile file(bytes + "\n");
  const auto key = HmacKey::from_file(file.path()).value();
  CHECK(same_key(key, HmacKey::from_bytes(bytes).value()));
  CHECK_FALSE(same_key(key, authcore::test::test_key()));
}

TEST_CASE("HmacKey::from_file uses keygen's text as it is, not decoded", "[hmac_key][file]") {
  const auto text = authcore::SecretBytes::random(HmacKey::min_size).to_base64url();
  const authcore::test::TempFile file(std::string(text.view()) + "\n");
  CHECK(same_key(HmacKey::from_file(file.path()).value(), HmacKey::from_secret(text).value()));
}

TEST_CASE("HmacKey::from_file refuses short keys, unreadable files and bad kids with invalid_key", "[hmac_key][file]") {
  const std::string& bytes = authcore::test::kKeyBytes;
  // Static: the generator is made once, on the first run, and names these.
  static const authcore::test::TempFile good(bytes);
  static const authcore::test::TempFile short_key(bytes.substr(0, 31));
  static const authcore::test::TempFile short_with_newline(bytes.substr(0, 31) + "\n");
  static const authcore::test::TempFile newline_only("\n");
  static const authcore::test::TempFile too_long(std::string(authcore::SecretBytes::max_file_bytes + 1, 'k'));
  // The reason, so that no row passes for another one.
  const auto [name, path, kid, reason] = GENERATE(table<std::string, std::string, std::string, std::string>({
      {"31 bytes", short_key.path(), "", "'" + short_key.path() + "': an HS256 key needs at least 32 bytes"},
      {"31 bytes and a newline", short_with_newline.path(), "", "got 31"},
      {"a newline only", newline_only.path(), "", "got 0"},
      {"a missing file", good.directory() + "/absent", "", "No such file or directory"},
      {"a directory", good.directory(), "", "Is a directory"},
      {"over 64 KiB", too_long.path(), "", "is longer than 65536 bytes"},
      {"a kid that is not UTF-8", good.path(), "\xff", "kid is not valid UTF-8"},
  }));
  INFO(name);
  const auto key = HmacKey::from_file(path, kid);
  REQUIRE_FALSE(key);
  CHECK(key.error().code == ErrorCode::invalid_key);
  CHECK(key.error().message.find(reason) != std::string::npos);
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

namespace {

// A keys file as an operator writes it: owner-only, as KeyRing::from_file
// requires (TempFile leaves the umask's mode).
struct KeysFile {
  authcore::test::TempFile file;
  explicit KeysFile(std::string_view text, mode_t mode = 0600) : file(text) {
    REQUIRE(::chmod(file.path().c_str(), mode) == 0);
  }
  const std::string& path() const noexcept { return file.path(); }
};

std::string key_text(char fill, std::size_t size = HmacKey::min_size) {
  return authcore::test::b64(std::string(size, fill));
}

}  // namespace

TEST_CASE("KeyRing::from_file reads `kid key` lines, and the first signs", "[hmac_key][file][keys_file]") {
  const KeysFile file("# rotated 2026-01\n\n  new\t" + key_text('n') + "  \r\nold " + key_text('o') +
                      "\n   # the oldest went\n");
  const auto ring = KeyRing::from_file(file.path());
  REQUIRE(ring);
  CHECK(ring->size() == 2);
  CHECK(ring->current().kid() == "new");
  CHECK(same_key(ring->current(), HmacKey::from_bytes(std::string(32, 'n'), "new").value()));
  REQUIRE(ring->find("old") != nullptr);
  CHECK(same_key(*ring->find("old"), HmacKey::from_bytes(std::string(32, 'o'), "old").value()));
}

TEST_CASE("KeyRing::from_file reads what authctl keygen --kid writes, and keys longer than 32 bytes",
          "[hmac_key][file][keys_file]") {
  const auto bytes = authcore::SecretBytes::random(HmacKey::min_size);
  const KeysFile file("k1 " + std::string(bytes.to_base64url().view()) + "\nk2 " + key_text('x', 64));
  const auto ring = KeyRing::from_file(file.path());
  REQUIRE(ring);
  CHECK(same_key(ring->current(), HmacKey::from_secret(bytes, "k1").value()));
  CHECK(ring->find("k2") != nullptr);
}

TEST_CASE("KeyRing::from_file accepts owner-only modes", "[hmac_key][file][keys_file]") {
  const mode_t mode = GENERATE(mode_t{0600}, mode_t{0400}, mode_t{0700});
  const KeysFile file("k1 " + key_text('a'), mode);
  CHECK(KeyRing::from_file(file.path()));
}

TEST_CASE("KeyRing::from_file refuses a bad keys file with invalid_key, naming the line but never the key",
          "[hmac_key][file][keys_file]") {
  const std::string good = key_text('g');
  // Static: the generator is made once, on the first run, and names these.
  static const KeysFile group_readable("k1 " + good, 0640);
  static const KeysFile world_readable("k1 " + good, 0644);
  static const KeysFile group_writable("k1 " + good, 0620);
  static const KeysFile others_only("k1 " + good, 0601);
  static const KeysFile one_field(good + "\n");
  static const KeysFile three_fields("k1 " + good + "\nk2 " + good + " extra\n");
  static const KeysFile not_base64url("k1 " + good.substr(0, 40) + "+/=\n");
  static const KeysFile padded("k1 " + good + "=\n");
  static const KeysFile short_key("k0 " + key_text('g') + "\nk1 " + key_text('s', 31) + "\n");
  static const KeysFile repeated_kid("# keys\nk1 " + good + "\nk2 " + key_text('h') + "\n\nk1 " + key_text('i'));
  static const KeysFile kid_not_utf8("\xff " + good);
  static const KeysFile comments_only("# no key here\n\n   \n");
  static const KeysFile empty("");
  static const KeysFile too_long("k1 " + good + "\n" + std::string(authcore::SecretBytes::max_file_bytes, '#'));
  const auto [name, path, reason] = GENERATE(table<std::string, std::string, std::string>({
      {"group may read", group_readable.path(), "has mode 0640: group or others may read or write it"},
      {"anyone may read", world_readable.path(), "has mode 0644"},
      {"group may write", group_writable.path(), "has mode 0620"},
      {"others may read", others_only.path(), "has mode 0601"},
      {"a key without kid", one_field.path(), "line 1: expected two fields, `kid key`, got 1"},
      {"three fields", three_fields.path(), "line 2: expected two fields, `kid key`, got 3"},
      {"not base64url", not_base64url.path(), "line 1: key is not strict base64url"},
      {"base64url with padding", padded.path(), "line 1: key is not strict base64url"},
      {"a 31-byte key", short_key.path(), "line 2: an HS256 key needs at least 32 bytes (RFC 7518 §3.2); got 31"},
      {"a repeated kid", repeated_kid.path(), "line 5: the same kid as line 2"},
      {"a kid that is not UTF-8", kid_not_utf8.path(), "line 1: kid is not valid UTF-8"},
      {"comments only", comments_only.path(), "holds no key"},
      {"an empty file", empty.path(), "holds no key"},
      {"over 64 KiB", too_long.path(), "is longer than 65536 bytes"},
      {"a missing file", empty.file.directory() + "/absent", "No such file or directory"},
      {"a directory", empty.file.directory(), "Is a directory"},
  }));
  INFO(name);
  const auto ring = KeyRing::from_file(path);
  REQUIRE_FALSE(ring);
  CHECK(ring.error().code == ErrorCode::invalid_key);
  CHECK(ring.error().message.find(reason) != std::string::npos);
  CHECK(ring.error().message.find("'" + path + "'") != std::string::npos);
  CHECK(ring.error().message.find(good.substr(0, 16)) == std::string::npos);
}
