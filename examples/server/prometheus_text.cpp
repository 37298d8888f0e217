#include "prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace authcore_server::prometheus {
namespace {

// The escapes of the 0.0.4 text format: label values escape `\`, `"` and
// line feeds; help texts `\` and line feeds.
std::string escaped(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view value) { return escaped(value, true); }

std::string escape_help(std::string_view help) { return escaped(help, false); }

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, written.ptr);
}

void TextWriter::family(std::string_view name, std::string_view type, std::string_view help) {
  text_.append("# HELP ").append(name).append(" ").append(escape_help(help)).append("\n");
  text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void TextWriter::sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value) {
  sample_text(name, labels, std::to_string(value));
}

void TextWriter::sample(std::string_view name, std::initializer_list<Label> labels, double value) {
  sample_text(name, labels, format_value(value));
}

void TextWriter::sample_text(std::string_view name, std::initializer_list<Label> labels, std::string_view value) {
  text_.append(name);
  if (labels.size() != 0) {
    text_ += '{';
    bool first = true;
    for (const auto& label : labels) {
      if (!first) text_ += ',';
      first = false;
      text_.append(label.name).append("=\"").append(escape_label_value(label.value)).append("\"");
    }
    text_ += '}';
  }
  text_.append(" ").append(value).append("\n");
}

}  // namespace authcore_server::prometheus
