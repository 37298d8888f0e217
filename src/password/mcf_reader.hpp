// Internal: reads stored password hashes in the Modular Crypt Format
// ("$id$field$field..."), of which the PHC string format is a strict subset
// (https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md).
#ifndef AUTHCORE_PASSWORD_MCF_READER_HPP
#define AUTHCORE_PASSWORD_MCF_READER_HPP

#include <cstdint>
#include <optional>
#include <string_view>

namespace authcore::detail {

/// A cursor over a hash string. Every method consumes what it returns and
/// leaves the cursor where it was when the text does not match.
class McfReader {
 public:
  explicit McfReader(std::string_view text) noexcept : rest_(text) {}

  /// Consumes `expected` when the text continues with exactly it.
  bool skip(std::string_view expected) noexcept {
    if (rest_.substr(0, expected.size()) != expected) return false;
    rest_.remove_prefix(expected.size());
    return true;
  }

  /// Consumes and returns the characters before the next '$' (or the end).
  std::string_view field() noexcept {
    const std::string_view value = rest_.substr(0, rest_.find('$'));
    rest_.remove_prefix(value.size());
    return value;
  }

  /// Consumes a decimal number as the PHC string format writes it: digits
  /// only, no sign, no leading zero (except "0" itself), at most 2^32 - 1.
  /// A number that does not fit is std::nullopt, never wrapped: a stored
  /// "t=4294967296" must not become t=0.
  std::optional<std::uint32_t> decimal() noexcept {
    std::size_t digits = 0;
    std::uint64_t value = 0;
    while (digits < rest_.size() && rest_[digits] >= '0' && rest_[digits] <= '9') {
      value = value * 10 + static_cast<std::uint64_t>(rest_[digits] - '0');
      if (value > UINT32_MAX) return std::nullopt;
      ++digits;
    }
    if (digits == 0 || (digits > 1 && rest_[0] == '0')) return std::nullopt;
    rest_.remove_prefix(digits);
    return static_cast<std::uint32_t>(value);
  }

  bool at_end() const noexcept { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace authcore::detail

#endif
