#include "route_table.hpp"

namespace authcore_server {
namespace {

// The next '/'-separated segment of `path` (which starts after a '/'), and
// the rest after it.
std::pair<std::string_view, std::string_view> next_segment(std::string_view path) {
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return {path, {}};
  return {path.substr(0, slash), path.substr(slash)};
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string_view PathParameters::operator[](std::string_view name) const noexcept {
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  return {};
}

bool path_matches(std::string_view pattern, std::string_view path, PathParameters& parameters) {
  // Both start with '/': compare segment by segment.
  while (!pattern.empty() && !path.empty() && pattern.front() == '/' && path.front() == '/') {
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const auto [wanted, pattern_rest] = next_segment(pattern);
    const auto [given, path_rest] = next_segment(path);
    if (is_parameter(wanted)) {
      if (given.empty()) return false;
      parameters.add(wanted.substr(1, wanted.size() - 2), given);
    } else if (wanted != given) {
      return false;
    }
    pattern = pattern_rest;
    path = path_rest;
  }
  return pattern.empty() && path.empty();
}

std::string allow_header(const std::vector<http::verb>& methods) {
  std::string allow;
  const auto append = [&allow](http::verb method) {
    if (!allow.empty()) allow += ", ";
    allow += http::to_string(method);
  };
  for (const auto method : methods) {
    append(method);
    if (method == http::verb::get) append(http::verb::head);
  }
  return allow;
}

}  // namespace authcore_server
