// Internal: the base64 variants of stored password hashes. They share
// RFC 4648 §4's bit order and differ only in their alphabet, and none of
// them is padded:
//  - the PHC string format's B64 (standard alphabet, "+/");
//  - passlib's "adapted base64" (ab64, "./" in place of "+/"), which its
//    $pbkdf2-sha256$ hashes use (passlib.utils.binary.ab64_encode);
//  - bcrypt's own alphabet ("./A-Za-z0-9").
#ifndef AUTHCORE_PASSWORD_RADIX64_HPP
#define AUTHCORE_PASSWORD_RADIX64_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace authcore::detail {

/// A base64 alphabet and its strict, unpadded decoder.
class Radix64 {
 public:
  /// `alphabet` holds the 64 characters in value order.
  constexpr explicit Radix64(std::string_view alphabet) noexcept : values_() {
    for (auto& value : values_) value = kNotInAlphabet;
    for (std::size_t i = 0; i < 64 && i < alphabet.size(); ++i) {
      values_[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
    }
  }

  /// True when every character of `text` is in the alphabet.
  bool contains_only_alphabet(std::string_view text) const noexcept;

  /// The number of bytes `text` decodes to, writing them to `out` unless it
  /// is null (room for decoded_size(text.size()) bytes). Strict: only the
  /// alphabet, no length of 4k+1, and the unused low bits of the last
  /// character must be zero (RFC 4648 §3.5), so each byte string has one
  /// encoding. std::nullopt on any violation.
  std::optional<std::size_t> decode(std::string_view text, unsigned char* out = nullptr) const noexcept;

  /// Bytes an unpadded text of `length` characters decodes to.
  static constexpr std::size_t decoded_size(std::size_t length) noexcept {
    return length / 4 * 3 + (length % 4 == 0 ? 0 : length % 4 - 1);
  }

 private:
  static constexpr std::uint8_t kNotInAlphabet = 0xFF;
  std::array<std::uint8_t, 256> values_;
};

/// PHC string format B64: RFC 4648 §4 without padding.
inline constexpr Radix64 kPhcBase64{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"};
/// passlib's adapted base64: RFC 4648 §4 with '.' for '+', without padding.
inline constexpr Radix64 kPasslibAb64{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./"};
/// bcrypt's alphabet (OpenBSD bcrypt, crypt_blowfish).
inline constexpr Radix64 kBcryptBase64{"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"};

}  // namespace authcore::detail

#endif
