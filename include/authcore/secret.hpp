// authcore/secret.hpp: SecretBytes, the owner of key material.
#ifndef AUTHCORE_SECRET_HPP
#define AUTHCORE_SECRET_HPP

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "authcore/export.hpp"
#include "authcore/result.hpp"

namespace authcore {

/// Owns secret bytes (an HMAC key, a password copy). The bytes are wiped when
/// the object is destroyed or moved from, compare in constant time, and cannot
/// be streamed or printed. Move-only: a copy must be asked for with clone(),
/// so secrets are never duplicated by accident.
class AUTHCORE_API SecretBytes {
 public:
  /// The longest file read_file() accepts, newline included: 64 KiB. No key
  /// needs more (HMAC hashes a longer key down to 32 bytes, RFC 2104 §3),
  /// and the bound keeps a path such as /dev/zero from exhausting memory.
  static constexpr std::size_t max_file_bytes = std::size_t{64} * 1024;

  /// An empty secret.
  SecretBytes() noexcept = default;
  /// Copies `bytes` (any bytes, NUL included). The caller still owns and
  /// should wipe its own copy.
  explicit SecretBytes(std::string_view bytes);
  /// `size` bytes from the operating system's CSPRNG (libsodium randombytes).
  [[nodiscard]] static SecretBytes random(std::size_t size);
  /// The bytes that the base64url text `encoded` stands for: the inverse of
  /// to_base64url(). Strict, as for tokens (RFC 4648 §5 alphabet only, no
  /// '=' padding, no whitespace, the unused low bits of the last character
  /// zero), so each byte string has one accepted spelling. Fails with
  /// ErrorCode::invalid_key on any violation; nothing decoded is left behind.
  static Result<SecretBytes> from_base64url(std::string_view encoded);
  /// The bytes of the file at `path` (a key file), without exactly one
  /// trailing '\n' when there is one: a file "K\n" gives K, a file "K\n\n"
  /// gives "K\n". Read with read(2) straight into memory that is wiped, so no
  /// stdio or iostream buffer keeps a copy. Symbolic links, pipes and
  /// /dev/stdin are read like files (reading waits for end of file). Fails
  /// with ErrorCode::invalid_key, with a message naming the path and the
  /// reason, when the file cannot be opened or read (missing, a directory,
  /// no permission) or holds more than max_file_bytes bytes. An empty file
  /// gives an empty secret: the caller decides what is too short (see
  /// HmacKey::from_file()).
  static Result<SecretBytes> read_file(const std::string& path);

  /// Takes the bytes; `other` is left empty.
  SecretBytes(SecretBytes&& other) noexcept;
  /// Wipes this secret's bytes, then takes `other`'s; `other` is left empty.
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  /// An explicit copy.
  [[nodiscard]] SecretBytes clone() const;
  /// The bytes as unpadded base64url (RFC 4648 §5, as JWS writes it, RFC 7515
  /// §2), e.g. 43 characters for a 32-byte key. The text is as secret as the
  /// bytes, so it comes in a SecretBytes too, and no intermediate copy is
  /// made. This is the way to write key bytes as text: an HmacKey keeps no
  /// raw bytes to encode (see HmacKey::from_base64url() for the way back).
  [[nodiscard]] SecretBytes to_base64url() const;

  /// Number of bytes.
  std::size_t size() const noexcept { return size_; }
  /// True when there are no bytes.
  bool empty() const noexcept { return size_ == 0; }
  /// Raw access for code that must hand the bytes to a primitive. Do not log.
  const unsigned char* data() const noexcept { return bytes_.get(); }
  /// The bytes as a view; same caveat as data().
  std::string_view view() const noexcept;

  /// Constant-time equality: the time taken depends only on the sizes.
  [[nodiscard]] bool equals(const SecretBytes& other) const noexcept;

 private:
  // `size` zero bytes, to be filled in place.
  static SecretBytes zeroed(std::size_t size);
  void wipe() noexcept;

  std::unique_ptr<unsigned char[]> bytes_;
  std::size_t size_ = 0;
};

/// Constant-time (see SecretBytes::equals).
[[nodiscard]] inline bool operator==(const SecretBytes& a, const SecretBytes& b) noexcept { return a.equals(b); }
[[nodiscard]] inline bool operator!=(const SecretBytes& a, const SecretBytes& b) noexcept { return !a.equals(b); }

/// Secrets are never printable.
std::ostream& operator<<(std::ostream&, const SecretBytes&) = delete;

/// Overwrites `size` bytes at `data` with zeros in a way the optimiser cannot
/// remove (sodium_memzero). For callers' own copies of passwords and keys.
AUTHCORE_API void secure_wipe(void* data, std::size_t size) noexcept;

}  // namespace authcore

#endif  // AUTHCORE_SECRET_HPP
