#include "authcore/secret.hpp"

#include <sodium.h>

#include <cstring>
#include <utility>

#include "detail/base64url.hpp"
#include "detail/key_file.hpp"
#include "detail/sodium_init.hpp"

namespace authcore {

SecretBytes::SecretBytes(std::string_view bytes)
    : bytes_(std::make_unique<unsigned char[]>(bytes.size())), size_(bytes.size()) {
  if (size_ != 0) std::memcpy(bytes_.get(), bytes.data(), size_);
}

SecretBytes SecretBytes::zeroed(std::size_t size) {
  SecretBytes secret;
  secret.bytes_ = std::make_unique<unsigned char[]>(size);
  secret.size_ = size;
  return secret;
}

SecretBytes SecretBytes::random(std::size_t size) {
  detail::ensure_sodium_initialised();
  SecretBytes secret = zeroed(size);
  randombytes_buf(secret.bytes_.get(), size);
  return secret;
}

Result<SecretBytes> SecretBytes::from_base64url(std::string_view encoded) {
  // Decoded in place, so that the only copy of the bytes is wiped storage.
  SecretBytes secret = zeroed(detail::base64url_decoded_size(encoded.size()));
  if (!detail::base64url_decode(encoded, secret.bytes_.get())) {
    return Error{ErrorCode::invalid_key, "key is not strict base64url"};
  }
  return {std::move(secret)};
}

Result<SecretBytes> SecretBytes::read_file(const std::string& path) {
  return detail::read_key_file(path, detail::KeyFileAccess::any);
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : bytes_(std::move(other.bytes_)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() { wipe(); }

SecretBytes SecretBytes::clone() const { return SecretBytes(view()); }

SecretBytes SecretBytes::to_base64url() const {
  // Encoded in place: the text is as secret as the bytes.
  SecretBytes text = zeroed(detail::base64url_encoded_size(size_));
  detail::base64url_encode(bytes_.get(), size_, reinterpret_cast<char*>(text.bytes_.get()));
  return text;
}

std::string_view SecretBytes::view() const noexcept { return {reinterpret_cast<const char*>(bytes_.get()), size_}; }

bool SecretBytes::equals(const SecretBytes& other) const noexcept {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(bytes_.get(), other.bytes_.get(), size_) == 0;
}

void SecretBytes::wipe() noexcept {
  if (bytes_) secure_wipe(bytes_.get(), size_);
  bytes_.reset();
  size_ = 0;
}

void secure_wipe(void* data, std::size_t size) noexcept {
  if (data != nullptr && size != 0) sodium_memzero(data, size);
}

}  // namespace authcore
