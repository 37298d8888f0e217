// authctl/secret_source.hpp: the HS256 key of `issue` and `verify`, from
// --secret-file or AUTHCORE_SECRET (docs/authctl.md, SECRETS).
#ifndef AUTHCTL_SECRET_SOURCE_HPP
#define AUTHCTL_SECRET_SOURCE_HPP

#include <optional>
#include <string>

#include <authcore/hmac_key.hpp>

namespace authctl {

/// The environment variable that holds the secret when no file is given.
inline constexpr const char* kSecretVariable = "AUTHCORE_SECRET";

/// The key named `kid` (none when empty) over the secret: `secret_file`
/// read by authcore::HmacKey::from_file() when a file is given (the file
/// wins), else the value of AUTHCORE_SECRET, verbatim. Throws Failure(key)
/// when there is neither, the file cannot be opened or read or is over
/// 64 KiB, or the secret is shorter than 32 bytes (RFC 7518 §3.2).
authcore::HmacKey load_key(const std::optional<std::string>& secret_file, std::string kid = {});

}  // namespace authctl

#endif  // AUTHCTL_SECRET_SOURCE_HPP
