#include "account/account_rules.hpp"

#include <algorithm>

#include "detail/ascii_names.hpp"

namespace authcore::detail {
namespace {

bool is_alnum(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// RFC 5322 §3.2.3 atext.
bool is_atext(char c) noexcept {
  constexpr std::string_view kSpecials = "!#$%&'*+/=?^_`{|}~-";
  return is_alnum(c) || kSpecials.find(c) != std::string_view::npos;
}

bool is_valid_local_part(std::string_view local) noexcept {
  constexpr std::size_t kMaxLocal = 64;  // RFC 5321 §4.5.3.1.1
  if (local.empty() || local.size() > kMaxLocal || local.front() == '.' || local.back() == '.') return false;
  if (local.find("..") != std::string_view::npos) return false;
  return std::all_of(local.begin(), local.end(), [](char c) { return c == '.' || is_atext(c); });
}

bool is_valid_label(std::string_view label) noexcept {
  constexpr std::size_t kMaxLabel = 63;  // RFC 1035 §2.3.4
  if (label.empty() || label.size() > kMaxLabel || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return c == '-' || is_alnum(c); });
}

bool is_valid_domain(std::string_view domain) noexcept {
  std::size_t labels = 0;
  for (;;) {
    const auto dot = domain.find('.');
    if (!is_valid_label(domain.substr(0, dot))) return false;
    ++labels;
    if (dot == std::string_view::npos) return labels >= 2;
    domain.remove_prefix(dot + 1);
  }
}

}  // namespace

bool is_valid_username(std::string_view username) noexcept {
  constexpr std::size_t kMin = 3, kMax = 64;
  if (username.size() < kMin || username.size() > kMax) return false;
  return std::all_of(username.begin(), username.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

bool is_valid_email(std::string_view email) noexcept {
  constexpr std::size_t kMaxAddress = 254;  // RFC 5321 §4.5.3.1.3, less the angle brackets
  const auto at = email.find('@');
  if (email.size() > kMaxAddress || at == std::string_view::npos) return false;
  return is_valid_local_part(email.substr(0, at)) && is_valid_domain(email.substr(at + 1));
}

Result<User> checked_account(User user) {
  if (is_email_login(user.username)) {
    // A username that is an address is the account's address: then no
    // login name can be one user's username and another user's e-mail.
    if (!is_valid_email(user.username)) {
      return Error{ErrorCode::invalid_argument, "a username with an '@' must be a valid e-mail address"};
    }
    if (!user.email) user.email = user.username;
    if (ascii_lower(*user.email) != ascii_lower(user.username)) {
      return Error{ErrorCode::invalid_argument, "a username that is an e-mail address must be the account's e-mail"};
    }
  } else if (!is_valid_username(user.username)) {
    return Error{ErrorCode::invalid_argument,
                 "a username is 3 to 64 characters of A-Z a-z 0-9 . _ - or an e-mail address"};
  }
  if (user.email && !is_valid_email(*user.email)) return Error{ErrorCode::invalid_argument, "not an e-mail address"};
  return user;
}

}  // namespace authcore::detail
