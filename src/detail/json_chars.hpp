// Internal: the byte classes of a JSON string (RFC 8259 §7), shared by the
// scanner and the writer.
#ifndef AUTHCORE_DETAIL_JSON_CHARS_HPP
#define AUTHCORE_DETAIL_JSON_CHARS_HPP

#include <cstdint>
#include <cstring>

namespace authcore::detail {

/// True for the bytes a JSON string holds verbatim without further checks:
/// printable ASCII and DEL, except '"' and '\\'.
constexpr bool is_plain_string_byte(unsigned char c) noexcept { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

/// The first byte at or after `p` that is not plain (a quote, a backslash, a
/// control character or the start of a multi-byte UTF-8 sequence), or `end`.
/// Whole 8-byte words are tested at once (SWAR): the classic "has zero
/// byte" test is exact for the lowest matching byte, which count-trailing-
/// zeros then locates, so short strings cost one word.
inline const char* find_string_special(const char* p, const char* end) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  constexpr std::uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
  const auto zero_bytes = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  while (end - p >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);  // little-endian: byte 0 is the lowest
    const std::uint64_t special = zero_bytes(word ^ (kOnes * '"')) | zero_bytes(word ^ (kOnes * '\\')) |
                                  ((word - kOnes * 0x20) & ~word & kHighs) | (word & kHighs);
    if (special != 0) return p + __builtin_ctzll(special) / 8;
    p += 8;
  }
#endif
  while (p != end && is_plain_string_byte(static_cast<unsigned char>(*p))) ++p;
  return p;
}

}  // namespace authcore::detail

#endif
