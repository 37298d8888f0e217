// Which handler serves a request: a table of routes, each a path pattern, a
// method, a handler and where it may run. A path may have several methods;
// a request for a known path with another method is 405 with the path's
// `Allow` list (RFC 9110 §15.5.6), and HEAD is served wherever GET is
// (RFC 9110 §9.3.2).
#ifndef AUTHCORE_SERVER_ROUTE_TABLE_HPP
#define AUTHCORE_SERVER_ROUTE_TABLE_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http_message.hpp"

namespace authcore_server {

namespace openapi {
struct Operation;
}

/// Where a handler may run.
enum class Runs {
  /// On the network thread: CPU only, or work the handler hands off itself
  /// (password work goes to the HashGate).
  network_thread,
  /// Reads the store: on the network thread when the store is in this
  /// process (SQLite, memory), on the blocking executor when it is reached
  /// over the network (PostgreSQL), so a slow database never stalls a
  /// network thread.
  store_read,
  /// Always on the blocking executor: durable writes wait for the disk.
  blocking,
};

/// The values of a route's `{name}` path segments, e.g. {"id", "abc"} for
/// "/sessions/{id}" and "/sessions/abc". Views into the request's target.
class PathParameters {
 public:
  void add(std::string_view name, std::string_view value) { values_.emplace_back(name, value); }
  /// The value of `{name}`; empty when the route has no such segment.
  std::string_view operator[](std::string_view name) const noexcept;

 private:
  std::vector<std::pair<std::string_view, std::string_view>> values_;
};

/// One row of a route table.
template <class Handler>
struct Route {
  std::string_view path;          ///< "/users/me"; a "{name}" segment matches one non-empty segment
  http::verb method;              ///< the method it serves (GET also serves HEAD)
  Handler handler;                ///< what serves it
  Runs runs;                      ///< where the handler may run
  const openapi::Operation& doc;  ///< its OpenAPI documentation (openapi.hpp): no route without one
};

/// True when `path` matches the route pattern `pattern`; fills `parameters`
/// with the `{name}` segments.
bool path_matches(std::string_view pattern, std::string_view path, PathParameters& parameters);

/// The methods a path pattern serves, as an `Allow` value ("GET, HEAD").
std::string allow_header(const std::vector<http::verb>& methods);

/// A route table over rows of `Route<Handler>` with static storage.
template <class Handler>
class RouteTable {
 public:
  template <std::size_t N>
  explicit constexpr RouteTable(const Route<Handler> (&routes)[N]) noexcept : begin_(routes), end_(routes + N) {}

  /// What a request for `path` with `method` finds.
  struct Match {
    const Route<Handler>* route = nullptr;  ///< the route, or null
    PathParameters parameters;              ///< its {name} segments
    std::string allow;                      ///< when the path is known but not the method: its Allow list
  };

  /// The route for `path` and `method` among those `enabled` accepts (a
  /// predicate on a route: the others are as if absent).
  template <class Enabled>
  Match find(std::string_view path, http::verb method, Enabled enabled) const {
    Match match;
    std::vector<http::verb> methods;
    for (const auto* route = begin_; route != end_; ++route) {
      PathParameters parameters;
      if (!enabled(*route) || !path_matches(route->path, path, parameters)) continue;
      if (serves(*route, method)) {
        match.route = route;
        match.parameters = std::move(parameters);
        return match;
      }
      methods.push_back(route->method);
    }
    if (!methods.empty()) match.allow = allow_header(methods);
    return match;
  }

  const Route<Handler>* begin() const noexcept { return begin_; }
  const Route<Handler>* end() const noexcept { return end_; }

 private:
  static bool serves(const Route<Handler>& route, http::verb method) noexcept {
    return route.method == method || (route.method == http::verb::get && method == http::verb::head);
  }

  const Route<Handler>* begin_;
  const Route<Handler>* end_;
};

}  // namespace authcore_server

#endif
