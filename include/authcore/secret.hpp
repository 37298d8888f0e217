// authcore/secret.hpp: SecretBytes, the owner of key material.
#ifndef AUTHCORE_SECRET_HPP
#define AUTHCORE_SECRET_HPP

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <string_view>

#include "authcore/export.hpp"

namespace authcore {

/// Owns secret bytes (an HMAC key, a password copy). The bytes are wiped when
/// the object is destroyed or moved from, compare in constant time, and cannot
/// be streamed or printed. Move-only: a copy must be asked for with clone(),
/// so secrets are never duplicated by accident.
class AUTHCORE_API SecretBytes {
 public:
  /// An empty secret.
  SecretBytes() noexcept = default;
  /// Copies `bytes` (any bytes, NUL included). The caller still owns and
  /// should wipe its own copy.
  explicit SecretBytes(std::string_view bytes);
  /// `size` bytes from the operating system's CSPRNG (libsodium randombytes).
  static SecretBytes random(std::size_t size);

  /// Takes the bytes; `other` is left empty.
  SecretBytes(SecretBytes&& other) noexcept;
  /// Wipes this secret's bytes, then takes `other`'s; `other` is left empty.
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  /// An explicit copy.
  SecretBytes clone() const;

  /// Number of bytes.
  std::size_t size() const noexcept { return size_; }
  /// True when there are no bytes.
  bool empty() const noexcept { return size_ == 0; }
  /// Raw access for code that must hand the bytes to a primitive. Do not log.
  const unsigned char* data() const noexcept { return bytes_.get(); }
  /// The bytes as a view; same caveat as data().
  std::string_view view() const noexcept;

  /// Constant-time equality: the time taken depends only on the sizes.
  bool equals(const SecretBytes& other) const noexcept;

 private:
  void wipe() noexcept;

  std::unique_ptr<unsigned char[]> bytes_;
  std::size_t size_ = 0;
};

/// Constant-time (see SecretBytes::equals).
inline bool operator==(const SecretBytes& a, const SecretBytes& b) noexcept { return a.equals(b); }
inline bool operator!=(const SecretBytes& a, const SecretBytes& b) noexcept { return !a.equals(b); }

/// Secrets are never printable.
std::ostream& operator<<(std::ostream&, const SecretBytes&) = delete;

/// Overwrites `size` bytes at `data` with zeros in a way the optimiser cannot
/// remove (sodium_memzero). For callers' own copies of passwords and keys.
AUTHCORE_API void secure_wipe(void* data, std::size_t size) noexcept;

}  // namespace authcore

#endif  // AUTHCORE_SECRET_HPP
