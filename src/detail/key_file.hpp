// Internal: reading key files into wiped memory, for SecretBytes::read_file
// (one key) and KeyRing::from_file (a key per line).
#ifndef AUTHCORE_DETAIL_KEY_FILE_HPP
#define AUTHCORE_DETAIL_KEY_FILE_HPP

#include <string>

#include "authcore/result.hpp"
#include "authcore/secret.hpp"

namespace authcore::detail {

/// Who besides its owner may have access to a key file.
enum class KeyFileAccess {
  any,         ///< whatever the permissions say
  owner_only,  ///< no permission at all for group or others (mode & 077 == 0)
};

/// The bytes of the file at `path`, without exactly one trailing '\n', read
/// with read(2) into memory that is wiped (see SecretBytes::read_file()).
/// Fails with ErrorCode::invalid_key, the message naming the path and the
/// reason, when the file cannot be opened or read, holds more than
/// SecretBytes::max_file_bytes bytes, or (KeyFileAccess::owner_only) its
/// group or others have any permission on it; the permissions are those of
/// the descriptor read, so a file swapped after the check cannot slip by.
Result<SecretBytes> read_key_file(const std::string& path, KeyFileAccess access);

}  // namespace authcore::detail

#endif
