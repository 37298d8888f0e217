#include "detail/base64url.hpp"

#include <array>
#include <cstdint>

namespace authcore::detail {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Sextet value of each byte, or 0xFF for bytes outside the alphabet. OR-ing
// the four values of a quantum tests all of them with one branch.
constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = 0xFF;
  for (std::uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}
constexpr auto kDecode = make_decode_table();

std::uint32_t sextet(char c) noexcept { return kDecode[static_cast<unsigned char>(c)]; }

}  // namespace

bool base64url_decode(std::string_view text, unsigned char* out) noexcept {
  const std::size_t length = text.size();
  if (length % 4 == 1) return false;
  const char* in = text.data();
  const std::size_t full = length / 4;
  for (std::size_t i = 0; i < full; ++i, in += 4, out += 3) {
    const std::uint32_t a = sextet(in[0]), b = sextet(in[1]), c = sextet(in[2]), d = sextet(in[3]);
    if ((a | b | c | d) > 63) return false;
    const std::uint32_t bits = a << 18 | b << 12 | c << 6 | d;
    out[0] = static_cast<unsigned char>(bits >> 16);
    out[1] = static_cast<unsigned char>(bits >> 8);
    out[2] = static_cast<unsigned char>(bits);
  }
  switch (length % 4) {
    case 2: {
      const std::uint32_t a = sextet(in[0]), b = sextet(in[1]);
      // Two characters carry 12 bits for one byte; the last 4 must be zero.
      if ((a | b) > 63 || (b & 0x0F) != 0) return false;
      out[0] = static_cast<unsigned char>(a << 2 | b >> 4);
      return true;
    }
    case 3: {
      const std::uint32_t a = sextet(in[0]), b = sextet(in[1]), c = sextet(in[2]);
      // Three characters carry 18 bits for two bytes; the last 2 must be zero.
      if ((a | b | c) > 63 || (c & 0x03) != 0) return false;
      const std::uint32_t bits = a << 10 | b << 4 | c >> 2;
      out[0] = static_cast<unsigned char>(bits >> 8);
      out[1] = static_cast<unsigned char>(bits);
      return true;
    }
    default: return true;
  }
}

bool base64url_decode(std::string_view text, std::string& out) {
  if (text.size() % 4 == 1) return false;
  out.resize(base64url_decoded_size(text.size()));
  return base64url_decode(text, reinterpret_cast<unsigned char*>(out.data()));
}

void base64url_encode(const void* data, std::size_t size, char* out) noexcept {
  const auto* in = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3, out += 4) {
    const std::uint32_t bits = std::uint32_t{in[i]} << 16 | std::uint32_t{in[i + 1]} << 8 | in[i + 2];
    out[0] = kAlphabet[bits >> 18];
    out[1] = kAlphabet[bits >> 12 & 0x3F];
    out[2] = kAlphabet[bits >> 6 & 0x3F];
    out[3] = kAlphabet[bits & 0x3F];
  }
  if (size - i == 1) {
    const std::uint32_t bits = std::uint32_t{in[i]} << 16;
    out[0] = kAlphabet[bits >> 18];
    out[1] = kAlphabet[bits >> 12 & 0x3F];
  } else if (size - i == 2) {
    const std::uint32_t bits = std::uint32_t{in[i]} << 16 | std::uint32_t{in[i + 1]} << 8;
    out[0] = kAlphabet[bits >> 18];
    out[1] = kAlphabet[bits >> 12 & 0x3F];
    out[2] = kAlphabet[bits >> 6 & 0x3F];
  }
}

void base64url_append(std::string& out, std::string_view bytes) {
  const std::size_t start = out.size();
  out.resize(start + base64url_encoded_size(bytes.size()));
  base64url_encode(bytes.data(), bytes.size(), out.data() + start);
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  base64url_append(out, bytes);
  return out;
}

}  // namespace authcore::detail
