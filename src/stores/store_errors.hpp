// Internal: the errors every UserStore backend reports for the same
// outcome, worded once. Inline, because the backends live in different
// libraries (authcore, authcore::sqlite, authcore::postgres).
#ifndef AUTHCORE_STORES_STORE_ERRORS_HPP
#define AUTHCORE_STORES_STORE_ERRORS_HPP

#include <string>

#include "authcore/result.hpp"

namespace authcore::detail {

inline Error username_taken() { return {ErrorCode::conflict, "the username is taken"}; }

inline Error email_taken() {
  return {ErrorCode::conflict, "the e-mail address is taken (e-mail addresses are compared case-insensitively)"};
}

/// import_users() names the user that could not be added.
inline Error not_imported(const std::string& username, Error error) {
  error.message = "user \"" + username + "\" not imported, nor any other: " + error.message;
  return error;
}

inline Error user_disabled() { return {ErrorCode::account_disabled, "the user is disabled"}; }

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

/// A database backend reports constraint violations as conflict (unique
/// key) or not_found (foreign key); this keeps the code and puts the
/// store's own wording, `replacement`, in place of the database's. Store
/// failures pass unchanged.
inline Error unless_store_error(const Error& error, Error replacement) {
  const bool constraint = error.code == ErrorCode::conflict || error.code == ErrorCode::not_found;
  if (!constraint) return error;
  replacement.code = error.code;
  return replacement;
}

/// create_session()'s failure: a foreign-key violation means the user does
/// not exist, a unique violation that the session id or jti is taken.
inline Error session_not_created(const Error& error) {
  return unless_store_error(error, error.code == ErrorCode::not_found ? no_such_user() : session_or_jti_taken());
}

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_STORE_ERRORS_HPP
