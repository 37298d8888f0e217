#include "support/test_support.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace authcore::test {

HmacKey test_key(std::string kid) { return HmacKey::from_bytes(kKeyBytes, std::move(kid)).value(); }

std::string b64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = buffer << 8 | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[buffer >> bits & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[buffer << (6 - bits) & 0x3F]);
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &size);
  return {reinterpret_cast<const char*>(mac), size};
}

std::string forge(std::string_view header_json, std::string_view payload_json, std::string_view key) {
  const std::string signing_input = b64(header_json) + "." + b64(payload_json);
  return signing_input + "." + b64(hmac_sha256(key, signing_input));
}

std::string default_payload() {
  return R"({"sub":"alice","iat":)" + std::to_string(kNow) + R"(,"exp":)" + std::to_string(kNow + 900) + "}";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

TempFile::TempFile(std::string_view contents) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/authcore-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  directory_ = pattern;
  path_ = directory_ + "/file";
  std::ofstream(path_, std::ios::binary) << contents;
}

TempFile::~TempFile() {
  std::remove(path_.c_str());
  ::rmdir(directory_.c_str());
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 0x0F]);
  }
  return out;
}

namespace {

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // the child closed stdin early; its exit code tells
    data.remove_prefix(static_cast<std::size_t>(written));
  }
}

// An anonymous file for a child's output: it never blocks the writer.
int output_file(const char* name) {
  const int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error("memfd_create failed");
  return fd;
}

std::string read_output(int fd) {
  std::string out;
  std::array<char, 4096> buffer;
  ::lseek(fd, 0, SEEK_SET);
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    out.append(buffer.data(), static_cast<std::size_t>(got));
  }
  ::close(fd);
  return out;
}

// "NAME=VALUE" strings: this process's environment with `changes` applied.
std::vector<std::string> child_environment(const EnvironmentChanges& changes) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    const auto changed = [&](const auto& change) { return variable.substr(0, variable.find('=')) == change.first; };
    if (std::none_of(changes.begin(), changes.end(), changed)) environment.emplace_back(variable);
  }
  for (const auto& [name, value] : changes) {
    if (value) environment.push_back(name + "=" + *value);
  }
  return environment;
}

// execve's argument form: pointers into `strings`, then a null.
std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& string : strings) pointers.push_back(string.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  // Everything the child needs is built before fork(): after it, only
  // async-signal-safe calls.
  std::vector<std::string> argv_storage = argv;
  std::vector<std::string> environment_storage = child_environment(options.environment);
  const std::vector<char*> child_argv = pointers_to(argv_storage);
  const std::vector<char*> child_environment_pointers = pointers_to(environment_storage);
  int to_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const int out =
      options.stdout_path ? ::open(options.stdout_path->c_str(), O_WRONLY | O_CLOEXEC) : output_file("child-stdout");
  if (out < 0) throw std::runtime_error("cannot open " + *options.stdout_path);
  const int err = output_file("child-stderr");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    if (options.working_directory && ::chdir(options.working_directory->c_str()) != 0) ::_exit(126);
    ::execve(child_argv[0], child_argv.data(), child_environment_pointers.data());
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::signal(SIGPIPE, SIG_IGN);  // a child that exits before reading stdin must not kill the test
  write_all(to_child[1], options.input);
  ::close(to_child[1]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ProcessResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (options.stdout_path) {
    ::close(out);
  } else {
    result.out = read_output(out);
  }
  result.err = read_output(err);
  return result;
}

ProcessResult run_python(const std::string& script, const std::vector<std::string>& args, std::string_view input) {
  std::vector<std::string> argv{AUTHCORE_TEST_PYTHON, script};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.input = input;
  auto result = run_process(argv, options);
  std::cerr << result.err;
  return result;
}

}  // namespace authcore::test
