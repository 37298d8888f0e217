// Internal: the shape of usernames and e-mail addresses accepted at sign-up
// (DESIGN §5).
#ifndef AUTHCORE_ACCOUNT_ACCOUNT_RULES_HPP
#define AUTHCORE_ACCOUNT_ACCOUNT_RULES_HPP

#include <string>
#include <string_view>

#include "authcore/result.hpp"
#include "authcore/user_store.hpp"

namespace authcore::detail {

/// 3 to 64 characters of [A-Za-z0-9._-].
bool is_valid_username(std::string_view username) noexcept;

/// local@domain in plain ASCII: a local part of 1 to 64 RFC 5322 "atext"
/// characters and single dots (no leading, trailing or double dot), and a
/// domain of at least two labels of letters, digits and inner hyphens, each
/// 1 to 63 long; 254 characters at most (RFC 5321 §4.5.3.1). Quoted local
/// parts, IP literals and internationalised addresses are refused.
bool is_valid_email(std::string_view email) noexcept;

/// True when a login name is to be looked up as an e-mail address: it has
/// an '@', which no plain username has.
inline bool is_email_login(std::string_view login) noexcept { return login.find('@') != std::string_view::npos; }

/// The account rules of Authenticator::checked_account(): a plain username
/// or an e-mail address as username (then also the account's address), an
/// e-mail address of the right shape. Fails with invalid_argument.
Result<User> checked_account(User user);

}  // namespace authcore::detail

#endif
