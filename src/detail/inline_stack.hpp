// Internal: a stack that keeps its first N elements inline, so the common
// small case allocates nothing. Only for trivially copyable T.
#ifndef AUTHCORE_DETAIL_INLINE_STACK_HPP
#define AUTHCORE_DETAIL_INLINE_STACK_HPP

#include <algorithm>
#include <cstddef>
#include <memory>
#include <type_traits>

namespace authcore::detail {

template <class T, std::size_t N>
class InlineStack {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  InlineStack() noexcept = default;
  InlineStack(const InlineStack&) = delete;
  InlineStack& operator=(const InlineStack&) = delete;

  std::size_t size() const noexcept { return size_; }
  T* data() noexcept { return heap_ ? heap_.get() : inline_; }
  const T* data() const noexcept { return heap_ ? heap_.get() : inline_; }
  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }

  /// A new element at the top, value-initialised, to be filled in place.
  T& emplace_back() {
    if (size_ == capacity_) grow();
    T& slot = data()[size_++];
    slot = T{};
    return slot;
  }
  /// Drops everything from index `size` on.
  void truncate(std::size_t size) noexcept { size_ = std::min(size, size_); }

 private:
  void grow() {
    const std::size_t capacity = capacity_ * 2;
    auto bigger = std::make_unique<T[]>(capacity);
    std::copy(data(), data() + size_, bigger.get());
    heap_ = std::move(bigger);
    capacity_ = capacity;
  }

  T inline_[N];
  std::unique_ptr<T[]> heap_;
  std::size_t size_ = 0;
  std::size_t capacity_ = N;
};

}  // namespace authcore::detail

#endif
