// Cross-origin requests from browser apps (--cors-origin; the Fetch
// standard's CORS protocol, https://fetch.spec.whatwg.org/#http-cors-protocol;
// docs/security.md "CORS").
#ifndef AUTHCORE_SERVER_CORS_HPP
#define AUTHCORE_SERVER_CORS_HPP

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_message.hpp"

namespace authcore_server {

struct ReplyTo;

/// Why `origin` cannot be a --cors-origin value, or empty when it can. An
/// origin is what browsers send in `Origin`: "http" or "https", "://", a
/// lower-case host (a name, an IPv4 address or a bracketed IPv6 address)
/// and an optional port, nothing after it (no "/": it would never match).
/// "*" and "null" are refused.
std::string origin_problem(std::string_view origin);

/// Which origins may read responses, and the headers that tell browsers so.
/// No origins (the default): no CORS headers at all, and OPTIONS is 405 as
/// any other method a route does not serve.
class CorsPolicy {
 public:
  /// Max-Age of preflight answers: browsers cache them this long.
  static constexpr int preflight_max_age_seconds = 600;

  CorsPolicy() = default;
  /// `origins` compared byte for byte with `Origin` (each must pass
  /// origin_problem()).
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  bool enabled() const noexcept { return !origins_.empty(); }

  /// `send`, adding to every response `Vary: Origin` and, when the request
  /// comes from an allowed origin, `Access-Control-Allow-Origin` (that
  /// origin) and `Access-Control-Expose-Headers` (WWW-Authenticate,
  /// Retry-After). `send` itself when the policy is off.
  std::function<void(Response)> decorating(const Request& request, std::function<void(Response)> send) const;

  /// The answer to a preflight (OPTIONS with Access-Control-Request-Method)
  /// from an allowed origin for a path that serves `allow` ("GET, HEAD"):
  /// 204 with Access-Control-Allow-Methods `allow`, -Allow-Headers
  /// Authorization and Content-Type, and -Max-Age. nullopt for any other
  /// request, which is answered as if there were no CORS (a browser then
  /// blocks the cross-origin call).
  std::optional<Response> preflight(const Request& request, const std::string& allow, const ReplyTo& to) const;

 private:
  bool allows(std::string_view origin) const noexcept;

  std::vector<std::string> origins_;
};

}  // namespace authcore_server

#endif
