// Where authcore-server's signing keys come from (DESIGN §7).
#ifndef AUTHCORE_SERVER_SECRET_SOURCE_HPP
#define AUTHCORE_SERVER_SECRET_SOURCE_HPP

#include <string>

#include "authcore/hmac_key.hpp"
#include "authcore/result.hpp"

namespace authcore_server {

/// The key from `secret_file` (authcore::HmacKey::from_file(): its bytes,
/// exactly one trailing "\n" removed) when given, else from
/// $AUTHCORE_SECRET (verbatim), else a random key with a warning on stderr
/// that tokens will not survive a restart. Fails with invalid_key for a
/// short key, or a file that is unreadable or over 64 KiB.
authcore::Result<authcore::HmacKey> load_key(const std::string& secret_file);

/// The keys the server starts with: those of `keys_file`
/// (authcore::KeyRing::from_file(): `kid key` lines, the first signs, an
/// owner-only file) when given, else the one key of load_key(). Fails with
/// invalid_key as they do.
authcore::Result<authcore::KeyRing> load_keys(const std::string& keys_file, const std::string& secret_file);

}  // namespace authcore_server

#endif
