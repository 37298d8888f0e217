// Decoding what clients send: OAuth2 form bodies and JSON bodies (bearer
// credentials are authcore/bearer.hpp's). Pure functions, no sockets, so they are unit-tested and fuzzed
// directly.
#ifndef AUTHCORE_SERVER_REQUEST_DECODING_HPP
#define AUTHCORE_SERVER_REQUEST_DECODING_HPP

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace authcore_server {

/// Why a body could not be used: the HTTP status it maps to and the detail.
struct BodyError {
  int status;          ///< 400 (undecodable) or 422 (decodable, but not what the route takes)
  std::string detail;  ///< for the {"detail": ...} body
};

/// The fields of an application/x-www-form-urlencoded body (HTML §4.10.21.7,
/// as RFC 6749 §4.3.2 uses it): '+' is a space, percent escapes are decoded.
/// Bad percent-encoding is 400; a field given twice is 422 (which value was
/// meant is ambiguous, so neither is guessed).
using FormFields = std::map<std::string, std::string, std::less<>>;
std::variant<FormFields, BodyError> decode_form(std::string_view body);

/// A JSON body that must be an object (RFC 8259). Not JSON is 400; another
/// JSON value, or an object repeating a member name, is 422.
std::variant<nlohmann::json, BodyError> decode_json_object(std::string_view body);

/// A required string member of a decoded object; nullopt when it is missing
/// or not a string (422 for the caller).
std::optional<std::string> string_member(const nlohmann::json& object, const char* name);

/// The media type of a Content-Type header, lower-cased, without parameters
/// ("Application/JSON; charset=utf-8" is "application/json").
std::string media_type(std::string_view content_type);

}  // namespace authcore_server

#endif
