#include "request_decoding.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <vector>

namespace authcore_server {
namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::variant<FormFields, BodyError> decode_form(std::string_view body_view) {
  // Boost.URL 1.81's parse_query() takes the length of a valid query with
  // strlen(s.data()) (detail::query_ref is built from a const char*), so it
  // reads past a view that is not NUL-terminated. A copy always is; a valid
  // query holds no raw NUL, so strlen then finds the true end.
  const std::string body(body_view);
  const auto query = boost::urls::parse_query(body);
  if (!query) return BodyError{400, {{}, "the form body is not valid application/x-www-form-urlencoded", {}}};
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  FormFields fields;
  // Already validated by parse_query(), so this constructor cannot throw.
  for (const auto& param : boost::urls::params_view(body, options)) {
    if (param.key.empty() && !param.has_value) continue;  // "a=1&&b=2"
    if (!fields.emplace(param.key, param.value).second) {
      return BodyError{422, {param.key, "the form field is given more than once", "value_error"}};
    }
  }
  return fields;
}

std::variant<nlohmann::json, BodyError> decode_json_object(std::string_view body) {
  // nlohmann keeps the last of two equal member names; a parser callback
  // sees every key of each object and refuses a repeat instead.
  std::vector<std::vector<std::string>> open_objects;
  std::optional<std::string> repeated;
  const auto check_keys = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using event_t = nlohmann::json::parse_event_t;
    if (event == event_t::object_start) open_objects.emplace_back();
    if (event == event_t::object_end && !open_objects.empty()) open_objects.pop_back();
    if (event == event_t::key && !open_objects.empty()) {
      auto& keys = open_objects.back();
      const auto& key = parsed.get_ref<const std::string&>();
      if (!repeated && std::find(keys.begin(), keys.end(), key) != keys.end()) repeated = key;
      keys.push_back(key);
    }
    return true;
  };
  auto parsed = nlohmann::json::parse(body.begin(), body.end(), check_keys, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return BodyError{400, {{}, "the body is not valid JSON", {}}};
  if (repeated) return BodyError{422, {std::move(*repeated), "the member is given more than once", "value_error"}};
  if (!parsed.is_object()) {
    return BodyError{
        422, {{}, "Input should be a valid dictionary or object to extract fields from", "model_attributes_type"}};
  }
  return parsed;
}

std::optional<std::string> string_member(const nlohmann::json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

FieldError string_member_error(const nlohmann::json& object, const char* name) {
  if (object.find(name) == object.end()) return {name, "Field required", "missing"};
  return {name, "Input should be a valid string", "string_type"};
}

std::string media_type(std::string_view content_type) {
  const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  std::string lowered(type);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), ascii_lower);
  return lowered;
}

}  // namespace authcore_server
