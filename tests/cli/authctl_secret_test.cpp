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
using test::TempFile;

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
  std::string reason;  ///< in the message, so that no row passes for another reason
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
  const TempFile with_newline(kKey + "\n");
  const TempFile without_newline(kKey);
  CHECK(issued_with_key({"--secret-file", with_newline.path()}, std::nullopt, kKey));
  CHECK(issued_with_key({"--secret-file", without_newline.path()}, std::nullopt, kKey));
}

TEST_CASE("exactly one trailing newline is stripped: a key ending in a newline keeps it", "[cli][secret]") {
  const TempFile file(kKey + "\n\n");
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
  const TempFile file(kKey + "\n");
  CHECK(issued_with_key({"--secret-file", file.path()}, env_key, kKey));
  CHECK_FALSE(issued_with_key({"--secret-file", file.path()}, env_key, env_key));
  // Even a bad file is not replaced by a good environment.
  const TempFile short_file(kKey.substr(0, 31));
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
  // Static: the generator is made once, on the first run, and the paths in
  // its rows must name these files on every run.
  static const TempFile short_file(kKey.substr(0, 31));
  static const TempFile short_with_newline(kKey.substr(0, 31) + "\n");
  static const TempFile empty_file;
  static const TempFile newline_only("\n");
  static const TempFile too_long(std::string(64 * 1024 + 1, 'k'));
  const auto row = GENERATE(values<KeyRow>({
      {"31-byte file", {"--secret-file", short_file.path()}, std::nullopt, "got 31"},
      {"31 bytes and a newline", {"--secret-file", short_with_newline.path()}, std::nullopt, "got 31"},
      {"empty file", {"--secret-file", empty_file.path()}, std::nullopt, "got 0"},
      {"a newline only", {"--secret-file", newline_only.path()}, std::nullopt, "got 0"},
      {"missing file", {"--secret-file", empty_file.directory() + "/absent"}, std::nullopt, "No such file"},
      {"a directory", {"--secret-file", empty_file.directory()}, std::nullopt, "Is a directory"},
      {"a file over 64 KiB", {"--secret-file", too_long.path()}, std::nullopt, "longer than 65536 bytes"},
      {"31-byte AUTHCORE_SECRET", {}, kKey.substr(0, 31), "AUTHCORE_SECRET: an HS256 key needs at least 32"},
      {"empty AUTHCORE_SECRET", {}, "", "AUTHCORE_SECRET: an HS256 key needs at least 32 bytes (RFC 7518 §3.2); got 0"},
      {"no secret at all", {}, std::nullopt, "no secret: give --secret-file PATH or set AUTHCORE_SECRET"},
  }));
  INFO(row.name);
  for (const auto& result :
       {issue(row.args, row.secret_env), authctl(concat({"verify", "a.b.c"}, row.args), {}, row.secret_env)}) {
    check_failure(result, 2, "key");
    CHECK(result.err.find(row.reason) != std::string::npos);
  }
}

TEST_CASE("keygen, hash, verify-password and decode need no secret", "[cli][secret]") {
  check_success(authctl({"keygen"}));
  const std::string token = test::issue_token({"--sub", "alice"});
  CHECK(authctl({"decode", token}).exit_code == 0);
  // A global --secret-file is accepted, and not read, by commands without a key.
  check_success(authctl({"--secret-file", "/nonexistent", "keygen"}));
}
