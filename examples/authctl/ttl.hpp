// authctl/ttl.hpp: the --ttl syntax of `authctl issue`.
#ifndef AUTHCTL_TTL_HPP
#define AUTHCTL_TTL_HPP

#include <chrono>
#include <string_view>

namespace authctl {

/// A token lifetime: a positive whole number of seconds, optionally followed
/// by one unit letter, s, m, h or d: "900", "900s", "15m", "1h", "2d".
/// Nothing else is accepted (no sign, spaces, fractions or compound forms
/// such as "1h30"), so a typo never silently becomes another lifetime.
/// Throws Failure(usage) for zero, junk, or a value whose seconds overflow.
std::chrono::seconds parse_ttl(std::string_view text);

}  // namespace authctl

#endif  // AUTHCTL_TTL_HPP
