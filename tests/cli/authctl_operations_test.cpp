// authctl for operators (docs/authctl.md): `keygen --kid` writes a line of
// authcore-server's keys file, `calibrate` measures Argon2id and prints a
// --password-policy, showing its progress on stderr: one line rewritten in
// place on a terminal, plain lines elsewhere.
#include <sys/stat.h>

#include <regex>
#include <string>

#include "authcore/hmac_key.hpp"
#include "cli/authctl_support.hpp"
#include "support/catch.hpp"

using namespace authcore;
using authcore::test::authctl;
using authcore::test::check_failure;
using authcore::test::check_success;

namespace {

const std::string kScript = std::string(AUTHCORE_TEST_SOURCE_DIR) + "/cli/stderr_on_terminal.py";

// calibrate's answer: t=N,m=MiB and nothing else.
const std::regex kPolicy(R"(t=(\d+),m=(\d+)\n)");

}  // namespace

TEST_CASE("keygen --kid prints `KID key`, lines that KeyRing::from_file reads, the first signing", "[cli][keygen]") {
  const auto first = authctl({"keygen", "--kid", "2026-02"});
  check_success(first);
  CHECK(std::regex_match(first.out, std::regex(R"(2026-02 [A-Za-z0-9_-]{43}\n)")));
  const auto second = authctl({"keygen", "--kid", "2026-01"});
  check_success(second);
  CHECK(second.out.substr(8) != first.out.substr(8));
  const test::TempFile keys(first.out + second.out);
  REQUIRE(::chmod(keys.path().c_str(), 0600) == 0);
  const auto ring = KeyRing::from_file(keys.path());
  REQUIRE(ring);
  CHECK(ring->size() == 2);
  CHECK(ring->current().kid() == "2026-02");
}

TEST_CASE("keygen --kid refuses a kid that would not be one field of a keys file line", "[cli][keygen]") {
  const std::string kid = GENERATE(as<std::string>{}, "", "two words", "tab\there", "line\nbreak", "#comment");
  INFO("--kid '" << kid << "'");
  check_failure(authctl({"keygen", "--kid", kid}), 2, "usage");
}

TEST_CASE("calibrate prints t=N,m=MiB within --max-memory, and plain progress lines when stderr is a file",
          "[cli][calibrate]") {
  const auto result = authctl({"calibrate", "--target", "60ms", "--max-memory", "24"});
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 0);
  std::smatch policy;
  REQUIRE(std::regex_match(result.out, policy, kPolicy));
  CHECK(std::stoi(policy[1]) >= 2);
  CHECK(std::stoi(policy[2]) >= 19);  // the floor, OWASP's minimum
  CHECK(std::stoi(policy[2]) <= 24);
  CHECK(result.err.find('\r') == std::string::npos);
  CHECK(std::regex_search(result.err, std::regex(R"(^probe t=1,m=24: \d+ ms\n)")));
  CHECK(std::regex_search(result.err, std::regex(R"(\ntrying t=\d+,m=\d+: \d+ ms \((fits|over) 60 ms\)\n$)")));
}

TEST_CASE("calibrate rewrites one progress line in place when stderr is a terminal", "[cli][calibrate]") {
  // A pseudo-terminal for stderr (python3's pty module), as an operator's shell gives.
  const auto result = test::run_python(kScript, {AUTHCTL_PATH, "calibrate", "--target", "60ms", "--max-memory", "24"});
  INFO("stderr as the terminal showed it: " << result.out);
  REQUIRE(result.exit_code == 0);
  const std::string terminal = result.out.substr(result.out.find('\n') + 1);  // line 1: the policy on stdout
  CHECK(std::regex_match(result.out.substr(0, result.out.find('\n') + 1), kPolicy));
  CHECK(terminal.rfind("\rprobe t=1,m=24: ", 0) == 0);
  CHECK(terminal.find("\rtrying t=") != std::string::npos);
  // One line, ended once: no line break before the last step.
  CHECK(terminal.find('\n') == terminal.size() - 1);
}

TEST_CASE("calibrate refuses a --target or --max-memory it cannot use", "[cli][calibrate]") {
  const auto [name, args] = GENERATE(table<std::string, std::vector<std::string>>({
      {"no unit", {"calibrate", "--target", "250"}},
      {"minutes", {"calibrate", "--target", "1m"}},
      {"zero", {"calibrate", "--target", "0ms"}},
      {"a fraction", {"calibrate", "--target", "0.5s"}},
      {"over an hour", {"calibrate", "--target", "3601s"}},
      {"memory under the 19 MiB floor", {"calibrate", "--max-memory", "18"}},
  }));
  INFO(name);
  check_failure(authctl(args), 2, "usage");
}
