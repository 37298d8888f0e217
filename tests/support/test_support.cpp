#include "support/test_support.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cerrno>
#include <cstdlib>
#include <fstream>
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
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &size);
  return {reinterpret_cast<const char*>(mac), size};
}

std::string forge(std::string_view header_json, std::string_view payload_json, std::string_view key) {
  const std::string signing_input = b64(header_json) + "." + b64(payload_json);
  return signing_input + "." + b64(hmac_sha256(key, signing_input));
}

std::string default_payload() {
  return R"({"sub":"alice","iat":)" + std::to_string(kNow) + R"(,"exp":)" + std::to_string(kNow + 900) + "}";
}

std::string shared_dir() {
  if (const char* dir = std::getenv("AUTHCORE_SHARED_DIR"); dir != nullptr && *dir != '\0') return dir;
  return AUTHCORE_TEST_SHARED_DIR;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
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

}  // namespace

ProcessResult run_python(const std::string& script, const std::vector<std::string>& args, std::string_view input) {
  int to_child[2];
  int from_child[2];
  if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(from_child[1], STDOUT_FILENO);
    ::close(to_child[0]);
    ::close(to_child[1]);
    ::close(from_child[0]);
    ::close(from_child[1]);
    std::vector<std::string> argv_storage{AUTHCORE_TEST_PYTHON, script};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_storage) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  ::signal(SIGPIPE, SIG_IGN);  // a child that exits before reading stdin must not kill the test
  write_all(to_child[1], input);
  ::close(to_child[1]);
  ProcessResult result;
  std::array<char, 4096> buffer;
  for (;;) {
    const ssize_t got = ::read(from_child[0], buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    result.out.append(buffer.data(), static_cast<std::size_t>(got));
  }
  ::close(from_child[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace authcore::test
