// Internal: ASCII rules for names that the stores and the Authenticator
// both apply: role and scope names, and case-insensitive e-mail keys.
#ifndef AUTHCORE_DETAIL_ASCII_NAMES_HPP
#define AUTHCORE_DETAIL_ASCII_NAMES_HPP

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>

namespace authcore::detail {

/// The longest role or scope name authcore accepts.
inline constexpr std::size_t kMaxNameBytes = 64;

/// 1 to 64 characters of an RFC 6749 §3.3 scope-token (%x21 / %x23-5B /
/// %x5D-7E: printable ASCII other than space, `"` and `\`). Role names
/// follow the same rule, so that both can be stored and sent
/// space-separated.
inline bool is_valid_scope_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x21 && c <= 0x7E && c != '"' && c != '\\'; });
}

/// `text` with A-Z folded to a-z and every other byte unchanged: how e-mail
/// addresses are compared (SQLite's NOCASE and PostgreSQL's lower() under
/// the "C" collation fold the same 26 letters).
inline std::string ascii_lower(std::string_view text) {
  std::string folded(text);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return folded;
}

/// Names (roles, scopes) as they are stored and sent: sorted,
/// space-separated (RFC 6749 §3.3 `scope`).
inline std::string join_names(const std::set<std::string>& names) {
  std::string joined;
  for (const auto& name : names) {
    if (!joined.empty()) joined += ' ';
    joined += name;
  }
  return joined;
}

/// The names of a space-separated list; repeated spaces are skipped.
inline std::set<std::string> split_names(std::string_view joined) {
  std::set<std::string> names;
  while (!joined.empty()) {
    const auto space = joined.find(' ');
    if (space != 0) names.emplace(joined.substr(0, space));
    if (space == std::string_view::npos) break;
    joined.remove_prefix(space + 1);
  }
  return names;
}

}  // namespace authcore::detail

#endif  // AUTHCORE_DETAIL_ASCII_NAMES_HPP
