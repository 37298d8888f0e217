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

/// What is wrong with a body, as FastAPI (pydantic) reports it in a 422:
/// where, what, and which kind of error.
struct FieldError {
  std::string field;    ///< the member or form field at fault; empty for the body as a whole
  std::string message;  ///< for people ("Field required")
  std::string type;     ///< pydantic's error type ("missing", "string_type", "value_error")
};

/// Why a body could not be used: the HTTP status it maps to and what is wrong.
struct BodyError {
  int status;        ///< 400 (undecodable) or 422 (decodable, but not what the route takes)
  FieldError error;  ///< the detail; for a 400 only `message` is set
};

/// The fields of an application/x-www-form-urlencoded body (HTML §4.10.21.7,
/// as RFC 6749 §4.3.2 uses it): '+' is a space, percent escapes are decoded.
/// Bad percent-encoding is 400; a field given twice is 422 (which value was
/// meant is ambiguous, so neither is guessed; RFC 6749 §3.2 forbids it).
using FormFields = std::map<std::string, std::string, std::less<>>;
std::variant<FormFields, BodyError> decode_form(std::string_view body);

/// A JSON body that must be an object (RFC 8259). Not JSON is 400; another
/// JSON value, or an object repeating a member name, is 422.
std::variant<nlohmann::json, BodyError> decode_json_object(std::string_view body);

/// A required string member of a decoded object; nullopt when it is missing
/// or not a string (422 for the caller: see string_member_error()).
std::optional<std::string> string_member(const nlohmann::json& object, const char* name);

/// Why string_member() found no string `name` in `object`: it is missing,
/// or not a string.
FieldError string_member_error(const nlohmann::json& object, const char* name);

/// The media type of a Content-Type header, lower-cased, without parameters
/// ("Application/JSON; charset=utf-8" is "application/json").
std::string media_type(std::string_view content_type);

}  // namespace authcore_server

#endif
