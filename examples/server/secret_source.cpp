#include "secret_source.hpp"

#include <cstdlib>
#include <iostream>
#include <utility>

namespace authcore_server {

authcore::Result<authcore::HmacKey> load_key(const std::string& secret_file) {
  if (!secret_file.empty()) return authcore::HmacKey::from_file(secret_file);
  if (const char* secret = std::getenv("AUTHCORE_SECRET")) return authcore::HmacKey::from_bytes(secret);
  std::cerr << "warning: no --secret-file and no AUTHCORE_SECRET: using a random key; "
               "tokens will not survive a restart\n";
  return authcore::HmacKey::generate();
}

authcore::Result<authcore::KeyRing> load_keys(const std::string& keys_file, const std::string& secret_file) {
  if (!keys_file.empty()) return authcore::KeyRing::from_file(keys_file);
  auto key = load_key(secret_file);
  if (!key) return key.error();
  return authcore::KeyRing(std::move(*key));
}

}  // namespace authcore_server
