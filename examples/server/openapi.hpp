// The OpenAPI 3.1 document of authcore-server, written from its route table:
// every row of the table names its Operation (its documentation), so a route
// cannot exist undocumented, and the document holds nothing but the table's
// rows. The statuses every route of a kind shares (a JSON or form body, a
// bearer token) are added here, so a route's Operation lists only its own.
#ifndef AUTHCORE_SERVER_OPENAPI_HPP
#define AUTHCORE_SERVER_OPENAPI_HPP

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_message.hpp"
#include "route_table.hpp"

namespace authcore_server::openapi {

/// A body of one media type, described by a schema of the document's
/// `components.schemas`.
struct Content {
  std::string_view media_type;  ///< "application/json"; empty: no body
  std::string_view schema;      ///< a components.schemas name; empty: any bytes of the media type
};

/// One response an operation documents.
struct Reply {
  http::status status;
  std::string_view description;           ///< CommonMark
  std::vector<Content> content;           ///< empty: no body
  std::vector<std::string_view> headers;  ///< components.headers names it carries
};

/// A query parameter whose value is one of a few names.
struct QueryParameter {
  std::string_view name;                 ///< "scope"
  std::string_view description;          ///< CommonMark
  std::vector<std::string_view> values;  ///< the names it may be
  std::string_view default_value;        ///< the value when it is absent
};

/// What a request must present.
enum class Access {
  open,    ///< nothing
  bearer,  ///< `Authorization: Bearer` with an access token (the OAuth2 password flow's)
};

/// The documentation of one route: its OpenAPI operation object, less what
/// the generator derives (operationId, path parameters, security, the
/// shared statuses).
struct Operation {
  /// FastAPI's operationId stem: the tutorial's function name. The
  /// operationId is this, the path and the method, as FastAPI makes it.
  std::string_view name;
  std::string_view tag;          ///< one of the document's tags
  std::string_view summary;      ///< a few words
  std::string_view description;  ///< CommonMark
  Content body;                  ///< the request body (application/json or a form); none when empty
  Access access;
  /// The statuses of this route. 431 and 503 (every route), 400, 413, 415
  /// and 422 (a JSON body), 400 and 413 (a form body) and 401 (a bearer
  /// token; 403 when it needs scopes) are added unless listed here.
  std::vector<Reply> replies;
  /// The OAuth2 scopes a bearer route needs (RFC 6749 §3.3), each of them.
  std::vector<std::string_view> scopes{};
  /// Its optional query parameters. Default none.
  std::vector<QueryParameter> query{};
};

/// The document's skeleton: info, tags, components, no paths yet.
nlohmann::json skeleton();

/// Adds `operation` as `method` of `path` (a route pattern: "{name}"
/// segments become path parameters) to `document`.
void add_operation(nlohmann::json& document, std::string_view path, http::verb method, const Operation& operation);

/// The document of every route of `routes` that `serves` accepts.
template <class Handler, class Serves>
nlohmann::json document(const RouteTable<Handler>& routes, Serves serves) {
  auto written = skeleton();
  for (const auto& route : routes) {
    if (serves(route)) add_operation(written, route.path, route.method, route.doc);
  }
  return written;
}

}  // namespace authcore_server::openapi

#endif
