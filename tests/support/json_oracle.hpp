// The one place where nlohmann::json, used as an oracle for the strict JSON
// scanner, and the scanner may legitimately disagree.
#ifndef AUTHCORE_TESTS_SUPPORT_JSON_ORACLE_HPP
#define AUTHCORE_TESTS_SUPPORT_JSON_ORACLE_HPP

#include <string_view>

#include <nlohmann/json.hpp>

namespace authcore::test {

/// True when nlohmann refuses `text` only because a number in it is beyond
/// the range of a double (out_of_range 406), which the scanner keeps exactly.
inline bool has_number_beyond_double(std::string_view text) {
  try {
    const auto parsed = nlohmann::json::parse(text);
    return parsed.is_discarded();
  } catch (const nlohmann::json::exception& error) {
    return std::string_view(error.what()).find("number overflow") != std::string_view::npos;
  }
}

}  // namespace authcore::test

#endif
