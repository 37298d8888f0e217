// Where issue and verify get their key: --secret-file (one trailing '\n'
// stripped, before or after the command) or AUTHCORE_SECRET (verbatim); the
// file wins; short, missing or unreadable secrets are `error: key:`, exit 2.
#include <string>
#include <vector>

#include "authctl_support.hpp"
#include "support/catch.hpp"

using namespace authcore;
using test::authctl;
using test::check_failure;
using test::check_success;

namespace {

// The test key: exactly 32 bytes.
const std::string& kKey = test::kKeyBytes;

std::vector<std::string> concat(std::vector<std::string> first, const std::vector<std::string>& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

// `authctl issue --sub alice` with these extra arguments and environment.
test::ProcessResult issue(const std::vector<std::string>& args, const std::optional<std::string>& secret_env) {
  return authctl(concat({"issue", "--sub", "alice"}, args), {}, secret_env);
}

struct KeyRow {
  std::string name;
  std::vector<std::string> args;
  std::optional<std::string> secret_env;
};

// Issues with `args` and `secret_env`, then verifies the token with the
// key `verify_key` given through AUTHCORE_SECRET: true when it verifies.
bool issued_with_key(const std::vector<std::string>& args, const std::optional<std::string>& secret_env,
                     const std::string& verify_key) {
  const auto issued = issue(args, secret_env);
  check_success(issued);
  const auto verified = authctl({"verify", test::output_line(issued)}, {}, verify_key);
  INFO("verify: " << verified.err);
  REQUIRE((verified.exit_code == 0 || verified.exit_code == 1));
  return verified.exit_code == 0;
}

}  // namespace

TEST_CASE("a secret file of exactly 32 bytes is a key, with or without its newline", "[cli][secret]") {
  const test::TempFile with_newline(kKey + "\n");
  const test::TempFile without_newline(kKey);
  CHECK(issued_with_key({"--secret-file", with_newline.path()}, std::nullopt, kKey));
  CHECK(issued_with_key({"--secret-file", without_newline.path()}, std::nullopt, kKey));
}

TEST_CASE("exactly one trailing newline is stripped: a key ending in a newline keeps it", "[cli][secret]") {
  const test::TempFile file(kKey + "\n\n");
  CHECK(issued_with_key({"--secret-file", file.path()}, std::nullopt, kKey + "\n"));
  CHECK_FALSE(issued_with_key({"--secret-file", file.path()}, std::nullopt, kKey));
}

TEST_CASE("AUTHCORE_SECRET is used verbatim, newline included", "[cli][secret]") {
  CHECK(issued_with_key({}, kKey, kKey));
  CHECK(issued_with_key({}, kKey + "\n", kKey + "\n"));
  CHECK_FALSE(issued_with_key({}, kKey + "\n", kKey));
}

TEST_CASE("the secret file wins over AUTHCORE_SECRET", "[cli][secret]") {
  const std::string env_key(32, 'e');
  const test::TempFile file(kKey + "\n");
  CHECK(issued_with_key({"--secret-file", file.path()}, env_key, kKey));
  CHECK_FALSE(issued_with_key({"--secret-file", file.path()}, env_key, env_key));
  // Even a bad file is not replaced by a good environment.
  const test::TempFile short_file(kKey.substr(0, 31));
  check_failure(issue({"--secret-file", short_file.path()}, env_key), 2, "key");
}

TEST_CASE("a secret file is accepted before and after the command", "[cli][secret]") {
  const std::string token = test::issue_token({"--sub", "alice"});
  const std::string& path = test::key_file().path();
  check_success(authctl({"--secret-file", path, "issue", "--sub", "alice"}));
  check_success(authctl({"issue", "--sub", "alice", "--secret-file", path}));
  check_success(authctl({"--secret-file", path, "verify", token}));
  check_success(authctl({"verify", token, "--secret-file", path}));
  check_success(authctl({"verify", "--secret-file=" + path, token}));
}

TEST_CASE("short, empty, missing and unreadable secrets are `error: key:` with exit 2", "[cli][secret]") {
  const test::TempFile short_file(kKey.substr(0, 31));
  const test::TempFile short_with_newline(kKey.substr(0, 31) + "\n");
  const test::TempFile empty_file;
  const test::TempFile newline_only("\n");
  const auto row = GENERATE_REF(values<KeyRow>({
      {"31-byte file", {"--secret-file", short_file.path()}, std::nullopt},
      {"31 bytes and a newline", {"--secret-file", short_with_newline.path()}, std::nullopt},
      {"empty file", {"--secret-file", empty_file.path()}, std::nullopt},
      {"a newline only", {"--secret-file", newline_only.path()}, std::nullopt},
      {"missing file", {"--secret-file", empty_file.directory() + "/absent"}, std::nullopt},
      {"a directory", {"--secret-file", empty_file.directory()}, std::nullopt},
      {"31-byte AUTHCORE_SECRET", {}, kKey.substr(0, 31)},
      {"empty AUTHCORE_SECRET", {}, ""},
      {"no secret at all", {}, std::nullopt},
  }));
  INFO(row.name);
  check_failure(issue(row.args, row.secret_env), 2, "key");
  check_failure(authctl(concat({"verify", "a.b.c"}, row.args), {}, row.secret_env), 2, "key");
}

TEST_CASE("keygen, hash, verify-password and decode need no secret", "[cli][secret]") {
  check_success(authctl({"keygen"}));
  const std::string token = test::issue_token({"--sub", "alice"});
  CHECK(authctl({"decode", token}).exit_code == 0);
  // A global --secret-file is accepted, and not read, by commands without a key.
  check_success(authctl({"--secret-file", "/nonexistent", "keygen"}));
}
