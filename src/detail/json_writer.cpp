#include "detail/json_writer.hpp"

#include <charconv>

#include "detail/json_chars.hpp"
#include "detail/utf8.hpp"

namespace authcore::detail {
namespace {

// RFC 8259 §7: the two-character escapes where they exist, \u00XX otherwise.
void append_escaped(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    default:
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
  }
}

}  // namespace

bool append_json_string(std::string& out, std::string_view text) {
  const std::size_t start = out.size();
  out.push_back('"');
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p != end) {
    // Runs of plain bytes are copied whole; only the rest is looked at.
    const char* special = find_string_special(p, end);
    out.append(p, static_cast<std::size_t>(special - p));
    p = special;
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x80) {
      append_escaped(out, c);
      ++p;
      continue;
    }
    const std::size_t length = utf8_sequence_length(p, static_cast<std::size_t>(end - p));
    if (length == 0) {
      out.resize(start);
      return false;
    }
    out.append(p, length);
    p += length;
  }
  out.push_back('"');
  return true;
}

void append_json_integer(std::string& out, std::int64_t value) {
  char digits[24];
  char* const end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

}  // namespace authcore::detail
