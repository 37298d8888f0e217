// Internal: strict UTF-8 (RFC 3629).
#ifndef AUTHCORE_DETAIL_UTF8_HPP
#define AUTHCORE_DETAIL_UTF8_HPP

#include <cstddef>
#include <string_view>

namespace authcore::detail {

/// Length of the well-formed multi-byte sequence starting at `p` (lead byte
/// 0x80 or above), or 0 if it is not one: RFC 3629 §4 forbids overlong forms,
/// UTF-16 surrogates (U+D800..U+DFFF) and anything above U+10FFFF.
inline std::size_t utf8_sequence_length(const char* p, std::size_t available) noexcept {
  const auto byte = [p](std::size_t i) { return static_cast<unsigned char>(p[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char second_low = 0x80, second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;   // overlong
    if (lead == 0xED) second_high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;   // overlong
    if (lead == 0xF4) second_high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (available < length) return 0;
  if (byte(1) < second_low || byte(1) > second_high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

/// True when all of `text` is well-formed UTF-8.
inline bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text.data() + i, text.size() - i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

}  // namespace authcore::detail

#endif
