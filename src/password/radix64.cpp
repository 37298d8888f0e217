#include "password/radix64.hpp"

#include <algorithm>

namespace authcore::detail {

bool Radix64::contains_only_alphabet(std::string_view text) const noexcept {
  return std::all_of(text.begin(), text.end(),
                     [this](char c) { return values_[static_cast<unsigned char>(c)] != kNotInAlphabet; });
}

std::optional<std::size_t> Radix64::decode(std::string_view text, unsigned char* out) const noexcept {
  if (text.size() % 4 == 1) return std::nullopt;
  std::uint32_t pending = 0;  // bits read but not yet emitted, at most 12
  int pending_bits = 0;
  std::size_t size = 0;
  for (const char c : text) {
    const std::uint8_t value = values_[static_cast<unsigned char>(c)];
    if (value == kNotInAlphabet) return std::nullopt;
    pending = pending << 6 | value;
    pending_bits += 6;
    if (pending_bits >= 8) {
      pending_bits -= 8;
      if (out != nullptr) out[size] = static_cast<unsigned char>(pending >> pending_bits);
      ++size;
      pending &= (1U << pending_bits) - 1;
    }
  }
  // RFC 4648 §3.5: the bits left over after the last whole byte must be zero.
  if (pending != 0) return std::nullopt;
  return size;
}

}  // namespace authcore::detail
