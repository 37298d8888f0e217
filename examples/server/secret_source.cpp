#include "secret_source.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>

#include "authcore/secret.hpp"

namespace authcore_server {

authcore::Result<authcore::HmacKey> load_key(const std::string& secret_file) {
  if (!secret_file.empty()) {
    std::ifstream in(secret_file, std::ios::binary);
    if (!in) return authcore::Error{authcore::ErrorCode::invalid_key, "cannot read " + secret_file};
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!bytes.empty() && bytes.back() == '\n') bytes.pop_back();
    auto key = authcore::HmacKey::from_bytes(bytes);
    authcore::secure_wipe(bytes.data(), bytes.size());
    return key;
  }
  if (const char* secret = std::getenv("AUTHCORE_SECRET")) return authcore::HmacKey::from_bytes(secret);
  std::cerr << "warning: no --secret-file and no AUTHCORE_SECRET: using a random key; "
               "tokens will not survive a restart\n";
  return authcore::HmacKey::generate();
}

}  // namespace authcore_server
