#include "secret_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include <authcore/secret.hpp>

#include "failure.hpp"
#include "io.hpp"

namespace authctl {
namespace {

// No HMAC key needs more (longer keys are hashed down to 32 bytes anyway,
// RFC 2104 §3); the bound keeps `--secret-file /dev/zero` from hanging.
constexpr std::size_t kMaxSecretBytes = 64 * 1024;

// Closes a descriptor on every path out of read_secret_file().
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// `source` names the file in messages.
authcore::SecretBytes read_secret_file(const std::string& path, const std::string& source) {
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) throw Failure(kind::key, "cannot open " + source + ": " + std::strerror(errno));
  const InputText secret(file.get(), kMaxSecretBytes, source, kind::key);
  if (secret.too_long()) {
    throw Failure(kind::key, source + " is longer than " + std::to_string(kMaxSecretBytes) + " bytes");
  }
  return authcore::SecretBytes(secret.text());
}

// The secret and where it came from, for messages.
std::pair<authcore::SecretBytes, std::string> read_secret(const std::optional<std::string>& secret_file) {
  if (secret_file) {
    std::string source = "secret file '" + *secret_file + "'";
    auto secret = read_secret_file(*secret_file, source);
    return {std::move(secret), std::move(source)};
  }
  if (const char* value = std::getenv(kSecretVariable); value != nullptr) {
    return {authcore::SecretBytes(std::string_view(value)), kSecretVariable};
  }
  throw Failure(kind::key, std::string("no secret: give --secret-file PATH or set ") + kSecretVariable);
}

}  // namespace

authcore::HmacKey load_key(const std::optional<std::string>& secret_file, std::string kid) {
  const auto [secret, source] = read_secret(secret_file);
  auto key = authcore::HmacKey::from_secret(secret, std::move(kid));
  if (!key) {
    auto error = key.error();
    // Name the source when it is the secret that is refused, not the kid.
    if (secret.size() < authcore::HmacKey::min_size) error.message = source + ": " + error.message;
    throw failure_from(error, kind::key);
  }
  return *key;
}

}  // namespace authctl
