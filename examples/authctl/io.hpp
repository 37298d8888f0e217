// authctl/io.hpp: unbuffered reads and writes, so that passwords and keys
// pass through no stdio or iostream buffer that nobody wipes.
#ifndef AUTHCTL_IO_HPP
#define AUTHCTL_IO_HPP

#include <cstddef>
#include <memory>
#include <string_view>

namespace authctl {

/// Writes all of `bytes` to `fd`, retrying short and interrupted writes.
/// Returns 0, or the errno of the write that failed.
int write_all(int fd, std::string_view bytes) noexcept;

/// Writes `text` to standard output; Failure(io) when it cannot (a closed
/// pipe, a full disk).
void write_stdout(std::string_view text);

/// What a descriptor holds up to end of file, without one trailing '\n',
/// in one allocation that is wiped when this goes away.
///
/// At most `max_bytes` + 2 bytes are read (the text, its '\n', one more), so
/// input longer than `max_bytes` is detected without reading it all: a
/// stray `< /dev/zero` ends at once instead of hanging or exhausting memory.
class InputText {
 public:
  /// Reads `fd`. A failed read throws Failure(failure_kind, "cannot read
  /// <source>: <reason>").
  InputText(int fd, std::size_t max_bytes, std::string_view source, std::string_view failure_kind);
  ~InputText();
  InputText(const InputText&) = delete;
  InputText& operator=(const InputText&) = delete;

  /// The bytes read, without one trailing '\n'.
  std::string_view text() const noexcept { return {bytes_.get(), text_size_}; }
  /// True when the input is longer than `max_bytes`; text() is then a prefix.
  bool too_long() const noexcept { return text_size_ > max_bytes_; }

 private:
  std::size_t max_bytes_;
  std::size_t capacity_;
  std::unique_ptr<char[]> bytes_;
  std::size_t read_size_ = 0;
  std::size_t text_size_ = 0;
};

}  // namespace authctl

#endif  // AUTHCTL_IO_HPP
