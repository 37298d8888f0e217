#include "openapi.hpp"

#include <cctype>
#include <string>

#include "authcore/version.hpp"

namespace authcore_server::openapi {
namespace {

using nlohmann::json;

// Everything but the paths: the schemas of every body, the shared
// responses and headers, and the OAuth2 password flow (FastAPI's
// OAuth2PasswordBearer, with the refresh grant's refreshUrl). Response
// schemas allow no other members, so a body that grows a field the
// document does not name fails the tests that validate every response.
constexpr const char* kSkeleton = R"json({
  "openapi": "3.1.0",
  "info": {
    "title": "authcore-server",
    "summary": "Sign-up, OAuth2 password login, refresh-token rotation, logout and revocation.",
    "description": "The FastAPI \"OAuth2 with Password and JWT\" tutorial service, in C++ on authcore. Every error is JSON `{\"detail\": ...}`; invalid fields are 422 in FastAPI's shape; the OAuth2 endpoints add RFC 6749 §5.2's `error`. HEAD is answered wherever GET is, and a known path with a trailing slash redirects (307) to the path without it.",
    "license": {"name": "MIT", "identifier": "MIT"}
  },
  "servers": [{"url": "/", "description": "This server"}],
  "tags": [
    {"name": "auth", "description": "Sign-up, login (the OAuth2 password flow), refresh, logout and revocation."},
    {"name": "users", "description": "What an access token grants."},
    {"name": "health", "description": "For load balancers and orchestrators."},
    {"name": "docs", "description": "This document and Swagger UI."}
  ],
  "paths": {},
  "components": {
    "securitySchemes": {
      "OAuth2PasswordBearer": {
        "type": "oauth2",
        "description": "Log in at `/token` with a username (or e-mail address) and password (RFC 6749 §4.3), optionally asking for some scopes (RFC 6749 §3.3: granted are those asked for that the user's roles grant, or all of those when none are asked for); send the access token as `Authorization: Bearer` (RFC 6750). Refresh at `/token` with `grant_type=refresh_token`.",
        "flows": {"password": {"tokenUrl": "/token", "refreshUrl": "/token", "scopes": {"me": "Read your own user (`/users/me`); granted by role `user` by default.", "admin": "Administer users (`/admin/users`); granted by role `admin` by default."}}}
      }
    },
    "schemas": {
      "SignupRequest": {
        "title": "SignupRequest",
        "type": "object",
        "properties": {
          "username": {"title": "Username", "type": "string", "minLength": 3, "description": "3 to 64 characters of `A-Z a-z 0-9 . _ -`, or an e-mail address (which is then also the user's `email`)."},
          "password": {"title": "Password", "type": "string", "format": "password", "minLength": 1, "description": "At most 4096 bytes."},
          "email": {"title": "Email", "type": ["string", "null"], "format": "email"}
        },
        "required": ["username", "password"]
      },
      "LoginRequest": {
        "title": "LoginRequest",
        "type": "object",
        "properties": {
          "username": {"title": "Username", "type": "string"},
          "password": {"title": "Password", "type": "string", "format": "password"}
        },
        "required": ["username", "password"]
      },
      "RefreshRequest": {
        "title": "RefreshRequest",
        "type": "object",
        "properties": {
          "refresh_token": {"title": "Refresh Token", "type": "string"},
          "scope": {"title": "Scope", "type": ["string", "null"], "description": "Space-separated scopes narrowing the new pair to part of the session's grant (RFC 6749 §6); absent: all of it."}
        },
        "required": ["refresh_token"]
      },
      "TokenRequest": {
        "title": "TokenRequest",
        "description": "The password grant (RFC 6749 §4.3.2) needs `username` and `password`; the refresh grant (§6) needs `refresh_token`.",
        "type": "object",
        "properties": {
          "grant_type": {"title": "Grant Type", "type": "string", "enum": ["password", "refresh_token"], "default": "password"},
          "username": {"title": "Username", "type": "string"},
          "password": {"title": "Password", "type": "string", "format": "password"},
          "refresh_token": {"title": "Refresh Token", "type": "string"},
          "scope": {"title": "Scope", "type": "string", "default": "", "description": "Space-separated scopes (RFC 6749 §3.3)."},
          "client_id": {"title": "Client Id", "type": "string", "description": "Accepted and ignored: every client is public."},
          "client_secret": {"title": "Client Secret", "type": "string", "format": "password", "description": "Accepted and ignored."}
        },
        "if": {"properties": {"grant_type": {"const": "refresh_token"}}, "required": ["grant_type"]},
        "then": {"required": ["refresh_token"]},
        "else": {"required": ["username", "password"]}
      },
      "RevocationRequest": {
        "title": "RevocationRequest",
        "type": "object",
        "properties": {
          "token": {"title": "Token", "type": "string", "description": "An access token or a refresh token."},
          "token_type_hint": {"title": "Token Type Hint", "type": "string", "description": "`access_token` or `refresh_token` (RFC 7009 §2.1); not needed, since the token says what it is."}
        },
        "required": ["token"]
      },
      "Token": {
        "title": "Token",
        "type": "object",
        "properties": {
          "access_token": {"title": "Access Token", "type": "string"},
          "token_type": {"title": "Token Type", "type": "string", "enum": ["bearer"]},
          "expires_in": {"title": "Expires In", "type": "integer", "minimum": 1, "description": "The access token's lifetime in seconds."},
          "refresh_token": {"title": "Refresh Token", "type": "string"},
          "scope": {"title": "Scope", "type": "string", "description": "The granted scopes, space-separated (RFC 6749 §5.1)."}
        },
        "required": ["access_token", "token_type", "expires_in", "refresh_token", "scope"],
        "additionalProperties": false
      },
      "NewUser": {
        "title": "NewUser",
        "type": "object",
        "properties": {
          "username": {"title": "Username", "type": "string"},
          "email": {"title": "Email", "type": ["string", "null"]}
        },
        "required": ["username", "email"],
        "additionalProperties": false
      },
      "User": {
        "title": "User",
        "description": "FastAPI tutorial's `User`, with the user's roles.",
        "type": "object",
        "properties": {
          "username": {"title": "Username", "type": "string"},
          "email": {"title": "Email", "type": ["string", "null"]},
          "full_name": {"title": "Full Name", "type": ["string", "null"]},
          "disabled": {"title": "Disabled", "type": "boolean"},
          "roles": {"title": "Roles", "type": "array", "items": {"type": "string"}}
        },
        "required": ["username", "email", "full_name", "disabled", "roles"],
        "additionalProperties": false
      },
      "Users": {
        "title": "Users",
        "type": "array",
        "items": {"$ref": "#/components/schemas/User"}
      },
      "Session": {
        "title": "Session",
        "description": "One of the user's live sessions; times are Unix seconds.",
        "type": "object",
        "properties": {
          "id": {"title": "Id", "type": "string"},
          "created_at": {"title": "Created At", "type": "integer"},
          "last_refreshed_at": {"title": "Last Refreshed At", "type": "integer"},
          "expires_at": {"title": "Expires At", "type": "integer"},
          "client_address": {"title": "Client Address", "type": ["string", "null"]},
          "user_agent": {"title": "User Agent", "type": ["string", "null"]},
          "current": {"title": "Current", "type": "boolean"}
        },
        "required": ["id", "created_at", "last_refreshed_at", "expires_at", "client_address", "user_agent", "current"],
        "additionalProperties": false
      },
      "Sessions": {
        "title": "Sessions",
        "type": "array",
        "items": {"$ref": "#/components/schemas/Session"}
      },
      "Message": {
        "title": "Message",
        "type": "object",
        "properties": {"message": {"title": "Message", "type": "string"}},
        "required": ["message"],
        "additionalProperties": false
      },
      "Health": {
        "title": "Health",
        "type": "object",
        "properties": {"status": {"title": "Status", "type": "string", "enum": ["ok"]}},
        "required": ["status"],
        "additionalProperties": false
      },
      "ReadinessChecks": {
        "title": "ReadinessChecks",
        "type": "object",
        "properties": {
          "store": {"title": "Store", "type": "string", "description": "`ok`, or the error code of the store's ping."},
          "keys": {"title": "Keys", "type": "string", "enum": ["ok", "not loaded"]}
        },
        "required": ["store", "keys"],
        "additionalProperties": false
      },
      "Readiness": {
        "title": "Readiness",
        "type": "object",
        "properties": {
          "status": {"title": "Status", "type": "string", "enum": ["ok"]},
          "checks": {"$ref": "#/components/schemas/ReadinessChecks"}
        },
        "required": ["status", "checks"],
        "additionalProperties": false
      },
      "NotReady": {
        "title": "NotReady",
        "type": "object",
        "properties": {
          "detail": {"title": "Detail", "type": "string", "enum": ["not ready"]},
          "checks": {"$ref": "#/components/schemas/ReadinessChecks"}
        },
        "required": ["detail", "checks"],
        "additionalProperties": false
      },
      "HTTPError": {
        "title": "HTTPError",
        "type": "object",
        "properties": {"detail": {"title": "Detail", "type": "string"}},
        "required": ["detail"],
        "additionalProperties": false
      },
      "OAuth2Error": {
        "title": "OAuth2Error",
        "description": "RFC 6749 §5.2's error beside FastAPI's `detail` (which repeats `error_description`).",
        "type": "object",
        "properties": {
          "detail": {"title": "Detail", "type": "string"},
          "error": {"title": "Error", "type": "string", "enum": ["invalid_request", "invalid_grant", "unsupported_grant_type"]},
          "error_description": {"title": "Error Description", "type": "string", "pattern": "^[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]*$"}
        },
        "required": ["detail", "error", "error_description"],
        "additionalProperties": false
      },
      "ValidationError": {
        "title": "ValidationError",
        "type": "object",
        "properties": {
          "loc": {"title": "Location", "type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
          "msg": {"title": "Message", "type": "string"},
          "type": {"title": "Error Type", "type": "string"}
        },
        "required": ["loc", "msg", "type"],
        "additionalProperties": false
      },
      "HTTPValidationError": {
        "title": "HTTPValidationError",
        "type": "object",
        "properties": {"detail": {"title": "Detail", "type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}}},
        "required": ["detail"],
        "additionalProperties": false
      },
      "Document": {"title": "Document", "type": "object", "description": "An OpenAPI 3.1 document."},
      "Html": {"title": "Html", "type": "string"},
      "Text": {"title": "Text", "type": "string"}
    },
    "headers": {
      "WWW-Authenticate": {
        "description": "The RFC 6750 §3 challenge: `Bearer`, with `error=\"invalid_token\"` when a presented token failed, or `error=\"insufficient_scope\"` and the `scope` needed.",
        "required": true,
        "schema": {"type": "string", "pattern": "^Bearer"}
      },
      "Retry-After": {
        "description": "Seconds to wait before trying again (RFC 9110 §10.2.3).",
        "schema": {"type": "integer", "minimum": 1}
      },
      "Cache-Control": {
        "description": "RFC 6749 §5.1: never cached.",
        "required": true,
        "schema": {"type": "string", "enum": ["no-store"]}
      },
      "Pragma": {
        "description": "RFC 6749 §5.1: never cached (HTTP/1.0 caches).",
        "required": true,
        "schema": {"type": "string", "enum": ["no-cache"]}
      }
    },
    "responses": {
      "NotAuthenticated": {
        "description": "No bearer token, or one that fails: malformed, forged, expired, revoked, a refresh token, a deleted or disabled user's, or one whose `sub` is not its session's user.",
        "headers": {"WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      },
      "InsufficientScope": {
        "description": "The access token is valid but lacks a scope this route needs (RFC 6750 §3.1): `Not enough permissions`, and the challenge names the scopes needed.",
        "headers": {"WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      },
      "InvalidJson": {
        "description": "The body is not JSON.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      },
      "InvalidForm": {
        "description": "`invalid_request`: a missing or repeated field, or a body that is not `application/x-www-form-urlencoded`.",
        "headers": {"Cache-Control": {"$ref": "#/components/headers/Cache-Control"}, "Pragma": {"$ref": "#/components/headers/Pragma"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuth2Error"}}}
      },
      "PayloadTooLarge": {
        "description": "The body is over 64 KiB.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      },
      "UnsupportedMediaType": {
        "description": "The body is not `application/json`.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      },
      "ValidationFailed": {
        "description": "Validation error: a field is missing, of the wrong type, or invalid.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}
      },
      "HeadersTooLarge": {
        "description": "The request headers are over 8 KiB.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      },
      "Unavailable": {
        "description": "The request could not be served now (the store does not answer); worth retrying.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      }
    }
  }
})json";

std::string method_name(http::verb method) {
  std::string name(http::to_string(method));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// FastAPI's generate_unique_id(): the function's name, then the path and the
// method with every non-word character made '_'.
std::string operation_id(std::string_view name, std::string_view path, const std::string& method) {
  std::string id(name);
  id += path;
  id += '_';
  id += method;
  for (auto& c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return id;
}

json schema_ref(std::string_view name) { return json{{"$ref", "#/components/schemas/" + std::string(name)}}; }

json shared_response(const char* name) { return json{{"$ref", "#/components/responses/" + std::string(name)}}; }

json content_object(const std::vector<Content>& content) {
  json object = json::object();
  for (const auto& body : content) {
    object[std::string(body.media_type)] =
        body.schema.empty() ? json::object() : json{{"schema", schema_ref(body.schema)}};
  }
  return object;
}

json response_object(const Reply& reply) {
  json response{{"description", reply.description}};
  if (!reply.content.empty()) response["content"] = content_object(reply.content);
  for (const auto header : reply.headers) {
    response["headers"][std::string(header)] = json{{"$ref", "#/components/headers/" + std::string(header)}};
  }
  return response;
}

// The statuses every route of a kind shares, as references to
// components.responses.
json shared_responses(const Operation& operation) {
  json responses{{"431", shared_response("HeadersTooLarge")}, {"503", shared_response("Unavailable")}};
  if (operation.body.media_type == "application/json") {
    responses["400"] = shared_response("InvalidJson");
    responses["413"] = shared_response("PayloadTooLarge");
    responses["415"] = shared_response("UnsupportedMediaType");
    responses["422"] = shared_response("ValidationFailed");
  } else if (!operation.body.media_type.empty()) {
    // RFC 6749 §5.2: a malformed request to an OAuth2 endpoint is
    // invalid_request, whatever is wrong with it.
    responses["400"] = shared_response("InvalidForm");
    responses["413"] = shared_response("PayloadTooLarge");
  }
  if (operation.access == Access::bearer) responses["401"] = shared_response("NotAuthenticated");
  if (!operation.scopes.empty()) responses["403"] = shared_response("InsufficientScope");
  return responses;
}

// A route pattern's {name} segments.
json path_parameters(std::string_view path) {
  json parameters = json::array();
  for (auto open = path.find('{'); open != std::string_view::npos; open = path.find('{', open + 1)) {
    const auto close = path.find('}', open);
    if (close == std::string_view::npos) break;
    parameters.push_back({{"name", std::string(path.substr(open + 1, close - open - 1))},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "string"}}}});
  }
  return parameters;
}

// The path's {name} segments, then the operation's query parameters.
json all_parameters(std::string_view path, const Operation& operation) {
  json parameters = path_parameters(path);
  for (const auto& query : operation.query) {
    parameters.push_back({{"name", query.name},
                          {"in", "query"},
                          {"required", false},
                          {"description", query.description},
                          {"schema", {{"type", "string"}, {"enum", query.values}, {"default", query.default_value}}}});
  }
  return parameters;
}

}  // namespace

json skeleton() {
  auto document = json::parse(kSkeleton);
  document["info"]["version"] = AUTHCORE_VERSION_STRING;
  return document;
}

void add_operation(json& document, std::string_view path, http::verb method, const Operation& operation) {
  const std::string verb = method_name(method);
  json written{{"operationId", operation_id(operation.name, path, verb)},
               {"tags", json::array({operation.tag})},
               {"summary", operation.summary},
               {"description", operation.description}};
  if (auto parameters = all_parameters(path, operation); !parameters.empty()) written["parameters"] = parameters;
  if (!operation.body.media_type.empty()) {
    written["requestBody"] = {{"required", true}, {"content", content_object({operation.body})}};
  }
  json responses = shared_responses(operation);
  for (const auto& reply : operation.replies)
    responses[std::to_string(static_cast<unsigned>(reply.status))] = response_object(reply);
  written["responses"] = std::move(responses);
  // OpenAPI 3.1 (Operation Object, `security`): an empty list says "no
  // security" explicitly, which the linter asks of every public route.
  // The requirement lists the scopes the route needs.
  written["security"] = operation.access == Access::bearer
                            ? json::array({{{"OAuth2PasswordBearer", json(operation.scopes)}}})
                            : json::array();
  document["paths"][std::string(path)][verb] = std::move(written);
}

}  // namespace authcore_server::openapi
