#include "io.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <authcore/secret.hpp>

#include "failure.hpp"

namespace authctl {

int write_all(int fd, std::string_view bytes) noexcept {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return errno;
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

void write_stdout(std::string_view text) {
  if (const int error = write_all(STDOUT_FILENO, text); error != 0) {
    throw Failure(kind::io, std::string("cannot write to standard output: ") + std::strerror(error));
  }
}

InputText::InputText(int fd, std::size_t max_bytes, std::string_view source, std::string_view failure_kind)
    : max_bytes_(max_bytes), capacity_(max_bytes + 2), bytes_(std::make_unique<char[]>(capacity_)) {
  while (read_size_ < capacity_) {
    const ssize_t got = ::read(fd, bytes_.get() + read_size_, capacity_ - read_size_);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error = errno;
      authcore::secure_wipe(bytes_.get(), read_size_);
      throw Failure(failure_kind, "cannot read " + std::string(source) + ": " + std::strerror(error));
    }
    if (got == 0) break;
    read_size_ += static_cast<std::size_t>(got);
  }
  text_size_ = read_size_;
  if (text_size_ > 0 && bytes_[text_size_ - 1] == '\n') --text_size_;
}

InputText::~InputText() { authcore::secure_wipe(bytes_.get(), read_size_); }

}  // namespace authctl
