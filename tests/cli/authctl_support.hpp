// Running authctl in the tests, and checking the shape of its failures.
#ifndef AUTHCORE_TESTS_CLI_AUTHCTL_SUPPORT_HPP
#define AUTHCORE_TESTS_CLI_AUTHCTL_SUPPORT_HPP

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/test_support.hpp"

namespace authcore::test {

/// Runs the authctl under test with `args`, `input` on stdin, and
/// AUTHCORE_SECRET set to `secret_env` (unset when nullopt, so the
/// environment of the test run never leaks in).
ProcessResult authctl(const std::vector<std::string>& args, std::string_view input = {},
                      const std::optional<std::string>& secret_env = std::nullopt);

/// Runs the authctl under test with `args` and `input`, AUTHCORE_SECRET
/// and AUTHCORE_DB unset unless `options.environment` sets them.
ProcessResult authctl(const std::vector<std::string>& args, ProcessOptions options);

/// Checks a failure: exit status `status`, nothing on stdout, and stderr
/// exactly one line starting with "error: <kind>: " and a message.
void check_failure(const ProcessResult& result, int status, std::string_view kind);

/// Checks a success: exit 0 and nothing on stderr.
void check_success(const ProcessResult& result);

/// stdout without its single trailing newline, which must be there.
std::string output_line(const ProcessResult& result);

/// A secret file holding the test key (kKeyBytes) and its newline.
const TempFile& key_file();

/// `authctl issue --secret-file <key_file()> <args>`: the token, which must
/// have been issued.
std::string issue_token(const std::vector<std::string>& args);

}  // namespace authcore::test

#endif
