// Internal: the strict JSON scanner used on the token hot path.
//
// RFC 8259 with the strictness of DESIGN §3: UTF-8 only (RFC 3629, no
// overlong forms, no encoded surrogates), no NaN/Infinity, comments, trailing
// commas, single quotes, raw control characters, leading zeros or '+';
// nothing after the value; nesting depth capped; duplicate member names
// (compared after unescaping) rejected at every depth; "\u" escapes must form
// valid UTF-16 (no lone surrogates).
//
// It validates in one pass and builds no DOM: the caller's visitor sees the
// members (or elements) of the top-level value with their exact bytes, and
// decodes only what it needs with json_decode_string() / json_to_seconds().
#ifndef AUTHCORE_DETAIL_JSON_SCANNER_HPP
#define AUTHCORE_DETAIL_JSON_SCANNER_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "detail/inline_stack.hpp"

namespace authcore::detail {

enum class JsonKind : std::uint8_t { object, array, string, number, boolean, null };

/// A validated value: its kind and its exact bytes (a string's include the
/// quotes; an object's or array's run from the opening to the closing bracket).
struct JsonValue {
  JsonKind kind = JsonKind::null;
  std::string_view raw;
  bool has_escapes = false;  ///< strings only: raw contains a backslash escape
};

enum class JsonStatus : std::uint8_t {
  ok,
  syntax_error,       ///< not JSON at this byte
  trailing_data,      ///< something after the top-level value
  too_deep,           ///< nesting deeper than the cap
  duplicate_name,     ///< an object repeats a member name
  invalid_utf8,       ///< bytes that are not strict UTF-8
  control_character,  ///< a raw U+0000..U+001F inside a string
  invalid_escape,     ///< an unknown escape, bad \u digits, or a lone surrogate
  invalid_number,     ///< leading zero, '+', missing digits, '.5', '1.', ...
  stopped,            ///< the visitor asked to stop
};

/// Text for people, e.g. "duplicate member name".
const char* describe(JsonStatus status) noexcept;

struct JsonScanResult {
  JsonStatus status = JsonStatus::ok;
  std::size_t offset = 0;  ///< byte where scanning stopped (for messages)
  JsonValue root;          ///< the top-level value, when status is ok
  explicit operator bool() const noexcept { return status == JsonStatus::ok; }
};

/// Receives the members or elements of the top-level value, each after it
/// has been validated completely. Return false to stop the scan.
class JsonVisitor {
 public:
  /// A member of the top-level object. `name` is unescaped and valid only
  /// during the call.
  virtual bool member(std::string_view name, const JsonValue& value) = 0;
  /// An element of the top-level array.
  virtual bool element(const JsonValue& value) = 0;

 protected:
  JsonVisitor() = default;
  JsonVisitor(const JsonVisitor&) = default;
  JsonVisitor& operator=(const JsonVisitor&) = default;
  ~JsonVisitor() = default;
};

/// DESIGN §3: header and payload nest at most 32 deep.
inline constexpr std::size_t kJsonMaxDepth = 32;

/// A reusable scanner. Scanning needs some scratch space (the member names of
/// the open objects); reusing one scanner for several documents reuses it.
/// Not thread-safe: use one per thread or per call.
class JsonScanner {
 public:
  explicit JsonScanner(std::size_t max_depth = kJsonMaxDepth) noexcept : max_depth_(max_depth) {}

  /// Validates `text` as one strict JSON value. `visitor` (may be null) sees
  /// the top-level members or elements as they complete.
  JsonScanResult scan(std::string_view text, JsonVisitor* visitor);

 private:
  // No default member initialisers: the inline stack of these must cost
  // nothing to construct.
  struct NameRef {
    const char* data;      // into the text, or null when stored in escaped_names_
    std::uint32_t offset;  // into escaped_names_ when data is null
    std::uint32_t size;
  };

  bool value(std::size_t depth, JsonValue& out);
  bool object(std::size_t depth, JsonValue& out);
  bool array(std::size_t depth, JsonValue& out);
  bool string(JsonValue& out);
  bool number(JsonValue& out);
  bool literal(std::string_view word, JsonKind kind, JsonValue& out);
  bool utf8_sequence();
  bool escape();
  bool hex4(std::uint32_t& code_unit);
  bool unique_names(std::size_t first);
  bool same_name(const NameRef& a, const NameRef& b) const noexcept;
  void push_name(const JsonValue& name);
  std::string_view name_of(const NameRef& ref) const noexcept;
  void skip_whitespace() noexcept;
  bool fail(JsonStatus status) noexcept;

  std::size_t max_depth_;
  const char* begin_ = nullptr;
  const char* pos_ = nullptr;
  const char* end_ = nullptr;
  JsonStatus status_ = JsonStatus::ok;
  JsonVisitor* visitor_ = nullptr;
  InlineStack<NameRef, 48> names_;
  std::string escaped_names_;
};

/// Appends the unescaped content of `raw`, a string value that a
/// JsonScanner has validated (quotes included).
void json_decode_string(std::string_view raw, std::string& out);

/// How json_to_seconds() treats a fractional value.
enum class Rounding : std::uint8_t { down, up };

/// A validated number as whole seconds for a NumericDate (RFC 7519 §2):
/// fractions rounded as asked, magnitudes beyond 2^62 saturated to ±2^62, so
/// 1e400 is "far future" and -1e400 "far past" and neither can wrap around
/// when leeway is added. Exact: no floating point is involved.
std::int64_t json_to_seconds(std::string_view raw, Rounding rounding) noexcept;

inline constexpr std::int64_t kNumericDateLimit = std::int64_t{1} << 62;

}  // namespace authcore::detail

#endif
