#include "detail/json_scanner.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "detail/json_chars.hpp"
#include "detail/utf8.hpp"

namespace authcore::detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_high_surrogate(std::uint32_t unit) noexcept { return unit >= 0xD800 && unit <= 0xDBFF; }
bool is_low_surrogate(std::uint32_t unit) noexcept { return unit >= 0xDC00 && unit <= 0xDFFF; }

// Names are compared pairwise up to this many members, sorted beyond it.
constexpr std::size_t kPairwiseNameLimit = 16;

}  // namespace

const char* describe(JsonStatus status) noexcept {
  switch (status) {
    case JsonStatus::ok: return "valid JSON";
    case JsonStatus::syntax_error: return "JSON syntax error";
    case JsonStatus::trailing_data: return "data after the JSON value";
    case JsonStatus::too_deep: return "JSON nested too deeply";
    case JsonStatus::duplicate_name: return "duplicate member name";
    case JsonStatus::invalid_utf8: return "invalid UTF-8";
    case JsonStatus::control_character: return "raw control character in a string";
    case JsonStatus::invalid_escape: return "invalid escape or lone surrogate";
    case JsonStatus::invalid_number: return "invalid number";
    case JsonStatus::stopped: return "scan stopped";
  }
  return "invalid JSON";
}

JsonScanResult JsonScanner::scan(std::string_view text, JsonVisitor* visitor) {
  begin_ = pos_ = text.data();
  end_ = begin_ + text.size();
  status_ = JsonStatus::ok;
  visitor_ = visitor;
  names_.truncate(0);
  escaped_names_.clear();

  JsonScanResult result;
  skip_whitespace();
  if (value(0, result.root)) {
    skip_whitespace();
    if (pos_ != end_) fail(JsonStatus::trailing_data);
  }
  result.status = status_;
  result.offset = static_cast<std::size_t>(pos_ - begin_);
  return result;
}

bool JsonScanner::fail(JsonStatus status) noexcept {
  status_ = status;
  return false;
}

void JsonScanner::skip_whitespace() noexcept {
  // RFC 8259 §2: ws = space, horizontal tab, line feed, carriage return.
  // Compact JSON has none, so test for "nothing to skip" first.
  while (pos_ != end_ && static_cast<unsigned char>(*pos_) <= ' ' &&
         (*pos_ == ' ' || *pos_ == '\n' || *pos_ == '\r' || *pos_ == '\t')) {
    ++pos_;
  }
}

bool JsonScanner::value(std::size_t depth, JsonValue& out) {
  if (pos_ == end_) return fail(JsonStatus::syntax_error);
  switch (*pos_) {
    case '{': return object(depth, out);
    case '[': return array(depth, out);
    case '"': return string(out);
    case 't': return literal("true", JsonKind::boolean, out);
    case 'f': return literal("false", JsonKind::boolean, out);
    case 'n': return literal("null", JsonKind::null, out);
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9': return number(out);
    default: return fail(JsonStatus::syntax_error);
  }
}

// Flattened: inlining the string, number and value readers into the member
// loop takes about a sixth off scanning a token payload.
[[gnu::flatten]] bool JsonScanner::object(std::size_t depth, JsonValue& out) {
  if (depth >= max_depth_) return fail(JsonStatus::too_deep);
  const char* start = pos_++;
  const std::size_t first_name = names_.size();
  const std::size_t escaped_mark = escaped_names_.size();
  const bool report = depth == 0 && visitor_ != nullptr;

  skip_whitespace();
  if (pos_ != end_ && *pos_ == '}') {
    ++pos_;
  } else {
    for (;;) {
      if (pos_ == end_ || *pos_ != '"') return fail(JsonStatus::syntax_error);
      JsonValue name;
      if (!string(name)) return false;
      push_name(name);
      const std::size_t name_index = names_.size() - 1;

      skip_whitespace();
      if (pos_ == end_ || *pos_ != ':') return fail(JsonStatus::syntax_error);
      ++pos_;
      skip_whitespace();
      JsonValue member;
      if (!value(depth + 1, member)) return false;
      if (report && !visitor_->member(name_of(names_[name_index]), member)) return fail(JsonStatus::stopped);

      skip_whitespace();
      if (pos_ == end_) return fail(JsonStatus::syntax_error);
      if (*pos_ == '}') {
        ++pos_;
        break;
      }
      if (*pos_ != ',') return fail(JsonStatus::syntax_error);
      ++pos_;
      skip_whitespace();
    }
  }
  if (!unique_names(first_name)) return false;
  names_.truncate(first_name);
  escaped_names_.resize(escaped_mark);
  out = {JsonKind::object, {start, static_cast<std::size_t>(pos_ - start)}, false};
  return true;
}

bool JsonScanner::array(std::size_t depth, JsonValue& out) {
  if (depth >= max_depth_) return fail(JsonStatus::too_deep);
  const char* start = pos_++;
  const bool report = depth == 0 && visitor_ != nullptr;

  skip_whitespace();
  if (pos_ != end_ && *pos_ == ']') {
    ++pos_;
  } else {
    for (;;) {
      JsonValue element;
      if (!value(depth + 1, element)) return false;
      if (report && !visitor_->element(element)) return fail(JsonStatus::stopped);
      skip_whitespace();
      if (pos_ == end_) return fail(JsonStatus::syntax_error);
      if (*pos_ == ']') {
        ++pos_;
        break;
      }
      if (*pos_ != ',') return fail(JsonStatus::syntax_error);
      ++pos_;
      skip_whitespace();
    }
  }
  out = {JsonKind::array, {start, static_cast<std::size_t>(pos_ - start)}, false};
  return true;
}

bool JsonScanner::string(JsonValue& out) {
  const char* start = pos_++;
  bool has_escapes = false;
  for (;;) {
    pos_ = find_string_special(pos_, end_);
    if (pos_ == end_) return fail(JsonStatus::syntax_error);
    const auto c = static_cast<unsigned char>(*pos_);
    if (c == '"') {
      ++pos_;
      out = {JsonKind::string, {start, static_cast<std::size_t>(pos_ - start)}, has_escapes};
      return true;
    }
    if (c == '\\') {
      has_escapes = true;
      if (!escape()) return false;
    } else if (c < 0x20) {
      return fail(JsonStatus::control_character);  // RFC 8259 §7: must be escaped
    } else if (!utf8_sequence()) {
      return false;
    }
  }
}

bool JsonScanner::utf8_sequence() {
  const std::size_t length = utf8_sequence_length(pos_, static_cast<std::size_t>(end_ - pos_));
  if (length == 0) return fail(JsonStatus::invalid_utf8);
  pos_ += length;
  return true;
}

bool JsonScanner::escape() {
  ++pos_;  // the backslash
  if (pos_ == end_) return fail(JsonStatus::invalid_escape);
  switch (*pos_++) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't': return true;
    case 'u': {
      std::uint32_t unit = 0;
      if (!hex4(unit)) return false;
      if (is_low_surrogate(unit)) return fail(JsonStatus::invalid_escape);
      if (!is_high_surrogate(unit)) return true;
      // RFC 8259 §7: a character outside the BMP is a surrogate pair; a high
      // surrogate must be followed at once by an escaped low surrogate.
      if (end_ - pos_ < 2 || pos_[0] != '\\' || pos_[1] != 'u') return fail(JsonStatus::invalid_escape);
      pos_ += 2;
      std::uint32_t low = 0;
      if (!hex4(low)) return false;
      return is_low_surrogate(low) || fail(JsonStatus::invalid_escape);
    }
    default: return fail(JsonStatus::invalid_escape);
  }
}

bool JsonScanner::hex4(std::uint32_t& code_unit) {
  if (end_ - pos_ < 4) return fail(JsonStatus::invalid_escape);
  code_unit = 0;
  for (int i = 0; i < 4; ++i) {
    const int digit = hex_value(*pos_++);
    if (digit < 0) return fail(JsonStatus::invalid_escape);
    code_unit = code_unit << 4 | static_cast<std::uint32_t>(digit);
  }
  return true;
}

// RFC 8259 §6: number = [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT ).
bool JsonScanner::number(JsonValue& out) {
  const char* start = pos_;
  if (*pos_ == '-') ++pos_;
  if (pos_ == end_ || !is_digit(*pos_)) return fail(JsonStatus::invalid_number);
  if (*pos_ == '0') {
    ++pos_;
    if (pos_ != end_ && is_digit(*pos_)) return fail(JsonStatus::invalid_number);
  } else {
    while (pos_ != end_ && is_digit(*pos_)) ++pos_;
  }
  if (pos_ != end_ && *pos_ == '.') {
    ++pos_;
    if (pos_ == end_ || !is_digit(*pos_)) return fail(JsonStatus::invalid_number);
    while (pos_ != end_ && is_digit(*pos_)) ++pos_;
  }
  if (pos_ != end_ && (*pos_ == 'e' || *pos_ == 'E')) {
    ++pos_;
    if (pos_ != end_ && (*pos_ == '+' || *pos_ == '-')) ++pos_;
    if (pos_ == end_ || !is_digit(*pos_)) return fail(JsonStatus::invalid_number);
    while (pos_ != end_ && is_digit(*pos_)) ++pos_;
  }
  out = {JsonKind::number, {start, static_cast<std::size_t>(pos_ - start)}, false};
  return true;
}

bool JsonScanner::literal(std::string_view word, JsonKind kind, JsonValue& out) {
  const std::string_view rest(pos_, static_cast<std::size_t>(end_ - pos_));
  if (rest.substr(0, word.size()) != word) return fail(JsonStatus::syntax_error);
  out = {kind, rest.substr(0, word.size()), false};
  pos_ += word.size();
  return true;
}

// Filled in place: building a NameRef elsewhere and copying it makes the
// copy's wide load wait on narrower stores (a store-forwarding stall).
void JsonScanner::push_name(const JsonValue& name) {
  const std::size_t escaped_offset = escaped_names_.size();
  if (name.has_escapes) json_decode_string(name.raw, escaped_names_);
  NameRef& ref = names_.emplace_back();
  if (name.has_escapes) {
    ref.offset = static_cast<std::uint32_t>(escaped_offset);
    ref.size = static_cast<std::uint32_t>(escaped_names_.size() - escaped_offset);
  } else {
    ref.data = name.raw.data() + 1;
    ref.size = static_cast<std::uint32_t>(name.raw.size() - 2);
  }
}

// Sizes and first bytes tell most names apart before any memcmp.
bool JsonScanner::same_name(const NameRef& a, const NameRef& b) const noexcept {
  if (a.size != b.size) return false;
  const std::string_view x = name_of(a), y = name_of(b);
  return x.empty() || (x.front() == y.front() && x == y);
}

std::string_view JsonScanner::name_of(const NameRef& ref) const noexcept {
  if (ref.data != nullptr) return {ref.data, ref.size};
  return {escaped_names_.data() + ref.offset, ref.size};
}

// Names are compared after unescaping: {"a":1,"\u0061":2} repeats "a".
bool JsonScanner::unique_names(std::size_t first) {
  const std::size_t count = names_.size() - first;
  if (count <= kPairwiseNameLimit) {
    for (std::size_t i = first; i < names_.size(); ++i) {
      for (std::size_t j = i + 1; j < names_.size(); ++j) {
        if (same_name(names_[i], names_[j])) return fail(JsonStatus::duplicate_name);
      }
    }
    return true;
  }
  std::vector<std::string_view> sorted;
  sorted.reserve(count);
  for (std::size_t i = first; i < names_.size(); ++i) sorted.push_back(name_of(names_[i]));
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end() || fail(JsonStatus::duplicate_name);
}

namespace {

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | code_point >> 6));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | code_point >> 12));
    out.push_back(static_cast<char>(0x80 | (code_point >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | code_point >> 18));
    out.push_back(static_cast<char>(0x80 | (code_point >> 12 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// Four hex digits that the scanner has already validated.
std::uint32_t read_hex4(const char* p) noexcept {
  std::uint32_t unit = 0;
  for (int i = 0; i < 4; ++i) unit = unit << 4 | static_cast<std::uint32_t>(hex_value(p[i]));
  return unit;
}

char simple_escape(char c) noexcept {
  switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return c;  // '"', '\\' and '/' stand for themselves
  }
}

}  // namespace

void json_decode_string(std::string_view raw, std::string& out) {
  const char* p = raw.data() + 1;
  const char* end = raw.data() + raw.size() - 1;
  while (p != end) {
    const char* run = p;
    while (p != end && *p != '\\') ++p;
    out.append(run, static_cast<std::size_t>(p - run));
    if (p == end) break;
    const char kind = p[1];
    if (kind != 'u') {
      out.push_back(simple_escape(kind));
      p += 2;
      continue;
    }
    std::uint32_t code_point = read_hex4(p + 2);
    p += 6;
    if (is_high_surrogate(code_point)) {
      const std::uint32_t low = read_hex4(p + 2);
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
      p += 6;
    }
    append_utf8(out, code_point);
  }
}

namespace {

// A validated JSON number seen as a decimal: its digits as written (integer
// part, then fraction part) and where the decimal point falls among them once
// the exponent is applied. Views into the text, so nothing is allocated.
struct Decimal {
  bool negative = false;
  std::string_view integer_digits;
  std::string_view fraction_digits;
  std::int64_t point = 0;  // the value is 0.<digits> * 10^point

  std::size_t size() const noexcept { return integer_digits.size() + fraction_digits.size(); }
  std::uint64_t digit(std::size_t i) const noexcept {
    if (i >= size()) return 0;
    const char c = i < integer_digits.size() ? integer_digits[i] : fraction_digits[i - integer_digits.size()];
    return static_cast<std::uint64_t>(c - '0');
  }
  bool any_nonzero_from(std::size_t i) const noexcept {
    for (; i < size(); ++i) {
      if (digit(i) != 0) return true;
    }
    return false;
  }
};

// Exponents are saturated here: a point this far out already makes any
// number with a non-zero digit overflow every limit used below.
constexpr std::int64_t kExponentLimit = 1'000'000'000;

std::string_view take_digits(std::string_view raw, std::size_t& i) noexcept {
  const std::size_t start = i;
  while (i < raw.size() && is_digit(raw[i])) ++i;
  return raw.substr(start, i - start);
}

Decimal split_decimal(std::string_view raw) noexcept {
  Decimal decimal;
  std::size_t i = 0;
  if (raw[i] == '-') {
    decimal.negative = true;
    ++i;
  }
  decimal.integer_digits = take_digits(raw, i);
  if (i < raw.size() && raw[i] == '.') decimal.fraction_digits = take_digits(raw, ++i);
  std::int64_t exponent = 0;
  if (i < raw.size() && (raw[i] == 'e' || raw[i] == 'E')) {
    ++i;
    const bool negative_exponent = raw[i] == '-';
    if (raw[i] == '+' || raw[i] == '-') ++i;
    for (; i < raw.size(); ++i) exponent = std::min(exponent * 10 + (raw[i] - '0'), kExponentLimit);
    if (negative_exponent) exponent = -exponent;
  }
  decimal.point = static_cast<std::int64_t>(decimal.integer_digits.size()) + exponent;
  return decimal;
}

// The integer part of |value| if it is at most `limit`, and whether any
// non-zero digit lies after the point.
struct Magnitude {
  std::uint64_t integer = 0;
  bool overflow = false;
  bool fraction = false;
};

Magnitude magnitude_of(const Decimal& decimal, std::uint64_t limit) noexcept {
  Magnitude result;
  if (!decimal.any_nonzero_from(0)) return result;  // zero, whatever the exponent
  // Digits before the point form the integer; past the written digits, zeros.
  // With a non-zero digit present this overflows within ~20 steps of it, so
  // a huge exponent cannot make the loop long.
  for (std::int64_t i = 0; i < decimal.point; ++i) {
    const std::uint64_t digit = decimal.digit(static_cast<std::size_t>(i));
    if (result.integer > (limit - digit) / 10) {
      result.overflow = true;
      return result;
    }
    result.integer = result.integer * 10 + digit;
  }
  result.fraction = decimal.any_nonzero_from(decimal.point > 0 ? static_cast<std::size_t>(decimal.point) : 0);
  return result;
}

// The common case, a plain integer of at most 18 digits, needs none of the
// decimal machinery and cannot overflow.
std::optional<std::int64_t> small_integer(std::string_view raw) noexcept {
  const bool negative = raw.front() == '-';
  const std::string_view digits = raw.substr(negative ? 1 : 0);
  constexpr std::size_t kMaxDigits = 18;
  if (digits.size() > kMaxDigits) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return negative ? -value : value;
}

}  // namespace

std::int64_t json_to_seconds(std::string_view raw, Rounding rounding) noexcept {
  if (const auto value = small_integer(raw)) return std::clamp(*value, -kNumericDateLimit, kNumericDateLimit);
  const Decimal decimal = split_decimal(raw);
  const Magnitude magnitude = magnitude_of(decimal, static_cast<std::uint64_t>(kNumericDateLimit));
  if (magnitude.overflow) return decimal.negative ? -kNumericDateLimit : kNumericDateLimit;
  auto seconds = static_cast<std::int64_t>(magnitude.integer);
  if (decimal.negative) seconds = -seconds;
  if (magnitude.fraction) {
    // floor or ceiling of a value with a fractional part
    if (rounding == Rounding::down && decimal.negative) --seconds;
    if (rounding == Rounding::up && !decimal.negative) ++seconds;
  }
  return std::clamp(seconds, -kNumericDateLimit, kNumericDateLimit);
}

}  // namespace authcore::detail
