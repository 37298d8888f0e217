// The Prometheus text exposition format, version 0.0.4 (what /metrics
// answers): `# HELP` and `# TYPE` lines, then one `name{labels} value` line
// per sample, label values and help texts escaped.
#ifndef AUTHCORE_SERVER_PROMETHEUS_TEXT_HPP
#define AUTHCORE_SERVER_PROMETHEUS_TEXT_HPP

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace authcore_server::prometheus {

/// The Content-Type of the format.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

/// One label of a sample. The name must be a valid label name
/// ([a-zA-Z_][a-zA-Z0-9_]*: the code names them); the value may be any text.
struct Label {
  std::string_view name;
  std::string_view value;
};

/// A label value as the format writes it between double quotes: `\` as
/// `\\`, `"` as `\"` and a line feed as `\n`.
std::string escape_label_value(std::string_view value);

/// A `# HELP` text: `\` as `\\` and a line feed as `\n`.
std::string escape_help(std::string_view help);

/// A sample value: integers as they are, +Inf, -Inf and NaN by name, other
/// numbers in the shortest form that reads back exactly.
std::string format_value(double value);

/// Builds an exposition: a family at a time, its samples after it.
class TextWriter {
 public:
  /// Starts the family `name` of `type` ("counter", "gauge", "histogram").
  void family(std::string_view name, std::string_view type, std::string_view help);
  /// One sample line. `name` is the family's, or a histogram's
  /// `_bucket`, `_sum` or `_count` series.
  void sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value);
  void sample(std::string_view name, std::initializer_list<Label> labels, double value);

  /// The text so far.
  const std::string& text() const noexcept { return text_; }

 private:
  void sample_text(std::string_view name, std::initializer_list<Label> labels, std::string_view value);

  std::string text_;
};

}  // namespace authcore_server::prometheus

#endif
