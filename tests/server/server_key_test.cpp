// authcore-server's key (docs/server.md): --secret-file is read by
// HmacKey::from_file (its bytes, one trailing newline stripped, at most
// 64 KiB, at least 32 bytes) and wins over AUTHCORE_SECRET; a file that
// cannot serve stops the server at start with `error: key: ...`, exit 2.
#include <string>

#include "authcore/token_verifier.hpp"
#include "server/server_harness.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace authcore::test;

namespace {

// Another 32-byte key than the harness's AUTHCORE_SECRET (kKeyBytes).
const std::string kFileKey(32, 'f');

}  // namespace

TEST_CASE("the server signs with the key file's bytes, one trailing newline stripped", "[server][key]") {
  const TempFile file(kFileKey + "\n");
  const ServerProcess server(temporary_database(), {"--secret-file", file.path()});
  const auto username = unique_name("keyfile");
  REQUIRE(server.post_json("/signup", {{"username", username}, {"password", "correct horse battery"}}).status == 201);
  const auto login = server.post_form("/token", "username=" + username + "&password=correct+horse+battery");
  REQUIRE(login.status == 200);
  const std::string token = login.json()["access_token"];
  CHECK(authcore::TokenVerifier(authcore::HmacKey::from_bytes(kFileKey).value()).verify(token));
  const auto with_environment_key = authcore::TokenVerifier(test_key()).verify(token);
  REQUIRE_FALSE(with_environment_key);
  CHECK(with_environment_key.error().code == authcore::ErrorCode::invalid_signature);
}

TEST_CASE("a key file over 64 KiB, short, missing or a directory stops the server with `error: key:`",
          "[server][key]") {
  // Static: the generator is made once, on the first run, and its rows must
  // name these files on every run.
  static const TempFile too_long(std::string(64 * 1024 + 1, 'k'));
  static const TempFile short_key(kFileKey.substr(0, 31) + "\n");
  const auto [name, path, reason] = GENERATE(table<std::string, std::string, std::string>({
      {"one byte over 64 KiB", too_long.path(), "longer than 65536 bytes"},
      {"31 bytes and a newline", short_key.path(), "got 31"},
      {"a missing file", too_long.directory() + "/absent", "No such file or directory"},
      {"a directory", too_long.directory(), "Is a directory"},
  }));
  INFO(name);
  ProcessOptions options;
  options.environment = {{"AUTHCORE_SECRET", kKeyBytes}};  // the file wins, even when it is bad
  // An address that is not this machine's (RFC 5737 TEST-NET-1): were the
  // key accepted by mistake, the server would fail to listen instead of
  // serving forever.
  const auto result = run_process({AUTHCORE_SERVER_BINARY, "--host", "192.0.2.1", "--port", "0", "--db",
                                   temporary_database(), "--secret-file", path},
                                  options);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.err.rfind("error: key: ", 0) == 0);
  CHECK(result.err.find(reason) != std::string::npos);
  CHECK(result.err.find("'" + path + "'") != std::string::npos);
}

TEST_CASE("a key file of exactly 64 KiB, newline included, serves", "[server][key]") {
  const TempFile longest(std::string(64 * 1024 - 1, 'k') + "\n");
  ServerProcess server(temporary_database(), {"--secret-file", longest.path()});
  CHECK(server.terminate() == 0);
}
