// hash and verify-password: the password on stdin (one trailing newline
// stripped, 1 to 4096 bytes), exit 0 match / 1 mismatch / 2 malformed, and
// legacy bcrypt and passlib PBKDF2 hashes made by passlib at test time.
#include <string>
#include <vector>

#include "authctl_support.hpp"
#include "support/catch.hpp"

using namespace authcore;
using test::authctl;
using test::check_failure;
using test::check_success;

namespace {

const std::string kInteropScript = std::string(AUTHCORE_TEST_SOURCE_DIR) + "/support/password_interop.py";

// The hash passlib's `scheme` (see password_interop.py) makes of `password`.
std::string passlib_hash(const std::string& scheme, std::string_view password) {
  const auto result = test::run_python(kInteropScript, {"hash", scheme}, password);
  REQUIRE(result.exit_code == 0);
  return result.out.substr(0, result.out.find('\n'));
}

// Exit status of `authctl verify-password stored` with `input` on stdin;
// checks that stdout says so.
int verify_password(const std::string& stored, std::string_view input) {
  const auto result = authctl({"verify-password", stored}, input);
  INFO("stderr: " << result.err);
  REQUIRE((result.exit_code == 0 || result.exit_code == 1));
  CHECK(result.out == (result.exit_code == 0 ? "match\n" : "mismatch\n"));
  CHECK(result.err.empty());
  return result.exit_code;
}

}  // namespace

TEST_CASE("hash prints an Argon2id PHC string that verify-password accepts", "[cli][password]") {
  const auto hashed = authctl({"hash"}, "correct horse\n");
  check_success(hashed);
  const std::string stored = test::output_line(hashed);
  CHECK(stored.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0) == 0);

  CHECK(verify_password(stored, "correct horse") == 0);      // the newline was stripped
  CHECK(verify_password(stored, "correct horse\n") == 0);    // ... on both sides
  CHECK(verify_password(stored, "correct horse\n\n") == 1);  // only one newline is
  CHECK(verify_password(stored, "Correct horse") == 1);
}

TEST_CASE("legacy bcrypt and passlib pbkdf2-sha256 hashes verify", "[cli][password][interop]") {
  const std::string scheme = GENERATE(as<std::string>{}, "bcrypt-4", "bcrypt-2a", "bcrypt-2y", "pbkdf2-sha256");
  INFO(scheme);
  const std::string stored = passlib_hash(scheme, "hunter2");
  CHECK(verify_password(stored, "hunter2\n") == 0);
  CHECK(verify_password(stored, "hunter2") == 0);
  CHECK(verify_password(stored, "hunter3") == 1);
}

TEST_CASE("passwords are bytes: NUL and 4096 bytes pass through stdin intact", "[cli][password]") {
  const std::string with_nul("a\0b", 3);
  const std::string with_nul_hash = passlib_hash("pbkdf2-sha256-small", with_nul);
  CHECK(verify_password(with_nul_hash, with_nul) == 0);
  CHECK(verify_password(with_nul_hash, "a") == 1);

  const std::string longest(4096, 'p');
  const std::string longest_hash = passlib_hash("pbkdf2-sha256-small", longest);
  CHECK(verify_password(longest_hash, longest) == 0);
  CHECK(verify_password(longest_hash, longest + "\n") == 0);
}

TEST_CASE("an empty or over-long password is `error: input:` with exit 2", "[cli][password]") {
  const std::string stored = "$pbkdf2-sha256$1000$c2FsdA$" + std::string(43, 'A');
  const auto input = GENERATE(as<std::string>{}, "", "\n", std::string(4097, 'p'), std::string(4097, 'p') + "\n",
                              std::string(1 << 20, 'p'));
  INFO("input of " << input.size() << " bytes");
  check_failure(authctl({"hash"}, input), 2, "input");
  check_failure(authctl({"verify-password", stored}, input), 2, "input");
}

TEST_CASE("verify-password: a malformed or over-cap HASH is exit 2", "[cli][password]") {
  const std::string over_cap = "$argon2id$v=19$m=65536,t=4294967295,p=1$c2FsdHNhbHRzYWx0c2FsdA$" + std::string(43, 'A');
  const auto stored = GENERATE_COPY(as<std::string>{}, "", "plaintext", "$2b$04$short", "$argon2id$v=19$", over_cap,
                                    "$2b$31$AEZYlBYqKdDqmBUzJxR9o.Za7fZKntiUEamJoDAJYfCZ8lRxOvqKG");
  INFO("HASH " << stored);
  check_failure(authctl({"verify-password", stored}, "hunter2"), 2, "input");
}
