// The OpenAPI documentation of each route of Service::routes(): one
// Operation per handler, named as the handler is. A row of the route table
// refers to one of these, so documenting a new route is one entry here and
// its name in the row (docs/server.md, "Adding a route").
#ifndef AUTHCORE_SERVER_OPERATIONS_HPP
#define AUTHCORE_SERVER_OPERATIONS_HPP

#include "openapi.hpp"

namespace authcore_server::operations {

extern const openapi::Operation signup;
extern const openapi::Operation token;
extern const openapi::Operation login;
extern const openapi::Operation me;
extern const openapi::Operation admin_users;
extern const openapi::Operation protected_hello;
extern const openapi::Operation refresh;
extern const openapi::Operation logout;
extern const openapi::Operation sessions;
extern const openapi::Operation end_session;
extern const openapi::Operation revoke;
extern const openapi::Operation healthz;
extern const openapi::Operation livez;
extern const openapi::Operation readyz;
extern const openapi::Operation metrics;
extern const openapi::Operation openapi_json;
extern const openapi::Operation docs;
extern const openapi::Operation docs_asset;

}  // namespace authcore_server::operations

#endif
