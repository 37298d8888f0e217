#include "operations.hpp"

namespace authcore_server::operations {
namespace {

using openapi::Access;
using openapi::Content;
using openapi::Reply;
using status = http::status;

const Content kNoBody{};
const std::vector<Content> kError{{"application/json", "HTTPError"}};
const std::vector<Content> kOAuthError{{"application/json", "OAuth2Error"}};
const std::vector<Content> kToken{{"application/json", "Token"}};

Reply tokens(std::string_view description) { return {status::ok, description, kToken, {"Cache-Control", "Pragma"}}; }

Reply throttled() {
  return {status::too_many_requests,
          "Too many failed logins for this username or client: wait `Retry-After` seconds.",
          kError,
          {"Retry-After"}};
}

Reply busy() {
  return {status::service_unavailable,
          "The password workers are saturated (with `Retry-After`), or the user store does not answer.",
          kError,
          {"Retry-After"}};
}

}  // namespace

const openapi::Operation signup{
    "signup",
    "auth",
    "Sign up",
    "Creates a user with role `user`. The username is 3 to 64 characters of `A-Z a-z 0-9 . _ -`, or an e-mail "
    "address; the password is 1 to 4096 bytes (hashed with Argon2id); the e-mail is optional, and unique "
    "(compared in any ASCII case).",
    {"application/json", "SignupRequest"},
    Access::open,
    {{status::created, "The new user.", {{"application/json", "NewUser"}}, {}},
     {status::conflict,
      "The username (`Username already registered`) or the e-mail address (`Email already "
      "registered`) is taken.",
      kError,
      {}},
     busy()}};

const openapi::Operation token{
    "login_for_access_token",
    "auth",
    "Log in, or refresh a session (the OAuth2 token endpoint)",
    "The OAuth2 token endpoint, for the password grant (RFC 6749 §4.3: `username`, which may be the e-mail "
    "address, and `password`; `grant_type` may be omitted, as FastAPI's `OAuth2PasswordRequestForm` allows) and the "
    "refresh grant (§6: `grant_type=refresh_token` and `refresh_token`). `scope` asks for some of the user's "
    "scopes (at refresh, some of the session's); the answer names those granted. A refresh token is spent by its use: "
    "the answer carries the "
    "next one, and presenting a spent one again revokes its whole session. `client_id` and `client_secret`, in the "
    "body or as HTTP Basic, are accepted and ignored: every client is public. Errors carry RFC 6749 §5.2's `error` "
    "and `error_description` beside FastAPI's `detail`.",
    {"application/x-www-form-urlencoded", "TokenRequest"},
    Access::open,
    {tokens("A new access token and refresh token of the session."),
     {status::bad_request,
      "`invalid_request` (a missing or repeated field, a body that is not a form), `unsupported_grant_type`, or "
      "`invalid_grant` (a refresh token that is malformed, expired, spent or revoked; a disabled user: "
      "`Inactive user`).",
      kOAuthError,
      {"Cache-Control", "Pragma"}},
     {status::unauthorized,
      "`invalid_grant`: wrong username or password (`Incorrect username or password`, with FastAPI's 401).",
      kOAuthError,
      {"WWW-Authenticate", "Cache-Control", "Pragma"}},
     throttled(),
     busy()}};

const openapi::Operation login{
    "login",
    "auth",
    "Log in with a JSON body",
    "The password grant of `POST /token` for clients that send JSON.",
    {"application/json", "LoginRequest"},
    Access::open,
    {tokens("An access token and a refresh token of a new session."),
     {status::bad_request, "The body is not JSON, or the user is disabled (`Inactive user`).", kError, {}},
     {status::unauthorized,
      "Wrong username or password (`Incorrect username or password`).",
      kError,
      {"WWW-Authenticate"}},
     throttled(),
     busy()}};

const openapi::Operation me{"read_users_me",
                            "users",
                            "The signed-in user",
                            "The user the access token was issued to. Needs scope `me`.",
                            kNoBody,
                            Access::bearer,
                            {{status::ok, "The user.", {{"application/json", "User"}}, {}}},
                            {"me"}};

const openapi::Operation admin_users{"read_users",
                                     "users",
                                     "Every user",
                                     "Every user, in byte order of username. Needs scope `admin`.",
                                     kNoBody,
                                     Access::bearer,
                                     {{status::ok, "The users.", {{"application/json", "Users"}}, {}}},
                                     {"admin"}};

const openapi::Operation protected_hello{"read_protected",
                                         "users",
                                         "A protected greeting",
                                         "Greets the user the access token was issued to.",
                                         kNoBody,
                                         Access::bearer,
                                         {{status::ok, "The greeting.", {{"application/json", "Message"}}, {}}}};

const openapi::Operation refresh{
    "refresh",
    "auth",
    "Refresh a session with a JSON body",
    "Spends the refresh token for a new pair of the same session, as `POST /token` with "
    "`grant_type=refresh_token` does; `scope` may narrow the new pair. Presenting a spent refresh token again revokes "
    "the whole session (RFC 9700 "
    "§4.14.2).",
    {"application/json", "RefreshRequest"},
    Access::open,
    {tokens("A new access token and refresh token of the session."),
     {status::unauthorized,
      "The refresh token is malformed, expired, spent (its session is now revoked) or revoked, or its user is "
      "deleted or disabled.",
      kError,
      {"WWW-Authenticate"}}}};

const openapi::Operation logout{
    "logout",
    "auth",
    "Log out",
    "Ends the access token's session (`scope=local`, the default), every other session of its user "
    "(`scope=others`), or all of them (`scope=global`): their access and refresh tokens stop working at once.",
    kNoBody,
    Access::bearer,
    {{status::no_content, "The sessions have ended.", {}, {}},
     {status::bad_request, "`scope` is not `local`, `others` or `global`.", kError, {}}},
    {},
    {{"scope", "Which sessions to end.", {"local", "others", "global"}, "local"}}};

const openapi::Operation sessions{
    "read_sessions",
    "users",
    "The signed-in user's sessions",
    "The user's live sessions (not ended, expired or inactive), oldest first: when each started and was last "
    "refreshed, the client address and User-Agent it logged in with, and which one is the token's own. Needs "
    "scope `me`.",
    kNoBody,
    Access::bearer,
    {{status::ok, "The sessions.", {{"application/json", "Sessions"}}, {}}},
    {"me"}};

const openapi::Operation end_session{
    "end_session",
    "users",
    "End one of the signed-in user's sessions",
    "Ends the session `id` of the token's user (the token's own included): its tokens stop working at once. Needs "
    "scope `me`.",
    kNoBody,
    Access::bearer,
    {{status::no_content, "The session has ended.", {}, {}},
     {status::not_found, "No session of this user has this id (other users' sessions are not revealed).", kError, {}}},
    {"me"}};

const openapi::Operation revoke{
    "revoke_token",
    "auth",
    "Revoke a token (RFC 7009)",
    "Ends the session of `token`, an access token or a refresh token (its type is read from the token; "
    "`token_type_hint` is accepted and not needed). A token that is not valid is answered 200 as well (RFC 7009 "
    "§2.2): there is nothing left to revoke.",
    {"application/x-www-form-urlencoded", "RevocationRequest"},
    Access::open,
    {{status::ok, "The token's session has ended, or the token was not valid.", {}, {}},
     {status::service_unavailable, "The user store does not answer.", kError, {}}}};

const openapi::Operation healthz{"healthz",
                                 "health",
                                 "Health check",
                                 "Answers after a round trip to the user store.",
                                 kNoBody,
                                 Access::open,
                                 {{status::ok, "The store answers.", {{"application/json", "Health"}}, {}},
                                  {status::service_unavailable, "The store does not answer.", kError, {}}}};

const openapi::Operation livez{"livez",
                               "health",
                               "Liveness probe",
                               "Answers while the process serves requests; no store call, so a database outage never "
                               "gets a healthy process restarted.",
                               kNoBody,
                               Access::open,
                               {{status::ok, "The process runs.", {{"application/json", "Health"}}, {}}}};

const openapi::Operation readyz{
    "readyz",
    "health",
    "Readiness probe",
    "Whether this instance can serve a login now: the store answers and the signing keys are loaded. `checks` names "
    "each check's outcome (`ok`, an error code such as `store_unavailable`, or `not loaded`).",
    kNoBody,
    Access::open,
    {{status::ok, "Ready.", {{"application/json", "Readiness"}}, {}},
     {status::service_unavailable, "Not ready: `detail` is `not ready`.", {{"application/json", "NotReady"}}, {}}}};

const openapi::Operation metrics{
    "metrics",
    "health",
    "Prometheus metrics",
    "The Prometheus text exposition format 0.0.4: requests by route and status, latency, logins by outcome, "
    "refresh rotations and reuses, throttled logins, the password workers' load, sessions purged, store errors, "
    "start time and build (docs/operations.md).",
    kNoBody,
    Access::open,
    {{status::ok, "The metrics.", {{"text/plain", "Text"}}, {}}}};

const openapi::Operation openapi_json{"openapi",
                                      "docs",
                                      "This OpenAPI document",
                                      "The OpenAPI 3.1 document of every route (off with `--no-docs`).",
                                      kNoBody,
                                      Access::open,
                                      {{status::ok, "The document.", {{"application/json", "Document"}}, {}}}};

const openapi::Operation docs{"swagger_ui_html",
                              "docs",
                              "Swagger UI",
                              "Swagger UI for this document, as FastAPI serves it: its files from a CDN, or from "
                              "`/docs/assets/` with `--docs-assets DIR` (off with `--no-docs`).",
                              kNoBody,
                              Access::open,
                              {{status::ok, "The page.", {{"text/html", "Html"}}, {}}}};

const openapi::Operation docs_asset{
    "swagger_ui_asset",
    "docs",
    "A file of Swagger UI",
    "A file of npm's `swagger-ui-dist` from the `--docs-assets` directory: `swagger-ui-bundle.js`, `swagger-ui.css` "
    "or `favicon-32x32.png`.",
    kNoBody,
    Access::open,
    {{status::ok, "The file.", {{"text/javascript", "Text"}, {"text/css", "Text"}, {"image/png", ""}}, {}},
     {status::not_found, "Not one of the files.", kError, {}}}};

}  // namespace authcore_server::operations
