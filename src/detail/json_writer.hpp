// Internal: the few JSON writing primitives the issuer needs.
#ifndef AUTHCORE_DETAIL_JSON_WRITER_HPP
#define AUTHCORE_DETAIL_JSON_WRITER_HPP

#include <cstdint>
#include <string>
#include <string_view>

namespace authcore::detail {

/// Appends `text` as a JSON string literal (RFC 8259 §7): quotes, '\\' and
/// control characters escaped, everything else verbatim. Returns false, and
/// leaves `out` as it was, when `text` is not well-formed UTF-8.
bool append_json_string(std::string& out, std::string_view text);

/// Appends `value` in decimal.
void append_json_integer(std::string& out, std::int64_t value);

}  // namespace authcore::detail

#endif
