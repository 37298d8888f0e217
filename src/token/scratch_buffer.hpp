// Internal: a byte buffer that lives on the stack for the usual small sizes
// and falls back to the heap for larger ones.
#ifndef AUTHCORE_TOKEN_SCRATCH_BUFFER_HPP
#define AUTHCORE_TOKEN_SCRATCH_BUFFER_HPP

#include <cstddef>
#include <string>

namespace authcore::detail {

template <std::size_t N>
class ScratchBuffer {
 public:
  /// Room for `size` bytes; invalidates earlier pointers.
  unsigned char* prepare(std::size_t size) {
    size_ = size;
    if (size <= N) return inline_;
    heap_.resize(size);
    return reinterpret_cast<unsigned char*>(heap_.data());
  }
  const unsigned char* data() const noexcept {
    return size_ <= N ? inline_ : reinterpret_cast<const unsigned char*>(heap_.data());
  }
  std::size_t size() const noexcept { return size_; }
  std::string_view view() const noexcept { return {reinterpret_cast<const char*>(data()), size_}; }

 private:
  unsigned char inline_[N];
  std::string heap_;
  std::size_t size_ = 0;
};

}  // namespace authcore::detail

#endif
