// The stored-hash parsers behind PasswordHasher: the three base64 alphabets,
// and the cost caps at their exact boundaries (which hashing alone could not
// test cheaply: a bcrypt-16 or a 10-million-round PBKDF2 takes seconds).
#include <string>

#include "password/argon2.hpp"
#include "password/bcrypt.hpp"
#include "password/mcf_reader.hpp"
#include "password/pbkdf2_sha256.hpp"
#include "password/radix64.hpp"
#include "support/catch.hpp"

using namespace authcore::detail;

namespace {

std::string decoded(const Radix64& alphabet, std::string_view text) {
  std::string out(Radix64::decoded_size(text.size()), '\0');
  const auto size = alphabet.decode(text, reinterpret_cast<unsigned char*>(out.data()));
  REQUIRE(size);
  CHECK(*size == out.size());
  return out;
}

constexpr Argon2Caps kCaps{1024 * 1024, 16, 8};
const std::string kSalt = "c2FsdHNhbHRzYWx0c2FsdA";
const std::string kHash = std::string(43, 'A');

}  // namespace

TEST_CASE("the three alphabets decode RFC 4648 §10 vectors and differ only in their characters", "[radix64]") {
  CHECK(decoded(kPhcBase64, "Zm9vYmFy") == "foobar");
  CHECK(decoded(kPhcBase64, "Zm9vYg") == "foob");
  CHECK(decoded(kPhcBase64, "Zm9vYmE") == "fooba");
  CHECK(decoded(kPhcBase64, "") == "");
  CHECK(decoded(kPhcBase64, "+/8") == "\xfb\xff");
  CHECK(decoded(kPasslibAb64, "./8") == "\xfb\xff");
  CHECK_FALSE(kPasslibAb64.decode("+/8"));
  CHECK_FALSE(kPhcBase64.decode("./8"));
  // bcrypt's alphabet starts with "./": value 0 is '.', value 2 is 'A'.
  CHECK(decoded(kBcryptBase64, "..") == std::string(1, '\0'));
  CHECK(decoded(kBcryptBase64, "A.") == "\x08");
}

TEST_CASE("radix64 decoding is strict", "[radix64]") {
  for (const char* text : {"Zg==", "Zm8=", "Z", "Zm9vY", "Zh", "Zm9", "Zm 9v", "Zm9v\n", "Zm-_"}) {
    INFO(text);
    CHECK_FALSE(kPhcBase64.decode(text));
  }
  CHECK(kBcryptBase64.contains_only_alphabet("./AZaz09"));
  CHECK_FALSE(kBcryptBase64.contains_only_alphabet("+"));
  CHECK_FALSE(kBcryptBase64.contains_only_alphabet(std::string(1, '\0')));
}

TEST_CASE("MCF decimals are canonical and never wrap", "[mcf]") {
  const auto decimal = [](std::string_view text) { return McfReader(text).decimal(); };
  CHECK(decimal("0") == 0U);
  CHECK(decimal("19$") == 19U);
  CHECK(decimal("4294967295") == 4294967295U);
  for (const char* text : {"4294967296", "99999999999999999999", "019", "00", "+1", "-1", "", "$1"}) {
    INFO(text);
    CHECK_FALSE(decimal(text));
  }

  McfReader fields("$a$bc$$d");
  CHECK(fields.skip("$a$"));
  CHECK_FALSE(fields.skip("x"));
  CHECK(fields.field() == "bc");
  CHECK(fields.skip("$"));
  CHECK(fields.field().empty());
  CHECK(fields.skip("$d"));
  CHECK(fields.at_end());
}

TEST_CASE("Argon2 parameters are read exactly and capped", "[argon2]") {
  const auto parsed = parse_argon2("$argon2id$v=19$m=65536,t=3,p=4$" + kSalt + "$" + kHash, kCaps);
  REQUIRE(parsed);
  CHECK(parsed->variant == Argon2Variant::argon2id);
  CHECK(parsed->memory_kib == 65536);
  CHECK(parsed->time_cost == 3);
  CHECK(parsed->parallelism == 4);
  CHECK(parsed->salt_bytes == 16);
  CHECK(parsed->hash_bytes == 32);

  const std::pair<const char*, bool> boundaries[] = {
      {"m=1048576,t=16,p=8", true},  {"m=1048577,t=16,p=8", false}, {"m=1048576,t=17,p=8", false},
      {"m=1048576,t=16,p=9", false}, {"m=64,t=1,p=8", true},        {"m=63,t=1,p=8", false},
  };
  for (const auto& [parameters, accepted] : boundaries) {
    INFO(parameters);
    const std::string stored = "$argon2i$v=19$" + std::string(parameters) + "$" + kSalt + "$" + kHash;
    CHECK(parse_argon2(stored, kCaps).has_value() == accepted);
  }
}

TEST_CASE("bcrypt costs from 4 to the cap are accepted", "[bcrypt]") {
  const std::string tail = "$AEZYlBYqKdDqmBUzJxR9o.Za7fZKntiUEamJoDAJYfCZ8lRxOvqKG";
  CHECK(parse_bcrypt("$2b$04" + tail, 16));
  CHECK(parse_bcrypt("$2y$16" + tail, 16)->cost == 16);
  CHECK_FALSE(parse_bcrypt("$2a$17" + tail, 16));
  CHECK_FALSE(parse_bcrypt("$2b$03" + tail, 16));
}

TEST_CASE("passlib pbkdf2_sha256 rounds up to the cap are accepted and the salt is decoded", "[pbkdf2]") {
  const std::string tail = "$XitFCCE$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd.9Dc";
  const auto parsed = parse_pbkdf2_sha256("$pbkdf2-sha256$10000000" + tail, 10'000'000);
  REQUIRE(parsed);
  CHECK(parsed->rounds == 10'000'000);
  CHECK(parsed->salt_size == 5);
  CHECK_FALSE(parse_pbkdf2_sha256("$pbkdf2-sha256$10000001" + tail, 10'000'000));
  // An empty salt is what passlib writes for salt_size=0.
  CHECK(parse_pbkdf2_sha256("$pbkdf2-sha256$1$$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd.9Dc", 10)->salt_size == 0);
  CHECK_FALSE(parse_pbkdf2_sha256(
      "$pbkdf2-sha256$1$" + std::string(1368, 'A') + "$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd.9Dc", 10));
  CHECK(parse_pbkdf2_sha256(
            "$pbkdf2-sha256$1$" + std::string(1364, 'A') + "$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd.9Dc", 10)
            ->salt_size == 1023);
}
