// Internal: the errors every UserStore backend reports for the same
// outcome, worded once. Inline, because the backends live in different
// libraries (authcore, authcore::sqlite, authcore::postgres).
#ifndef AUTHCORE_STORES_STORE_ERRORS_HPP
#define AUTHCORE_STORES_STORE_ERRORS_HPP

#include <string>

#include "authcore/result.hpp"

namespace authcore::detail {

inline Error username_taken() { return {ErrorCode::conflict, "the username is taken"}; }

inline Error no_such_user() { return {ErrorCode::not_found, "no such user"}; }

inline Error no_such_session() { return {ErrorCode::not_found, "no such session"}; }

inline Error password_hash_changed() {
  return {ErrorCode::conflict, "the stored password hash is not the expected one: another writer changed it"};
}

inline Error session_or_jti_taken() { return {ErrorCode::conflict, "the session id or refresh jti is already in use"}; }

inline Error jti_taken() { return {ErrorCode::conflict, "the next refresh jti is already in use; nothing was spent"}; }

/// rotate() refused: the presented refresh token is spent (reuse, RFC 9700
/// §4.14.2), foreign to the session, or the session is revoked, expired or
/// unknown. The session, where it exists, is revoked now.
inline Error rotation_refused() {
  return {ErrorCode::revoked,
          "the refresh token is spent or unknown, or its session is revoked or expired; the session is revoked"};
}

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_STORE_ERRORS_HPP
