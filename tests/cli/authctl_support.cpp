#include "authctl_support.hpp"

#include <algorithm>

#include "support/catch.hpp"

namespace authcore::test {

ProcessResult authctl(const std::vector<std::string>& args, std::string_view input,
                      const std::optional<std::string>& secret_env) {
  ProcessOptions options;
  options.input = input;
  options.environment = {{"AUTHCORE_SECRET", secret_env}};
  return authctl(args, std::move(options));
}

ProcessResult authctl(const std::vector<std::string>& args, ProcessOptions options) {
  std::vector<std::string> argv{AUTHCTL_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  // The environment of the test run never leaks in: what is not set is unset.
  for (const char* name : {"AUTHCORE_SECRET", "AUTHCORE_DB"}) {
    const bool given = std::any_of(options.environment.begin(), options.environment.end(),
                                   [name](const auto& change) { return change.first == name; });
    if (!given) options.environment.emplace_back(name, std::nullopt);
  }
  return run_process(argv, options);
}

void check_failure(const ProcessResult& result, int status, std::string_view kind) {
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == status);
  CHECK(result.out.empty());
  const std::string prefix = "error: " + std::string(kind) + ": ";
  CHECK(result.err.rfind(prefix, 0) == 0);
  CHECK(result.err.size() > prefix.size() + 1);
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  CHECK(result.err.back() == '\n');
}

void check_success(const ProcessResult& result) {
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
}

std::string output_line(const ProcessResult& result) {
  REQUIRE(!result.out.empty());
  REQUIRE(result.out.back() == '\n');
  return result.out.substr(0, result.out.size() - 1);
}

const TempFile& key_file() {
  static const TempFile file(kKeyBytes + "\n");
  return file;
}

std::string issue_token(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"issue", "--secret-file", key_file().path()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = authctl(argv);
  check_success(result);
  return output_line(result);
}

}  // namespace authcore::test
