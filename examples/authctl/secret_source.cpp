#include "secret_source.hpp"

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "failure.hpp"

namespace authctl {
namespace {

// The key over AUTHCORE_SECRET, verbatim.
authcore::Result<authcore::HmacKey> key_from_environment(std::string kid) {
  const char* value = std::getenv(kSecretVariable);
  if (value == nullptr) {
    return authcore::Error{authcore::ErrorCode::invalid_key,
                           std::string("no secret: give --secret-file PATH or set ") + kSecretVariable};
  }
  auto key = authcore::HmacKey::from_bytes(value, std::move(kid));
  // Name the source when it is the secret that is refused, not the kid.
  if (!key && std::strlen(value) < authcore::HmacKey::min_size) {
    return authcore::Error{key.error().code, std::string(kSecretVariable) + ": " + key.error().message};
  }
  return key;
}

}  // namespace

authcore::HmacKey load_key(const std::optional<std::string>& secret_file, std::string kid) {
  auto key =
      secret_file ? authcore::HmacKey::from_file(*secret_file, std::move(kid)) : key_from_environment(std::move(kid));
  if (!key) throw failure_from(key.error(), kind::key);
  return *key;
}

}  // namespace authctl
