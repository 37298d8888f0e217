#include "authcore/secret.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "detail/base64url.hpp"
#include "detail/sodium_init.hpp"

namespace authcore {
namespace {

// Closes a descriptor on every path out of read_file().
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

// Reads `fd` until end of file or until `capacity` bytes are in `out`,
// retrying interrupted reads. Returns the count, or -1 with errno set.
ssize_t read_until_full_or_end(int fd, unsigned char* out, std::size_t capacity) noexcept {
  std::size_t size = 0;
  while (size < capacity) {
    const ssize_t got = ::read(fd, out + size, capacity - size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return -1;
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  return static_cast<ssize_t>(size);
}

// invalid_key naming the file and the system's reason (std::error_code's
// message, unlike strerror, is safe to call from several threads).
Error file_error(const char* what, const std::string& path, int error) {
  return Error{ErrorCode::invalid_key, std::string(what) + " key file '" + path +
                                           "': " + std::error_code(error, std::generic_category()).message()};
}

}  // namespace

SecretBytes::SecretBytes(std::string_view bytes)
    : bytes_(std::make_unique<unsigned char[]>(bytes.size())), size_(bytes.size()) {
  if (size_ != 0) std::memcpy(bytes_.get(), bytes.data(), size_);
}

SecretBytes SecretBytes::zeroed(std::size_t size) {
  SecretBytes secret;
  secret.bytes_ = std::make_unique<unsigned char[]>(size);
  secret.size_ = size;
  return secret;
}

SecretBytes SecretBytes::random(std::size_t size) {
  detail::ensure_sodium_initialised();
  SecretBytes secret = zeroed(size);
  randombytes_buf(secret.bytes_.get(), size);
  return secret;
}

Result<SecretBytes> SecretBytes::from_base64url(std::string_view encoded) {
  // Decoded in place, so that the only copy of the bytes is wiped storage.
  SecretBytes secret = zeroed(detail::base64url_decoded_size(encoded.size()));
  if (!detail::base64url_decode(encoded, secret.bytes_.get())) {
    return Error{ErrorCode::invalid_key, "key is not strict base64url"};
  }
  return {std::move(secret)};
}

Result<SecretBytes> SecretBytes::read_file(const std::string& path) {
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (file.get() < 0) return file_error("cannot open", path, errno);
  // One byte past the cap tells a file that is too long from one that
  // fits, without reading the rest of it (/dev/zero never ends).
  SecretBytes buffer = zeroed(max_file_bytes + 1);
  const ssize_t got = read_until_full_or_end(file.get(), buffer.bytes_.get(), buffer.size_);
  if (got < 0) return file_error("cannot read", path, errno);
  auto size = static_cast<std::size_t>(got);
  if (size > max_file_bytes) {
    return Error{ErrorCode::invalid_key,
                 "key file '" + path + "' is longer than " + std::to_string(max_file_bytes) + " bytes"};
  }
  if (size > 0 && buffer.bytes_[size - 1] == '\n') --size;
  return SecretBytes(buffer.view().substr(0, size));
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : bytes_(std::move(other.bytes_)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() { wipe(); }

SecretBytes SecretBytes::clone() const { return SecretBytes(view()); }

SecretBytes SecretBytes::to_base64url() const {
  // Encoded in place: the text is as secret as the bytes.
  SecretBytes text = zeroed(detail::base64url_encoded_size(size_));
  detail::base64url_encode(bytes_.get(), size_, reinterpret_cast<char*>(text.bytes_.get()));
  return text;
}

std::string_view SecretBytes::view() const noexcept { return {reinterpret_cast<const char*>(bytes_.get()), size_}; }

bool SecretBytes::equals(const SecretBytes& other) const noexcept {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(bytes_.get(), other.bytes_.get(), size_) == 0;
}

void SecretBytes::wipe() noexcept {
  if (bytes_) secure_wipe(bytes_.get(), size_);
  bytes_.reset();
  size_ = 0;
}

void secure_wipe(void* data, std::size_t size) noexcept {
  if (data != nullptr && size != 0) sodium_memzero(data, size);
}

}  // namespace authcore
