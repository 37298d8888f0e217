// PasswordHasher (DESIGN §4): policies, round trips, the password rules,
// needs_rehash, the cost caps, garbage stored strings, and interop both ways
// with passlib, python-bcrypt and argon2-cffi (run by /usr/bin/python3).
#include "authcore/password_hasher.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace authcore;
using namespace std::string_literals;

namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

// Argon2 at 64 MiB is slow in a Debug build; tests that are not about the
// presets hash at t=1, 8 MiB.
const PasswordHasher& fast_hasher() {
  static const PasswordHasher hasher(PasswordPolicy::custom(1, 8 * kMiB));
  return hasher;
}

// The smallest Argon2id libsodium computes (8 KiB), for sweeps of thousands
// of verifications.
const PasswordHasher& tiny_hasher() {
  static const PasswordHasher hasher(PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes));
  return hasher;
}

const std::string kScript = std::string(AUTHCORE_TEST_SOURCE_DIR) + "/support/password_interop.py";

std::string without_newline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// The hash `scheme` (see password_interop.py) makes of `password`, made now.
std::string python_hash(const std::string& scheme, std::string_view password) {
  const auto result = test::run_python(kScript, {"hash", scheme}, password);
  REQUIRE(result.exit_code == 0);
  return without_newline(result.out);
}

bool argon2_cffi_accepts(const std::string& stored, std::string_view password) {
  const auto result = test::run_python(kScript, {"argon2-verify", stored}, password);
  REQUIRE((result.exit_code == 0 || result.exit_code == 1));
  return result.exit_code == 0;
}

// A 16-byte salt and a 32-byte hash in PHC B64, for hand-made strings.
const std::string kSalt = "c2FsdHNhbHRzYWx0c2FsdA";
const std::string kHash = std::string(43, 'A');

std::string argon2id_with(const std::string& parameters) {
  return "$argon2id$v=19$" + parameters + "$" + kSalt + "$" + kHash;
}

struct StoredRow {
  std::string name;
  std::string stored;
  PasswordCheck expected;
};

void check_rows(const PasswordHasher& hasher, const std::vector<StoredRow>& rows, std::string_view password) {
  for (const auto& row : rows) {
    INFO("row: " << row.name << ": " << row.stored);
    CHECK(hasher.verify(password, row.stored) == row.expected);
  }
}

}  // namespace

TEST_CASE("the presets are libsodium's and the default is interactive", "[password]") {
  CHECK(PasswordPolicy::interactive().time_cost == 2);
  CHECK(PasswordPolicy::interactive().memory_bytes == 64 * kMiB);
  CHECK(PasswordPolicy::moderate().time_cost == 3);
  CHECK(PasswordPolicy::moderate().memory_bytes == 256 * kMiB);
  CHECK(PasswordPolicy::sensitive().time_cost == 4);
  CHECK(PasswordPolicy::sensitive().memory_bytes == 1024 * kMiB);
  CHECK(PasswordPolicy{} == PasswordPolicy::interactive());
  CHECK(PasswordHasher().policy() == PasswordPolicy::interactive());

  const PasswordPolicy custom = PasswordPolicy::custom(5, 32 * kMiB);
  CHECK(custom.time_cost == 5);
  CHECK(custom.memory_bytes == 32 * kMiB);
  CHECK(custom.max_memory_bytes == 1024 * kMiB);
  CHECK(custom.max_password_bytes == 4096);
}

TEST_CASE("PasswordHasher clamps its policy", "[password]") {
  PasswordPolicy wild;
  wild.time_cost = 0;
  wild.memory_bytes = 100;
  wild.max_password_bytes = 0;
  const PasswordPolicy low = PasswordHasher(wild).policy();
  CHECK(low.time_cost == 1);
  CHECK(low.memory_bytes == PasswordPolicy::min_memory_bytes);
  CHECK(low.max_password_bytes == 1);

  wild.time_cost = 1000;
  wild.memory_bytes = 2048 * kMiB + 5;  // above the verify cap, and not whole KiB
  wild.max_password_bytes = std::size_t{1} << 40;
  const PasswordPolicy high = PasswordHasher(wild).policy();
  CHECK(high.time_cost == PasswordPolicy::max_time_cost);
  CHECK(high.memory_bytes == 2048 * kMiB);
  CHECK(high.max_memory_bytes == 2048 * kMiB);  // a policy verifies its own hashes
  CHECK(high.max_password_bytes == kMiB);
}

TEST_CASE("a hash verifies with its password and with no other", "[password]") {
  const auto& hasher = fast_hasher();
  const std::string stored = hasher.hash("correct horse battery staple").value();
  CHECK(stored.rfind("$argon2id$v=19$m=8192,t=1,p=1$", 0) == 0);
  CHECK(hasher.verify("correct horse battery staple", stored) == PasswordCheck::match);
  CHECK(hasher.verify("correct horse battery stapler", stored) == PasswordCheck::mismatch);
  CHECK(hasher.verify("Correct horse battery staple", stored) == PasswordCheck::mismatch);
  CHECK_FALSE(hasher.needs_rehash(stored));

  // A fresh random salt each time: equal passwords give unrelated strings.
  const std::string again = hasher.hash("correct horse battery staple").value();
  CHECK(again != stored);
  CHECK(again.substr(0, 30) == stored.substr(0, 30));
  CHECK(hasher.verify("correct horse battery staple", again) == PasswordCheck::match);
}

TEST_CASE("the interactive preset hashes at t=2, 64 MiB", "[password][preset]") {
  const PasswordHasher hasher;
  const std::string stored = hasher.hash("hunter2").value();
  CHECK(stored.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0) == 0);
  CHECK(hasher.verify("hunter2", stored) == PasswordCheck::match);
  CHECK(hasher.verify("hunter3", stored) == PasswordCheck::mismatch);
  CHECK_FALSE(hasher.needs_rehash(stored));
  // Verification reads the parameters from the string, whatever the policy.
  CHECK(fast_hasher().verify("hunter2", stored) == PasswordCheck::match);
}

TEST_CASE("a tampered hash is a mismatch, or malformed when no longer well-formed", "[password]") {
  const auto& hasher = fast_hasher();
  const std::string stored = hasher.hash("pw").value();
  const std::size_t hash_at = stored.rfind('$') + 1;
  const std::size_t salt_at = stored.rfind('$', hash_at - 2) + 1;
  const auto with = [&](std::size_t at, char c) {
    std::string copy = stored;
    copy[at] = copy[at] == c ? static_cast<char>(c + 1) : c;
    return copy;
  };
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string copy = stored;
    return copy.replace(copy.find(from), from.size(), to);
  };
  check_rows(hasher,
             {
                 {"salt changed", with(salt_at + 3, 'Q'), PasswordCheck::mismatch},
                 {"hash changed", with(hash_at + 3, 'Q'), PasswordCheck::mismatch},
                 {"t changed", replaced("t=1", "t=2"), PasswordCheck::mismatch},
                 {"m changed", replaced("m=8192", "m=8193"), PasswordCheck::mismatch},
                 {"argon2id made argon2i", replaced("$argon2id$", "$argon2i$"), PasswordCheck::mismatch},
                 {"version changed", replaced("v=19", "v=16"), PasswordCheck::malformed},
                 {"hash cut to 30 bytes", stored.substr(0, stored.size() - 3), PasswordCheck::mismatch},
                 {"last character non-canonical", with(stored.size() - 1, 'B'), PasswordCheck::malformed},
                 {"the original", stored, PasswordCheck::match},
             },
             "pw");
}

TEST_CASE("passwords are bytes: unicode, NUL and length are all significant", "[password]") {
  const auto& hasher = fast_hasher();
  const std::string unicode = "p\xc3\xa4ssw\xc3\xb6rd \xf0\x9f\x94\x91";  // "pässwörd 🔑", NFC
  const std::string stored = hasher.hash(unicode).value();
  CHECK(hasher.verify(unicode, stored) == PasswordCheck::match);
  // The same text in NFD ("a" + combining diaeresis) is another password:
  // authcore never normalises.
  CHECK(hasher.verify("pa\xcc\x88ssw\xc3\xb6rd \xf0\x9f\x94\x91", stored) == PasswordCheck::mismatch);

  const std::string with_nul = "abc\0def"s;
  const std::string nul_stored = hasher.hash(with_nul).value();
  CHECK(hasher.verify(with_nul, nul_stored) == PasswordCheck::match);
  CHECK(hasher.verify("abc", nul_stored) == PasswordCheck::mismatch);
  CHECK(hasher.verify("abc\0xyz"s, nul_stored) == PasswordCheck::mismatch);
  CHECK(hasher.verify("abc\0def\0"s, nul_stored) == PasswordCheck::mismatch);

  // bcrypt would see these as one password; Argon2id does not.
  const std::string first = std::string(72, 'a') + "1";
  const std::string second = std::string(72, 'a') + "2";
  const std::string long_stored = hasher.hash(first).value();
  CHECK(hasher.verify(first, long_stored) == PasswordCheck::match);
  CHECK(hasher.verify(second, long_stored) == PasswordCheck::mismatch);
  CHECK(hasher.verify(std::string(72, 'a'), long_stored) == PasswordCheck::mismatch);
}

TEST_CASE("empty and over-long passwords are refused, never truncated", "[password]") {
  const auto& hasher = fast_hasher();
  const auto refused = [&](std::string_view password) {
    const auto result = hasher.hash(password);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::invalid_argument);
    const auto validated = hasher.validate_password(password);
    REQUIRE_FALSE(validated);
    CHECK(validated.error().code == ErrorCode::invalid_argument);
  };
  refused("");
  refused(std::string(4097, 'x'));

  const std::string longest(4096, 'x');
  const std::string stored = hasher.hash(longest).value();
  CHECK(hasher.validate_password(longest));
  CHECK(hasher.verify(longest, stored) == PasswordCheck::match);
  // Over-long or empty in verify: mismatch, without hashing the input.
  CHECK(hasher.verify(longest + "x", stored) == PasswordCheck::mismatch);
  CHECK(hasher.verify(std::string(10 * kMiB, 'x'), stored) == PasswordCheck::mismatch);
  CHECK(hasher.verify("", stored) == PasswordCheck::mismatch);

  PasswordPolicy short_passwords = PasswordPolicy::custom(1, 8 * kMiB);
  short_passwords.max_password_bytes = 8;
  const PasswordHasher strict(short_passwords);
  CHECK(strict.hash("12345678"));
  const auto nine = strict.hash("123456789");
  REQUIRE_FALSE(nine);
  CHECK(nine.error().code == ErrorCode::invalid_argument);
  // The limit also applies to hashes made under a looser policy.
  const std::string nine_stored = hasher.hash("123456789").value();
  CHECK(strict.verify("123456789", nine_stored) == PasswordCheck::mismatch);
}

TEST_CASE("needs_rehash is false only for Argon2id at the current policy", "[password]") {
  const auto& hasher = fast_hasher();
  const std::string current = hasher.hash("pw").value();
  const std::string older = PasswordHasher(PasswordPolicy::custom(1, 4 * kMiB)).hash("pw").value();
  const std::string stronger = PasswordHasher(PasswordPolicy::custom(2, 8 * kMiB)).hash("pw").value();
  struct Row {
    std::string name;
    std::string stored;
    bool expected;
  };
  const std::vector<Row> rows{
      {"current policy", current, false},
      {"less memory", older, true},
      {"more passes", stronger, true},
      {"argon2i", "$argon2i$v=19$m=8192,t=1,p=1$" + kSalt + "$" + kHash, true},
      {"p=2", argon2id_with("m=8192,t=1,p=2"), true},
      {"16-byte hash (argon2-cffi)", "$argon2id$v=19$m=8192,t=1,p=1$" + kSalt + "$" + std::string(22, 'A'), true},
      {"bcrypt", "$2b$04$AEZYlBYqKdDqmBUzJxR9o.Za7fZKntiUEamJoDAJYfCZ8lRxOvqKG", true},
      {"pbkdf2-sha256", "$pbkdf2-sha256$1000$XitFCCE$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd.9Dc", true},
      {"malformed", "not a hash", true},
      {"empty", "", true},
  };
  for (const auto& row : rows) {
    INFO("row: " << row.name << ": " << row.stored);
    CHECK(hasher.needs_rehash(row.stored) == row.expected);
  }
  CHECK(PasswordHasher(PasswordPolicy::custom(1, 4 * kMiB)).needs_rehash(current));
}

// Registered on its own with a short TIMEOUT (tests/CMakeLists.txt): a cap
// that is not checked before hashing hangs here instead of failing.
TEST_CASE("stored hashes over a cost cap are malformed at once", "[.][caps]") {
  const auto started = std::chrono::steady_clock::now();
  PasswordPolicy small_cap = PasswordPolicy::custom(1, 8 * kMiB);
  small_cap.max_memory_bytes = 64 * kMiB;
  const PasswordHasher capped(small_cap);
  check_rows(
      fast_hasher(),
      {
          {"t=4294967295", argon2id_with("m=8,t=4294967295,p=1"), PasswordCheck::malformed},
          {"m=4294967295", argon2id_with("m=4294967295,t=1,p=1"), PasswordCheck::malformed},
          {"p=4294967295", argon2id_with("m=4294967295,t=1,p=4294967295"), PasswordCheck::malformed},
          {"t=4294967296 does not wrap to 0", argon2id_with("m=8,t=4294967296,p=1"), PasswordCheck::malformed},
          {"t=17", argon2id_with("m=8,t=17,p=1"), PasswordCheck::malformed},
          {"p=9", argon2id_with("m=72,t=1,p=9"), PasswordCheck::malformed},
          {"m one KiB over 1 GiB", argon2id_with("m=1048577,t=1,p=1"), PasswordCheck::malformed},
          {"argon2i t=4294967295", "$argon2i$v=19$m=8,t=4294967295,p=1$" + kSalt + "$" + kHash,
           PasswordCheck::malformed},
          {"bcrypt cost 17", "$2b$17$AEZYlBYqKdDqmBUzJxR9o.Za7fZKntiUEamJoDAJYfCZ8lRxOvqKG", PasswordCheck::malformed},
          {"bcrypt cost 31", "$2b$31$AEZYlBYqKdDqmBUzJxR9o.Za7fZKntiUEamJoDAJYfCZ8lRxOvqKG", PasswordCheck::malformed},
          {"pbkdf2 10000001 rounds", "$pbkdf2-sha256$10000001$XitFCCE$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd.9Dc",
           PasswordCheck::malformed},
          {"pbkdf2 4294967295 rounds", "$pbkdf2-sha256$4294967295$XitFCCE$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd.9Dc",
           PasswordCheck::malformed},
      },
      "pw");
  check_rows(capped,
             {
                 {"m over the policy's max_memory_bytes", argon2id_with("m=65537,t=1,p=1"), PasswordCheck::malformed},
                 {"m at the policy's max_memory_bytes", argon2id_with("m=65536,t=1,p=1"), PasswordCheck::mismatch},
             },
             "pw");
  // Microseconds each; a generous bound that only a hash at a cap would break.
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
}

TEST_CASE("parameters at the caps are verified", "[password]") {
  check_rows(tiny_hasher(),
             {
                 {"t=16", argon2id_with("m=8,t=16,p=1"), PasswordCheck::mismatch},
                 {"p=8", argon2id_with("m=64,t=1,p=8"), PasswordCheck::mismatch},
                 {"m=8p", argon2id_with("m=16,t=1,p=2"), PasswordCheck::mismatch},
             },
             "pw");
}

TEST_CASE("garbage and truncated stored strings are malformed, never a crash", "[password]") {
  const std::string bcrypt = "$2b$04$AEZYlBYqKdDqmBUzJxR9o.Za7fZKntiUEamJoDAJYfCZ8lRxOvqKG";
  const std::string pbkdf2 = "$pbkdf2-sha256$1000$XitFCCE$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd.9Dc";
  const auto malformed = PasswordCheck::malformed;
  check_rows(
      tiny_hasher(),
      {
          {"empty", "", malformed},
          {"a dollar", "$", malformed},
          {"plain text", "hunter2", malformed},
          {"scheme only", "$argon2id$", malformed},
          {"upper-case scheme", "$ARGON2ID$v=19$m=8,t=1,p=1$" + kSalt + "$" + kHash, malformed},
          {"argon2d", "$argon2d$v=19$m=8,t=1,p=1$" + kSalt + "$" + kHash, malformed},
          {"no version (v=16 implied)", "$argon2id$m=8,t=1,p=1$" + kSalt + "$" + kHash, malformed},
          {"parameters out of order", argon2id_with("t=1,m=8,p=1"), malformed},
          {"extra parameter", argon2id_with("m=8,t=1,p=1,keyid=AA"), malformed},
          {"leading zero", argon2id_with("m=08,t=1,p=1"), malformed},
          {"plus sign", argon2id_with("m=8,t=+1,p=1"), malformed},
          {"t=0", argon2id_with("m=8,t=0,p=1"), malformed},
          {"p=0", argon2id_with("m=8,t=1,p=0"), malformed},
          {"m below 8p", argon2id_with("m=15,t=1,p=2"), malformed},
          {"salt padded", "$argon2id$v=19$m=8,t=1,p=1$" + kSalt + "==$" + kHash, malformed},
          {"salt non-canonical", "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdB$" + kHash, malformed},
          {"salt of 7 bytes", "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbA$" + kHash, malformed},
          {"salt in base64url", "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNh-_RzYWx0c2FsdA$" + kHash, malformed},
          {"hash of 15 bytes", "$argon2id$v=19$m=8,t=1,p=1$" + kSalt + "$" + std::string(20, 'A'), malformed},
          {"hash of 65 bytes", "$argon2id$v=19$m=8,t=1,p=1$" + kSalt + "$" + std::string(87, 'A'), malformed},
          {"no hash", "$argon2id$v=19$m=8,t=1,p=1$" + kSalt, malformed},
          {"trailing dollar", argon2id_with("m=8,t=1,p=1") + "$", malformed},
          {"trailing newline", argon2id_with("m=8,t=1,p=1") + "\n", malformed},
          {"embedded NUL", "$argon2id$v=19$m=8,t=1,p=1$" + kSalt + "\0$"s + kHash, malformed},
          {"100 KB", "$argon2id$v=19$m=8,t=1,p=1$" + std::string(100'000, 'A'), malformed},
          {"bcrypt 59 characters", bcrypt.substr(0, 59), malformed},
          {"bcrypt 61 characters", bcrypt + "A", malformed},
          {"bcrypt $2x$", "$2x$" + bcrypt.substr(4), malformed},
          {"bcrypt $2$", "$2$" + bcrypt.substr(3), malformed},
          {"bcrypt cost 3", "$2b$03$" + bcrypt.substr(7), malformed},
          {"bcrypt cost not digits", "$2b$1a$" + bcrypt.substr(7), malformed},
          {"bcrypt character outside its alphabet", bcrypt.substr(0, 40) + "+" + bcrypt.substr(41), malformed},
          {"pbkdf2 0 rounds", "$pbkdf2-sha256$0$XitFCCE$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd.9Dc", malformed},
          {"pbkdf2 rounds zero-padded", "$pbkdf2-sha256$01000$XitFCCE$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd.9Dc",
           malformed},
          {"pbkdf2 '+' for '.'", "$pbkdf2-sha256$1000$XitFCCE$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd+9Dc", malformed},
          {"pbkdf2 checksum of 31 bytes", pbkdf2.substr(0, pbkdf2.size() - 2), malformed},
          {"pbkdf2 no checksum", "$pbkdf2-sha256$1000$XitFCCE", malformed},
          {"pbkdf2-sha512", "$pbkdf2-sha512$1000$XitFCCE$BkTXgIydUSBvrfRcrHEvdBTMVFuN0T8RdVsEThd.9Dc", malformed},
      },
      "pw");
}

TEST_CASE("every truncation of a real hash is rejected", "[password]") {
  const auto& hasher = tiny_hasher();
  const std::string stored = hasher.hash("pw").value();
  const std::size_t hash_at = stored.rfind('$') + 1;
  for (std::size_t length = 0; length < stored.size(); ++length) {
    const std::string truncated = stored.substr(0, length);
    INFO("truncated to " << length << ": " << truncated);
    const PasswordCheck check = hasher.verify("pw", truncated);
    // Shortening the hash itself can leave a well-formed shorter hash.
    if (length < hash_at + 22) {
      CHECK(check == PasswordCheck::malformed);
    } else {
      CHECK(check != PasswordCheck::match);
    }
  }
}

TEST_CASE("no single-character change to a hash matches", "[password]") {
  const auto& hasher = tiny_hasher();
  const std::string stored = hasher.hash("pw").value();
  for (std::size_t at = 0; at < stored.size(); ++at) {
    for (const char replacement : {'A', 'z', '0', '9', '/', '+', '$', ',', '=', '\0'}) {
      if (stored[at] == replacement) continue;
      std::string mutated = stored;
      mutated[at] = replacement;
      INFO("mutated: " << mutated);
      CHECK(hasher.verify("pw", mutated) != PasswordCheck::match);
    }
  }
}

TEST_CASE("passlib, python-bcrypt and argon2-cffi hashes verify in authcore", "[password][interop]") {
  const auto& hasher = fast_hasher();
  const std::string unicode = "p\xc3\xa4ssw\xc3\xb6rd \xf0\x9f\x94\x91";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"bcrypt-12", "correct horse battery staple"},  // a passlib/FastAPI application's default
      {"bcrypt-4", unicode},
      {"bcrypt-2a", "hunter2"},
      {"bcrypt-2y", "hunter2"},
      {"pbkdf2-sha256", "correct horse battery staple"},
      {"pbkdf2-sha256", unicode},
      {"pbkdf2-sha256-small", "a\0b"s},
      {"argon2id", unicode},
      {"argon2id-p4", "hunter2"},
      {"argon2i", "hunter2"},
  };
  for (const auto& [scheme, password] : cases) {
    const std::string stored = python_hash(scheme, password);
    INFO(scheme << ": " << stored);
    CHECK(hasher.verify(password, stored) == PasswordCheck::match);
    CHECK(hasher.verify(password + "x", stored) == PasswordCheck::mismatch);
    CHECK(hasher.verify(password.substr(1), stored) == PasswordCheck::mismatch);
    CHECK(hasher.needs_rehash(stored));
  }
}

TEST_CASE("legacy bcrypt keeps bcrypt's own rules: 72 bytes, no NUL", "[password][interop]") {
  const auto& hasher = fast_hasher();
  // passlib hashes only the first 72 bytes, so any password sharing them
  // matches the legacy hash, as it did in the passlib application; the
  // rehash on login replaces it with Argon2id, which reads every byte.
  const std::string long_password = std::string(72, 'a') + "tail";
  const std::string stored = python_hash("bcrypt-4", long_password);
  CHECK(hasher.verify(long_password, stored) == PasswordCheck::match);
  CHECK(hasher.verify(std::string(72, 'a') + "other", stored) == PasswordCheck::match);
  CHECK(hasher.verify(std::string(71, 'a'), stored) == PasswordCheck::mismatch);

  // crypt_rn reads a C string: "pw\0x" must not pass for "pw".
  const std::string short_stored = python_hash("bcrypt-4", "pw");
  CHECK(hasher.verify("pw", short_stored) == PasswordCheck::match);
  CHECK(hasher.verify("pw\0x"s, short_stored) == PasswordCheck::mismatch);
  CHECK(hasher.verify("pw\0"s, short_stored) == PasswordCheck::mismatch);
}

TEST_CASE("authcore hashes verify in argon2-cffi", "[password][interop]") {
  const std::string unicode = "p\xc3\xa4ssw\xc3\xb6rd \xf0\x9f\x94\x91";
  const std::string fast = fast_hasher().hash(unicode).value();
  CHECK(argon2_cffi_accepts(fast, unicode));
  CHECK_FALSE(argon2_cffi_accepts(fast, unicode + "x"));

  const std::string with_nul = "abc\0def"s;
  const std::string nul_stored = fast_hasher().hash(with_nul).value();
  CHECK(argon2_cffi_accepts(nul_stored, with_nul));
  CHECK_FALSE(argon2_cffi_accepts(nul_stored, "abc"));

  const std::string interactive = PasswordHasher().hash("hunter2").value();
  CHECK(argon2_cffi_accepts(interactive, "hunter2"));
  CHECK_FALSE(argon2_cffi_accepts(interactive, "hunter3"));
}

TEST_CASE("calibrate picks the strongest policy within the target and never less than the floor",
          "[password][calibrate]") {
  const PasswordPolicy floor = PasswordPolicy::calibrate(std::chrono::milliseconds(1));
  CHECK(floor.time_cost == 2);
  CHECK(floor.memory_bytes == 19 * kMiB);

  const PasswordPolicy fitted = PasswordPolicy::calibrate(std::chrono::milliseconds(150), 32 * kMiB);
  CHECK(fitted.memory_bytes >= 19 * kMiB);
  CHECK(fitted.memory_bytes <= 32 * kMiB);
  CHECK(fitted.memory_bytes % kMiB == 0);
  CHECK(fitted.time_cost >= 2);
  CHECK(fitted.time_cost <= PasswordPolicy::max_time_cost);
  const PasswordHasher hasher(fitted);
  CHECK(hasher.verify("pw", hasher.hash("pw").value()) == PasswordCheck::match);
}

TEST_CASE("calibrate reports the probe, then each candidate it timed, the last one returned", "[password][calibrate]") {
  std::vector<CalibrationStep> steps;
  const auto record = [&steps](const CalibrationStep& step) { steps.push_back(step); };
  const PasswordPolicy fitted = PasswordPolicy::calibrate(std::chrono::milliseconds(60), 24 * kMiB, record);
  REQUIRE(steps.size() >= 2);
  CHECK(steps.front().probe);
  CHECK(steps.front().time_cost == 1);
  CHECK(steps.front().memory_bytes == 24 * kMiB);  // the limit, under the 32 MiB probe
  CHECK_FALSE(steps.front().fits);
  CHECK(steps.front().took.count() > 0);
  for (std::size_t i = 1; i < steps.size(); ++i) {
    INFO("step " << i);
    CHECK_FALSE(steps[i].probe);
    CHECK(steps[i].took.count() > 0);
    CHECK(steps[i].fits == (steps[i].took <= std::chrono::milliseconds(60)));
    if (steps[i].fits) CHECK(i + 1 == steps.size());  // calibrate stops at the first that fits
  }
  const CalibrationStep& last = steps.back();
  if (last.fits) {
    CHECK(fitted.time_cost == last.time_cost);
    CHECK(fitted.memory_bytes == last.memory_bytes);
  }
}

TEST_CASE("calibrate stops with what its progress callback throws", "[password][calibrate]") {
  int calls = 0;
  const auto refuse = [&calls](const CalibrationStep&) {
    ++calls;
    throw std::runtime_error("cancelled");
  };
  CHECK_THROWS_WITH(PasswordPolicy::calibrate(std::chrono::milliseconds(60), 24 * kMiB, refuse), "cancelled");
  CHECK(calls == 1);
}

TEST_CASE("PasswordCheck names are the wire strings", "[password]") {
  CHECK(to_string(PasswordCheck::match) == "match");
  CHECK(to_string(PasswordCheck::mismatch) == "mismatch");
  CHECK(to_string(PasswordCheck::malformed) == "malformed");
}
