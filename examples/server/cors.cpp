#include "cors.hpp"

#include <algorithm>
#include <charconv>

#include "replies.hpp"
#include "responder.hpp"

namespace authcore_server {
namespace {

bool is_host_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

// A host as browsers serialise it in an origin (RFC 6454 §6.2): lower case;
// an IPv6 address in brackets.
bool valid_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    const auto inside = host.substr(1, host.size() - 2);
    return std::all_of(inside.begin(), inside.end(), [](char c) { return is_host_char(c) || c == ':'; });
  }
  return !host.empty() && std::all_of(host.begin(), host.end(), is_host_char);
}

// Decimal, no leading zero, 1-65535.
bool valid_port(std::string_view port) {
  unsigned number = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  return !port.empty() && port.front() != '0' && ec == std::errc() && end == port.data() + port.size() &&
         number <= 65535;
}

// "host" or "host:port"; the port follows the first ':' after any
// bracketed IPv6 address.
bool valid_authority(std::string_view authority) {
  const auto bracket = authority.rfind(']');
  const auto colon = authority.find(':', bracket == std::string_view::npos ? 0 : bracket);
  if (colon == std::string_view::npos) return valid_host(authority);
  return valid_host(authority.substr(0, colon)) && valid_port(authority.substr(colon + 1));
}

void add_vary_origin(Response& response) {
  const auto vary = response[http::field::vary];
  response.set(http::field::vary, vary.empty() ? std::string("Origin") : std::string(vary) + ", Origin");
}

}  // namespace

std::string origin_problem(std::string_view origin) {
  if (origin == "*") {
    return "\"*\" is not supported: name each origin the browser app is served from (docs/security.md, CORS)";
  }
  if (origin == "null") return "\"null\" is not supported: it is the origin of sandboxed and file: pages, anyone's";
  std::string_view rest = origin;
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (rest.substr(0, scheme.size()) == scheme) {
      rest.remove_prefix(scheme.size());
      if (valid_authority(rest)) return {};
      break;
    }
  }
  return "not an origin as browsers send it: scheme://host[:port] in lower case, nothing after it, e.g. "
         "https://app.example.com or http://localhost:5173";
}

bool CorsPolicy::allows(std::string_view origin) const noexcept {
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

std::function<void(Response)> CorsPolicy::decorating(const Request& request, std::function<void(Response)> send) const {
  if (!enabled()) return send;
  const auto origin = request[http::field::origin];
  std::string allowed = allows(origin) ? std::string(origin) : std::string();
  return [allowed = std::move(allowed), send = std::move(send)](Response response) {
    // The answer depends on Origin whether or not it carries CORS headers,
    // so caches must key it on Origin (Fetch §3.2.5, "CORS protocol and HTTP
    // caches").
    add_vary_origin(response);
    if (!allowed.empty()) {
      response.set(http::field::access_control_allow_origin, allowed);
      // Not CORS-safelisted, yet the client needs them (RFC 6750 §3 challenge;
      // when to retry a 429 or 503).
      response.set(http::field::access_control_expose_headers, "WWW-Authenticate, Retry-After");
    }
    send(std::move(response));
  };
}

std::optional<Response> CorsPolicy::preflight(const Request& request, const std::string& allow,
                                              const ReplyTo& to) const {
  if (request.method() != http::verb::options || !allows(request[http::field::origin]) ||
      request[http::field::access_control_request_method].empty()) {
    return std::nullopt;
  }
  auto response = empty_reply(to, http::status::no_content);
  response.set(http::field::access_control_allow_methods, allow);
  // What the routes read. Bearer tokens travel in Authorization, set by the
  // app's script, not as browser-managed credentials, so there is no
  // Access-Control-Allow-Credentials.
  response.set(http::field::access_control_allow_headers, "Authorization, Content-Type");
  response.set(http::field::access_control_max_age, std::to_string(preflight_max_age_seconds));
  return response;
}

}  // namespace authcore_server
