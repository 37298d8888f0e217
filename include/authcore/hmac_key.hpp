// authcore/hmac_key.hpp: HS256 keys and key rings.
#ifndef AUTHCORE_HMAC_KEY_HPP
#define AUTHCORE_HMAC_KEY_HPP

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "authcore/export.hpp"
#include "authcore/result.hpp"
#include "authcore/secret.hpp"

namespace authcore {

namespace detail {
class HmacSha256;
struct KeyAccess;
}  // namespace detail

/// An HS256 signing and verification key, optionally named by a key id
/// (`kid`, RFC 7515 §4.1.4). The HMAC key schedule is computed once, here,
/// and shared by copies; the raw key bytes are not kept. Immutable and safe
/// to share between threads.
class AUTHCORE_API HmacKey {
 public:
  /// RFC 7518 §3.2: an HS256 key must be at least as long as the hash, 32 bytes.
  static constexpr std::size_t min_size = 32;

  /// A key from raw bytes. Fails with ErrorCode::invalid_key when `bytes`
  /// is shorter than min_size or `kid` is not valid UTF-8. An empty `kid`
  /// means the key has none.
  static Result<HmacKey> from_bytes(std::string_view bytes, std::string kid = {});
  /// As from_bytes(), taking the bytes from a SecretBytes.
  static Result<HmacKey> from_secret(const SecretBytes& secret, std::string kid = {});
  /// A key from the base64url text of its bytes (SecretBytes::to_base64url()
  /// writes it): the text is decoded, and the decoded bytes are the key.
  /// Fails with ErrorCode::invalid_key on text that is not strict base64url
  /// (SecretBytes::from_base64url()) or decodes to a short key.
  static Result<HmacKey> from_base64url(std::string_view encoded, std::string kid = {});
  /// A key from a key file: the file's bytes, without exactly one trailing
  /// '\n', are the key, used as they are (SecretBytes::read_file()). So the
  /// 43 characters and newline that `authctl keygen` writes are a 43-byte
  /// key; they are not decoded. This is how authctl and authcore-server read
  /// `--secret-file`. Fails with ErrorCode::invalid_key, the message naming
  /// `path`, when the file cannot be opened or read, holds more than
  /// SecretBytes::max_file_bytes bytes, or gives fewer than min_size bytes;
  /// and when `kid` is not valid UTF-8.
  static Result<HmacKey> from_file(const std::string& path, std::string kid = {});
  /// A new random 256-bit key.
  [[nodiscard]] static HmacKey generate(std::string kid = {});

  /// The key id; empty when the key has none.
  const std::string& kid() const noexcept { return kid_; }

 private:
  friend struct detail::KeyAccess;
  // Not exported: its signature names an internal type, and only the
  // library itself (detail::KeyAccess) calls it.
  AUTHCORE_NO_EXPORT HmacKey(std::shared_ptr<const detail::HmacSha256> mac, std::string kid) noexcept;

  std::shared_ptr<const detail::HmacSha256> mac_;
  std::string kid_;
};

/// The keys a verifier accepts and the one an issuer signs with (the
/// current key), for key rotation. Key selection follows DESIGN §3 step 4:
/// a ring of one key without a kid uses it for every token; otherwise a
/// token's `kid` must name exactly one key, and a token without `kid` is
/// checked with the current key.
class AUTHCORE_API KeyRing {
 public:
  /// A ring of one key, which is also the current key. Implicit, so a single
  /// HmacKey can be passed wherever a KeyRing is expected.
  KeyRing(HmacKey key);  // NOLINT(google-explicit-constructor)

  /// A ring of several keys; `current_kid` names the signing key. Fails with
  /// ErrorCode::invalid_key when `keys` is empty, two keys share a kid (the
  /// empty kid included), or no key has `current_kid`.
  static Result<KeyRing> create(std::vector<HmacKey> keys, std::string_view current_kid);
  /// A ring from a keys file, for key rotation (authcore-server's
  /// `--keys-file`): one key per line, `kid key`, the kid and then the
  /// key's bytes as unpadded base64url (what `authctl keygen --kid K`
  /// prints), separated by spaces or tabs. The first key is the current
  /// (signing) key. Blank lines, and lines whose first character other
  /// than a space or tab is `#`, are ignored, as are spaces, tabs and "\r"
  /// around the fields. Fails with ErrorCode::invalid_key, the message
  /// naming `path` and, for a bad line, its number (never a key's text),
  /// when:
  ///  - the file cannot be opened or read, or holds more than
  ///    SecretBytes::max_file_bytes bytes;
  ///  - its group or others have any permission on it (mode & 077): keys
  ///    readable by other accounts are refused, as ssh refuses such a
  ///    private key (`chmod 600` it);
  ///  - a line has not exactly two fields, a kid is not valid UTF-8, two
  ///    lines share a kid, or a key is not strict base64url
  ///    (SecretBytes::from_base64url()) or has fewer than HmacKey::min_size
  ///    bytes;
  ///  - it holds no key at all.
  static Result<KeyRing> from_file(const std::string& path);

  /// The signing key.
  const HmacKey& current() const noexcept { return keys_[current_]; }
  /// The key with this kid, or nullptr.
  [[nodiscard]] const HmacKey* find(std::string_view kid) const noexcept;
  /// The key that checks a token whose header has (`token_has_kid`) or has
  /// not a `kid`; nullptr means ErrorCode::unknown_key.
  [[nodiscard]] const HmacKey* select(bool token_has_kid, std::string_view token_kid) const noexcept;
  /// Number of keys.
  std::size_t size() const noexcept { return keys_.size(); }
  /// All keys, the current one among them.
  const std::vector<HmacKey>& keys() const noexcept { return keys_; }

 private:
  KeyRing(std::vector<HmacKey> keys, std::size_t current) noexcept;

  std::vector<HmacKey> keys_;
  std::size_t current_ = 0;
};

}  // namespace authcore

#endif  // AUTHCORE_HMAC_KEY_HPP
