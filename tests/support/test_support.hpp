// Helpers shared by the tests: an independent token forger (OpenSSL's
// one-shot HMAC, not authcore's), fixture paths and a python3 runner.
#ifndef AUTHCORE_TESTS_SUPPORT_TEST_SUPPORT_HPP
#define AUTHCORE_TESTS_SUPPORT_TEST_SUPPORT_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authcore/clock.hpp"
#include "authcore/hmac_key.hpp"

namespace authcore::test {

/// The instant most tests run at: 2023-11-14T22:13:20Z.
inline constexpr std::int64_t kNow = 1'700'000'000;

/// 32 bytes, the key most tests sign with.
inline const std::string kKeyBytes = "0123456789abcdef0123456789abcdef";

/// A one-key ring without kid over kKeyBytes.
HmacKey test_key(std::string kid = {});

/// Unpadded base64url, written independently of src/detail.
std::string b64(std::string_view bytes);

/// Lower-case hex, two digits per byte.
std::string hex(std::string_view bytes);

/// HMAC-SHA256 with OpenSSL's one-shot HMAC().
std::string hmac_sha256(std::string_view key, std::string_view message);

/// b64(header) '.' b64(payload) '.' b64(HMAC(key, those two)): any header
/// and payload bytes, with a correct MAC.
std::string forge(std::string_view header_json, std::string_view payload_json, std::string_view key = kKeyBytes);

/// The default test header: {"alg":"HS256","typ":"at+jwt"}.
inline constexpr std::string_view kAccessHeader = R"({"alg":"HS256","typ":"at+jwt"})";

/// A payload valid at kNow: sub, iat = kNow, exp = kNow + 900.
std::string default_payload();

/// Reads a whole file; throws std::runtime_error if it cannot.
std::string read_file(const std::string& path);

/// A file with `contents` in a fresh directory under $TMPDIR; both are
/// removed when this goes away.
class TempFile {
 public:
  explicit TempFile(std::string_view contents = {});
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const noexcept { return path_; }
  /// The directory holding the file (for "not a regular file" cases).
  const std::string& directory() const noexcept { return directory_; }

 private:
  std::string directory_;
  std::string path_;
};

struct ProcessResult {
  int exit_code = -1;  ///< the exit status; -1 when a signal ended the process
  std::string out;     ///< standard output
  std::string err;     ///< standard error
};

/// Changes to the environment a child inherits: each name is set to its
/// value, or removed when the value is nullopt.
using EnvironmentChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

/// How run_process() runs a program.
struct ProcessOptions {
  std::string_view input;          ///< fed to standard input through a pipe
  EnvironmentChanges environment;  ///< applied to the inherited environment
  /// When set, standard output goes to this file (e.g. /dev/full) instead
  /// of ProcessResult::out.
  std::optional<std::string> stdout_path;
  /// When set, the child runs in this directory.
  std::optional<std::string> working_directory;
};

/// Runs the program at `argv[0]` with `argv` and waits for it. No shell is
/// involved. Standard output and error are collected through files, so a
/// child that writes much before reading stdin cannot deadlock the test; a
/// child that stops reading stdin early is fine too.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

/// Runs /usr/bin/python3 (Debian's, with python3-jwt & co.) on `script`
/// with `args`, feeding `input` on stdin. Its stderr is passed on to the
/// test's own.
ProcessResult run_python(const std::string& script, const std::vector<std::string>& args, std::string_view input = {});

}  // namespace authcore::test

#endif
