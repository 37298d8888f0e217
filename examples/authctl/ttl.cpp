#include "ttl.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>

#include "failure.hpp"

namespace authctl {
namespace {

// Seconds per unit letter; 0 for a character that is no unit.
std::uint64_t seconds_per(char unit) noexcept {
  switch (unit) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 60 * 60;
    case 'd': return 24 * 60 * 60;
    default: return 0;
  }
}

Failure bad_ttl(std::string_view text, std::string_view why) {
  return Failure(kind::usage, "--ttl '" + std::string(text) + "': " + std::string(why));
}

}  // namespace

std::chrono::seconds parse_ttl(std::string_view text) {
  constexpr std::string_view syntax = "expected a positive number of seconds, or one followed by s, m, h or d";
  std::uint64_t count = 0;
  const char* const end = text.data() + text.size();
  // Unsigned from_chars takes digits only: no sign, space or prefix.
  const auto [rest, parsed] = std::from_chars(text.data(), end, count);
  if (parsed == std::errc::result_out_of_range) throw bad_ttl(text, "too large");
  if (parsed != std::errc{}) throw bad_ttl(text, syntax);
  std::uint64_t unit = 1;
  if (rest != end) {
    unit = end - rest == 1 ? seconds_per(*rest) : 0;
    if (unit == 0) throw bad_ttl(text, syntax);
  }
  if (count == 0) throw bad_ttl(text, "a token must live at least one second");
  constexpr auto max_seconds = static_cast<std::uint64_t>(std::numeric_limits<std::chrono::seconds::rep>::max());
  if (count > max_seconds / unit) throw bad_ttl(text, "too large");
  return std::chrono::seconds(static_cast<std::chrono::seconds::rep>(count * unit));
}

}  // namespace authctl
