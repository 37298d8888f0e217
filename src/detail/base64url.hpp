// Internal: strict base64url (RFC 4648 §5) without padding, as JWS uses it
// (RFC 7515 §2, "Base64url Encoding").
#ifndef AUTHCORE_DETAIL_BASE64URL_HPP
#define AUTHCORE_DETAIL_BASE64URL_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace authcore::detail {

/// Characters needed to encode `size` bytes without padding.
constexpr std::size_t base64url_encoded_size(std::size_t size) noexcept {
  return size / 3 * 4 + (size % 3 == 0 ? 0 : size % 3 + 1);
}

/// Bytes an unpadded text of `length` characters decodes to. A length of
/// 4k+1 can never be valid; callers learn that from base64url_decode().
constexpr std::size_t base64url_decoded_size(std::size_t length) noexcept {
  return length / 4 * 3 + (length % 4 == 0 ? 0 : length % 4 - 1);
}

/// Decodes `text` into `out` (room for base64url_decoded_size(text.size())
/// bytes). Strict: only the RFC 4648 §5 alphabet, no '=' padding, no
/// whitespace, no length of 4k+1, and the unused low bits of the final
/// character must be zero (§3.5 canonical encoding), so every byte string has
/// exactly one accepted encoding. Returns false on any violation; `out` is
/// then unspecified.
bool base64url_decode(std::string_view text, unsigned char* out) noexcept;

/// As above, replacing the contents of `out`.
bool base64url_decode(std::string_view text, std::string& out);

/// Encodes `size` bytes into `out` (room for base64url_encoded_size(size)).
void base64url_encode(const void* data, std::size_t size, char* out) noexcept;

/// Appends the encoding of `bytes` to `out`.
void base64url_append(std::string& out, std::string_view bytes);

/// The encoding of `bytes`.
std::string base64url_encode(std::string_view bytes);

}  // namespace authcore::detail

#endif
