#include "detail/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

namespace authcore::detail {
namespace {

// Closes a descriptor on every path out of read_key_file().
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

// A buffer for key bytes, wiped when it goes.
class WipedBuffer {
 public:
  explicit WipedBuffer(std::size_t size) : bytes_(std::make_unique<unsigned char[]>(size)), size_(size) {}
  ~WipedBuffer() { secure_wipe(bytes_.get(), size_); }
  WipedBuffer(const WipedBuffer&) = delete;
  WipedBuffer& operator=(const WipedBuffer&) = delete;
  unsigned char* data() noexcept { return bytes_.get(); }
  std::size_t size() const noexcept { return size_; }

 private:
  std::unique_ptr<unsigned char[]> bytes_;
  std::size_t size_;
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

// A key file that others may read is a key others may have: refuse it, as
// ssh refuses a private key that is not 0600.
Result<void> check_owner_only(int fd, const std::string& path) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) return file_error("cannot inspect", path, errno);
  const auto others = status.st_mode & 077;
  if (others == 0) return {};
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
  return Error{ErrorCode::invalid_key,
               "key file '" + path + "' has mode " + mode + ": group or others may read or write it (chmod 600 it)"};
}

}  // namespace

Result<SecretBytes> read_key_file(const std::string& path, KeyFileAccess access) {
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (file.get() < 0) return file_error("cannot open", path, errno);
  if (access == KeyFileAccess::owner_only) {
    if (auto private_file = check_owner_only(file.get(), path); !private_file) return private_file.error();
  }
  // One byte past the cap tells a file that is too long from one that
  // fits, without reading the rest of it (/dev/zero never ends).
  WipedBuffer buffer(SecretBytes::max_file_bytes + 1);
  const ssize_t got = read_until_full_or_end(file.get(), buffer.data(), buffer.size());
  if (got < 0) return file_error("cannot read", path, errno);
  auto size = static_cast<std::size_t>(got);
  if (size > SecretBytes::max_file_bytes) {
    return Error{ErrorCode::invalid_key,
                 "key file '" + path + "' is longer than " + std::to_string(SecretBytes::max_file_bytes) + " bytes"};
  }
  if (size > 0 && buffer.data()[size - 1] == '\n') --size;
  return SecretBytes(std::string_view(reinterpret_cast<const char*>(buffer.data()), size));
}

}  // namespace authcore::detail
