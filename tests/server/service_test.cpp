// authcore-server's request pipeline without sockets (examples/server's
// Service): the route table's 404/405/HEAD rules and trailing-slash
// redirects, that the OpenAPI document has exactly the table's routes, the
// docs routes and their switches, and that every request is answered
// exactly once, also when a handler throws or its work is dropped.
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "authcore/authcore.hpp"
#include "metrics.hpp"
#include "openapi.hpp"
#include "service.hpp"
#include "support/catch.hpp"
#include "support/faulty_store.hpp"

using namespace authcore_server;
using nlohmann::json;

namespace {

authcore::AuthenticatorOptions fast_options() {
  authcore::AuthenticatorOptions options;
  options.password_policy = authcore::PasswordPolicy::custom(1, authcore::PasswordPolicy::min_memory_bytes);
  return options;
}

void run_now(std::function<void()> work) { work(); }

struct World {
  explicit World(BlockingExecutor blocking = run_now, ServiceOptions options = {})
      : service(auth, store, std::move(blocking), std::move(options)) {}

  authcore::test::FaultyStore store;
  authcore::Authenticator auth{store, authcore::HmacKey::from_bytes("service-test-key-0123456789abcdef").value(),
                               fast_options()};
  Service service;
};

struct Answer {
  Response response;
  int calls = 0;
};

// Sends `request` and waits for its answer; counts how often `respond` ran
// (a late second call would still be counted before the check).
Answer send(const Service& service, Request request) {
  request.prepare_payload();
  auto calls = std::make_shared<std::atomic<int>>(0);
  std::promise<Response> answered;
  auto future = answered.get_future();
  service.handle(request, "192.0.2.7",
                 [calls, answered = std::make_shared<std::promise<Response>>(std::move(answered))](Response response) {
                   if (calls->fetch_add(1) == 0) answered->set_value(std::move(response));
                 });
  Answer answer{future.get(), 0};
  answer.calls = calls->load();
  return answer;
}

Request make_request(http::verb method, std::string target, std::string body = {}, std::string type = {}) {
  Request request{method, target, 11};
  if (!type.empty()) request.set(http::field::content_type, type);
  request.body() = std::move(body);
  return request;
}

Request bearer_get(std::string target, const std::string& token) {
  auto request = make_request(http::verb::get, std::move(target));
  request.set(http::field::authorization, "Bearer " + token);
  return request;
}

std::string access_token(World& world) {
  REQUIRE(world.auth.signup("alice", "correct horse"));
  auto pair = world.auth.login("alice", "correct horse");
  REQUIRE(pair);
  return pair->access_token;
}

json body_of(const Response& response) { return json::parse(response.body(), nullptr, false); }

void check_unavailable(const Answer& answer) {
  CHECK(answer.calls == 1);
  CHECK(answer.response.result() == http::status::service_unavailable);
  CHECK(answer.response[http::field::content_type] == "application/json");
  CHECK(body_of(answer.response)["detail"].is_string());
}

}  // namespace

TEST_CASE("unknown paths are 404, known paths with another method are 405 with their Allow list", "[service]") {
  World world;
  const auto missing = send(world.service, make_request(http::verb::get, "/nowhere"));
  CHECK(missing.response.result() == http::status::not_found);
  CHECK(body_of(missing.response) == json{{"detail", "Not Found"}});

  struct Row {
    http::verb method;
    const char* target;
    const char* allow;
  };
  const auto row = GENERATE(values<Row>({
      {http::verb::delete_, "/users/me", "GET, HEAD"},
      {http::verb::post, "/users/me?x=1", "GET, HEAD"},
      {http::verb::put, "/healthz", "GET, HEAD"},
      {http::verb::get, "/token", "POST"},
      {http::verb::head, "/logout", "POST"},
  }));
  INFO(http::to_string(row.method) << " " << row.target);
  const auto refused = send(world.service, make_request(row.method, row.target));
  CHECK(refused.calls == 1);
  CHECK(refused.response.result() == http::status::method_not_allowed);
  CHECK(refused.response[http::field::allow] == row.allow);
  if (row.method == http::verb::head) {
    CHECK(refused.response.body().empty());  // RFC 9110 §9.3.2: no content in a response to HEAD
  } else {
    CHECK(body_of(refused.response) == json{{"detail", "Method Not Allowed"}});
  }
}

TEST_CASE("HEAD is served wherever GET is, with GET's headers and no body", "[service]") {
  World world;
  const std::string token = access_token(world);
  const auto got = send(world.service, bearer_get("/users/me", token));
  auto head_request = bearer_get("/users/me", token);
  head_request.method(http::verb::head);
  const auto head = send(world.service, std::move(head_request));
  REQUIRE(got.response.result() == http::status::ok);
  CHECK(head.response.result() == http::status::ok);
  CHECK(head.response.body().empty());
  CHECK(head.response[http::field::content_length] == std::to_string(got.response.body().size()));
  CHECK(head.response[http::field::content_type] == "application/json");
}

TEST_CASE("a route's {name} segments match one segment each", "[service]") {
  PathParameters parameters;
  CHECK(path_matches("/sessions/{id}", "/sessions/abc", parameters));
  CHECK(parameters["id"] == "abc");
  CHECK(parameters["other"].empty());
  PathParameters unused;
  CHECK_FALSE(path_matches("/sessions/{id}", "/sessions/", unused));
  CHECK_FALSE(path_matches("/sessions/{id}", "/sessions/a/b", unused));
  CHECK_FALSE(path_matches("/sessions/{id}", "/sessions", unused));
  CHECK_FALSE(path_matches("/users/me", "/users/me/", unused));
  CHECK_FALSE(path_matches("/users/me", "/users//me", unused));
  CHECK(path_matches("/users/me", "/users/me", unused));
}

TEST_CASE("a handler that throws is answered 503 exactly once", "[service]") {
  World world;
  const std::string token = access_token(world);
  world.store.throw_on_find_user = true;  // /users/me's user lookup throws std::bad_alloc
  check_unavailable(send(world.service, bearer_get("/users/me", token)));
  world.store.throw_on_find_user = false;
  CHECK(send(world.service, bearer_get("/users/me", token)).response.result() == http::status::ok);
}

TEST_CASE("work the blocking executor refuses or drops is answered 503 exactly once", "[service]") {
  const auto refresh_request = [](const std::string& refresh_token) {
    return make_request(http::verb::post, "/refresh", json{{"refresh_token", refresh_token}}.dump(),
                        "application/json");
  };
  SECTION("the executor throws") {
    World world([](std::function<void()>) { throw std::runtime_error("the pool is shutting down"); });
    check_unavailable(send(world.service, refresh_request("x.y.z")));
  }
  SECTION("the executor drops the work without running it") {
    World world([](std::function<void()> work) { work = nullptr; });
    const auto answer = send(world.service, refresh_request("x.y.z"));
    check_unavailable(answer);
    CHECK(body_of(answer.response)["detail"] == "The request was dropped before it was answered");
  }
  SECTION("the executor runs it later, on another thread") {
    std::vector<std::thread> threads;
    {
      World world([&threads](std::function<void()> work) { threads.emplace_back(std::move(work)); });
      const auto answer = send(world.service, refresh_request("x.y.z"));
      CHECK(answer.calls == 1);
      CHECK(answer.response.result() == http::status::unauthorized);
      for (auto& thread : threads) thread.join();
    }
  }
}

TEST_CASE("a known path with trailing slashes redirects 307 to the path without them", "[service]") {
  World world;
  struct Row {
    http::verb method;
    const char* target;
    const char* location;
  };
  const auto row = GENERATE(values<Row>({
      {http::verb::get, "/users/me/", "/users/me"},
      {http::verb::head, "/users/me/", "/users/me"},
      {http::verb::get, "/users/me//?x=1&y=2", "/users/me?x=1&y=2"},
      {http::verb::post, "/token/", "/token"},
      {http::verb::delete_, "/users/me/", "/users/me"},  // the path is known: the redirect target then says 405
  }));
  INFO(http::to_string(row.method) << " " << row.target);
  const auto answer = send(world.service, make_request(row.method, row.target));
  CHECK(answer.calls == 1);
  CHECK(answer.response.result() == http::status::temporary_redirect);
  CHECK(answer.response[http::field::location] == row.location);
  CHECK(answer.response.body().empty());
}

TEST_CASE("an unknown path with a trailing slash, or the root, is 404", "[service]") {
  World world;
  const auto target = GENERATE(as<std::string>{}, "/nowhere/", "/", "//", "//users/me/", "/users/me/x/");
  INFO(target);
  const auto answer = send(world.service, make_request(http::verb::get, target));
  CHECK(answer.response.result() == http::status::not_found);
  CHECK(body_of(answer.response) == json{{"detail", "Not Found"}});
}

namespace {

// A directory standing in for npm's swagger-ui-dist: the three files /docs
// serves, and one it must not.
struct AssetsDirectory {
  std::filesystem::path path;
  AssetsDirectory() {
    char pattern[] = "/tmp/authcore-swagger-ui.XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
    write("swagger-ui-bundle.js", "window.SwaggerUIBundle = function () {};");
    write("swagger-ui.css", "body { margin: 0 }");
    write("favicon-32x32.png", std::string("\x89PNG\r\n\x1a\n", 8));
    write("package.json", R"({"name": "swagger-ui-dist"})");
  }
  ~AssetsDirectory() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path / name, std::ios::binary) << bytes;
  }
};

ServiceOptions with_assets(const AssetsDirectory& directory) {
  auto assets = SwaggerUiAssets::load(directory.path.string());
  REQUIRE(assets);
  ServiceOptions options;
  options.docs_assets = std::make_shared<const SwaggerUiAssets>(std::move(*assets));
  return options;
}

json openapi_of(const World& world) {
  const auto answer = send(world.service, make_request(http::verb::get, "/openapi.json"));
  REQUIRE(answer.response.result() == http::status::ok);
  CHECK(answer.response[http::field::content_type] == "application/json");
  return body_of(answer.response);
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

const std::string kAppOrigin = "https://app.example.com";

World cors_world(std::vector<std::string> origins = {kAppOrigin}) {
  ServiceOptions options;
  options.cors = CorsPolicy(std::move(origins));
  return World([](std::function<void()> work) { work(); }, std::move(options));
}

Request preflight_request(const std::string& target, const std::string& origin, const std::string& method) {
  auto request = make_request(http::verb::options, target);
  request.set(http::field::origin, origin);
  request.set(http::field::access_control_request_method, method);
  request.set(http::field::access_control_request_headers, "authorization");
  return request;
}

Request from_origin(Request request, const std::string& origin) {
  request.set(http::field::origin, origin);
  return request;
}

void check_no_cors_headers(const Response& response) {
  for (const auto& field : response) {
    INFO(field.name_string());
    CHECK(field.name_string().substr(0, 15) != "Access-Control-");
  }
}

}  // namespace

TEST_CASE("/openapi.json documents every route of the table, and nothing else", "[service][openapi]") {
  const AssetsDirectory directory;
  Metrics metrics(Service::route_patterns());
  auto options = with_assets(directory);
  options.metrics = &metrics;  // with metrics, every route of the table is served
  const World world(run_now, std::move(options));
  const json document = openapi_of(world);
  CHECK(document["openapi"] == "3.1.0");
  std::size_t routes = 0;
  for (const auto& route : Service::routes()) {
    ++routes;
    const std::string path(route.path);
    const std::string method = lower(std::string(http::to_string(route.method)));
    INFO(method << " " << path);
    REQUIRE(document["paths"].contains(path));
    REQUIRE(document["paths"][path].contains(method));
    const json& operation = document["paths"][path][method];
    CHECK(operation["responses"].contains("503"));
    // A route that needs a bearer token says so, and documents its 401.
    if (operation["security"].empty()) continue;
    // ... and the scopes it needs (a 403 when the token lacks one).
    CHECK(operation["security"] == json::array({{{"OAuth2PasswordBearer", json(route.doc.scopes)}}}));
    CHECK(operation["responses"].contains("403") == !route.doc.scopes.empty());
    CHECK(operation["responses"].contains("401"));
  }
  std::size_t operations = 0;
  for (const auto& [path, methods] : document["paths"].items()) operations += methods.size();
  CHECK(operations == routes);
  const json flow = document["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"];
  CHECK(flow["tokenUrl"] == "/token");
  CHECK(flow["refreshUrl"] == "/token");
  CHECK(document["paths"]["/users/me"]["get"]["operationId"] == "read_users_me_users_me_get");
}

TEST_CASE("without --docs-assets /docs loads Swagger UI from the CDN and /docs/assets/ is absent",
          "[service][openapi]") {
  const World world;
  const auto page = send(world.service, make_request(http::verb::get, "/docs"));
  REQUIRE(page.response.result() == http::status::ok);
  CHECK(page.response[http::field::content_type] == "text/html; charset=utf-8");
  const std::string& html = page.response.body();
  CHECK(html.find("https://cdn.jsdelivr.net/npm/swagger-ui-dist@" + std::string(kSwaggerUiVersion) +
                  "/swagger-ui-bundle.js\" integrity=\"sha384-") != std::string::npos);
  CHECK(html.find("url: '/openapi.json'") != std::string::npos);
  CHECK(html.find("/docs/assets/") == std::string::npos);
  CHECK(send(world.service, make_request(http::verb::get, "/docs/assets/swagger-ui.css")).response.result() ==
        http::status::not_found);
  CHECK_FALSE(openapi_of(world)["paths"].contains("/docs/assets/{name}"));
}

TEST_CASE("with --docs-assets only Swagger UI's three files are served, by exact name", "[service][openapi]") {
  const AssetsDirectory directory;
  const World world(run_now, with_assets(directory));
  const auto page = send(world.service, make_request(http::verb::get, "/docs"));
  CHECK(page.response.body().find(R"(<script src="/docs/assets/swagger-ui-bundle.js">)") != std::string::npos);
  CHECK(page.response.body().find("cdn.jsdelivr.net") == std::string::npos);

  struct Served {
    const char* name;
    const char* content_type;
  };
  const auto served = GENERATE(values<Served>({{"swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
                                               {"swagger-ui.css", "text/css; charset=utf-8"},
                                               {"favicon-32x32.png", "image/png"}}));
  const auto file = send(world.service, make_request(http::verb::get, std::string("/docs/assets/") + served.name));
  CHECK(file.response.result() == http::status::ok);
  CHECK(file.response[http::field::content_type] == served.content_type);
  CHECK(file.response["X-Content-Type-Options"] == "nosniff");
  std::ifstream in(directory.path / served.name, std::ios::binary);
  CHECK(file.response.body() == std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));

  const auto refused = GENERATE(as<std::string>{}, "/docs/assets/package.json", "/docs/assets/..%2fpackage.json",
                                "/docs/assets/%2e%2e", "/docs/assets/../package.json", "/docs/assets/./swagger-ui.css",
                                "/docs/assets/SWAGGER-UI.CSS", "/docs/assets/swagger-ui.css%00");
  INFO(refused);
  const auto answer = send(world.service, make_request(http::verb::get, refused));
  CHECK(answer.response.result() == http::status::not_found);
  CHECK(body_of(answer.response) == json{{"detail", "Not Found"}});
}

TEST_CASE("SwaggerUiAssets::load refuses a directory without the files, or with huge or odd ones",
          "[service][openapi]") {
  const AssetsDirectory directory;
  SECTION("a file missing") {
    std::filesystem::remove(directory.path / "swagger-ui.css");
    const auto loaded = SwaggerUiAssets::load(directory.path.string());
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code == authcore::ErrorCode::not_found);
    CHECK(loaded.error().message.find("swagger-ui.css") != std::string::npos);
  }
  SECTION("a file over the cap") {
    std::filesystem::resize_file(directory.path / "swagger-ui-bundle.js", SwaggerUiAssets::max_file_bytes + 1);
    const auto loaded = SwaggerUiAssets::load(directory.path.string());
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code == authcore::ErrorCode::invalid_argument);
  }
  SECTION("a directory where a file should be") {
    std::filesystem::remove(directory.path / "favicon-32x32.png");
    std::filesystem::create_directory(directory.path / "favicon-32x32.png");
    const auto loaded = SwaggerUiAssets::load(directory.path.string());
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code == authcore::ErrorCode::invalid_argument);
  }
  SECTION("no such directory") {
    const auto loaded = SwaggerUiAssets::load((directory.path / "nowhere").string());
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code == authcore::ErrorCode::not_found);
  }
}

TEST_CASE("with docs off, /docs, /openapi.json and /docs/assets/ are unknown paths", "[service][openapi]") {
  const AssetsDirectory directory;
  ServiceOptions options = with_assets(directory);
  options.docs = false;
  const World world(run_now, std::move(options));
  const auto request = GENERATE(values<std::pair<http::verb, std::string>>({
      {http::verb::get, "/docs"},
      {http::verb::get, "/openapi.json"},
      {http::verb::head, "/openapi.json"},
      {http::verb::post, "/docs"},
      {http::verb::get, "/docs/"},
      {http::verb::get, "/docs/assets/swagger-ui.css"},
  }));
  INFO(http::to_string(request.first) << " " << request.second);
  const auto answer = send(world.service, make_request(request.first, request.second));
  CHECK(answer.response.result() == http::status::not_found);
}

TEST_CASE("422s are FastAPI's validation errors, with the field's location", "[service]") {
  World world;
  struct Row {
    const char* body;
    json error;
  };
  const auto row = GENERATE(values<Row>({
      {R"({"username":"bob"})", {{"loc", {"body", "password"}}, {"msg", "Field required"}, {"type", "missing"}}},
      {R"({"username":42,"password":"x"})",
       {{"loc", {"body", "username"}}, {"msg", "Input should be a valid string"}, {"type", "string_type"}}},
      {R"({"username":"bob","password":"x","email":5})",
       {{"loc", {"body", "email"}}, {"msg", "Input should be a valid string"}, {"type", "string_type"}}},
      {R"(["username","password"])",
       {{"loc", {"body"}},
        {"msg", "Input should be a valid dictionary or object to extract fields from"},
        {"type", "model_attributes_type"}}},
      {R"({"username":"a","username":"b","password":"x"})",
       {{"loc", {"body", "username"}}, {"msg", "the member is given more than once"}, {"type", "value_error"}}},
      {R"({"username":"b","password":"x"})",
       {{"loc", {"body"}},
        {"msg", "a username is 3 to 64 characters of A-Z a-z 0-9 . _ - or an e-mail address"},
        {"type", "value_error"}}},
  }));
  INFO(row.body);
  const auto answer = send(world.service, make_request(http::verb::post, "/signup", row.body, "application/json"));
  CHECK(answer.response.result() == http::status::unprocessable_entity);
  CHECK(body_of(answer.response) == json{{"detail", json::array({row.error})}});
}

TEST_CASE("a preflight from an allowed origin is 204 with the path's methods, headers and Max-Age", "[service][cors]") {
  World world = cors_world({"http://localhost:5173", kAppOrigin});
  const auto [target, method, methods] = GENERATE(table<std::string, std::string, std::string>({
      {"/users/me", "GET", "GET, HEAD"},
      {"/token", "POST", "POST"},
      {"/logout?scope=local", "POST", "POST"},
  }));
  INFO(target);
  const auto answer = send(world.service, preflight_request(target, kAppOrigin, method));
  CHECK(answer.calls == 1);
  CHECK(answer.response.result() == http::status::no_content);
  CHECK(answer.response.body().empty());
  CHECK(answer.response[http::field::access_control_allow_origin] == kAppOrigin);
  CHECK(answer.response[http::field::access_control_allow_methods] == methods);
  CHECK(answer.response[http::field::access_control_allow_headers] == "Authorization, Content-Type");
  CHECK(answer.response[http::field::access_control_max_age] == "600");
  CHECK(answer.response[http::field::vary] == "Origin");
  CHECK(answer.response.count(http::field::access_control_allow_credentials) == 0);
}

TEST_CASE("responses to an allowed origin carry Allow-Origin, Vary and the exposed headers", "[service][cors]") {
  World world = cors_world();
  const std::string token = access_token(world);
  const auto me = send(world.service, from_origin(bearer_get("/users/me", token), kAppOrigin));
  REQUIRE(me.response.result() == http::status::ok);
  CHECK(me.response[http::field::access_control_allow_origin] == kAppOrigin);
  CHECK(me.response[http::field::vary] == "Origin");
  CHECK(me.response[http::field::access_control_expose_headers] == "WWW-Authenticate, Retry-After");
  // Errors too, so the app can read why (here the RFC 6750 challenge).
  const auto refused = send(world.service, from_origin(bearer_get("/users/me", "not.a.token"), kAppOrigin));
  CHECK(refused.response.result() == http::status::unauthorized);
  CHECK(refused.response[http::field::access_control_allow_origin] == kAppOrigin);
  const auto missing = send(world.service, from_origin(make_request(http::verb::get, "/nowhere"), kAppOrigin));
  CHECK(missing.response.result() == http::status::not_found);
  CHECK(missing.response[http::field::access_control_allow_origin] == kAppOrigin);
}

TEST_CASE("other origins get no CORS headers, and their preflight the 405 there is without CORS", "[service][cors]") {
  World world = cors_world();
  const std::string token = access_token(world);
  const auto origin = GENERATE(as<std::string>{}, "https://evil.example", "https://app.example.com.evil.example",
                               "https://APP.example.com", "http://app.example.com", "https://app.example.com:443",
                               "https://app.example.com/", "null", "");
  INFO("Origin: " << origin);
  const auto preflight = send(world.service, preflight_request("/users/me", origin, "GET"));
  CHECK(preflight.response.result() == http::status::method_not_allowed);
  CHECK(preflight.response[http::field::allow] == "GET, HEAD");
  check_no_cors_headers(preflight.response);
  CHECK(preflight.response[http::field::vary] == "Origin");  // the answer still depends on Origin
  const auto me = send(world.service, from_origin(bearer_get("/users/me", token), origin));
  CHECK(me.response.result() == http::status::ok);
  check_no_cors_headers(me.response);
}

TEST_CASE("without CORS origins, OPTIONS is 405 and no response names CORS or Vary", "[service][cors]") {
  World world;
  const auto preflight = send(world.service, preflight_request("/users/me", kAppOrigin, "GET"));
  CHECK(preflight.response.result() == http::status::method_not_allowed);
  CHECK(preflight.response[http::field::allow] == "GET, HEAD");
  CHECK(body_of(preflight.response) == json{{"detail", "Method Not Allowed"}});
  check_no_cors_headers(preflight.response);
  CHECK(preflight.response.count(http::field::vary) == 0);
  SECTION("with an allowed origin's policy, OPTIONS that is not a preflight is 405 too") {
    World cors = cors_world();
    auto plain_options = make_request(http::verb::options, "/users/me");
    plain_options.set(http::field::origin, kAppOrigin);
    const auto answer = send(cors.service, std::move(plain_options));
    CHECK(answer.response.result() == http::status::method_not_allowed);
    CHECK(answer.response[http::field::access_control_allow_origin] == kAppOrigin);
    CHECK(answer.response.count(http::field::access_control_allow_methods) == 0);
  }
}

TEST_CASE("origin_problem accepts origins as browsers send them and nothing else", "[service][cors]") {
  for (const std::string ok : {"https://app.example.com", "http://localhost:5173", "http://127.0.0.1:8080",
                               "https://[2001:db8::1]", "https://[::1]:8443", "https://a-b.example"}) {
    INFO(ok);
    CHECK(origin_problem(ok).empty());
  }
  const auto [origin, reason] = GENERATE(table<std::string, std::string>({
      {"*", "\"*\" is not supported"},
      {"null", "\"null\" is not supported"},
      {"https://app.example.com/", "not an origin"},
      {"https://app.example.com/path", "not an origin"},
      {"https://App.example.com", "not an origin"},
      {"HTTPS://app.example.com", "not an origin"},
      {"ftp://app.example.com", "not an origin"},
      {"app.example.com", "not an origin"},
      {"https://", "not an origin"},
      {"https://app.example.com:", "not an origin"},
      {"https://app.example.com:0", "not an origin"},
      {"https://app.example.com:65536", "not an origin"},
      {"https://app.example.com:080", "not an origin"},
      {"https://user@app.example.com", "not an origin"},
      {"https://app.example.com?x", "not an origin"},
      {"https://[::1", "not an origin"},
      {"https://[]", "not an origin"},
      {"https://app.example.com ", "not an origin"},
  }));
  INFO(origin);
  CHECK(origin_problem(origin).rfind(reason, 0) == 0);
}

TEST_CASE("/livez is 200 without touching the store, /readyz needs the store and the keys", "[service][probes]") {
  bool keys_loaded = true;
  ServiceOptions options;
  options.keys_loaded = [&keys_loaded] { return keys_loaded; };
  World world([](std::function<void()> work) { work(); }, std::move(options));
  const auto ready = send(world.service, make_request(http::verb::get, "/readyz"));
  CHECK(ready.response.result() == http::status::ok);
  CHECK(body_of(ready.response) == json{{"status", "ok"}, {"checks", {{"store", "ok"}, {"keys", "ok"}}}});

  world.store.ping_error = authcore::ErrorCode::store_unavailable;
  const auto live = send(world.service, make_request(http::verb::get, "/livez"));
  CHECK(live.response.result() == http::status::ok);
  CHECK(body_of(live.response) == json{{"status", "ok"}});
  const auto no_store = send(world.service, make_request(http::verb::get, "/readyz"));
  CHECK(no_store.response.result() == http::status::service_unavailable);
  // The error code only: the store's message (host names) is not for probes.
  CHECK(body_of(no_store.response) ==
        json{{"detail", "not ready"}, {"checks", {{"store", "store_unavailable"}, {"keys", "ok"}}}});

  world.store.ping_error.reset();
  keys_loaded = false;
  const auto no_keys = send(world.service, make_request(http::verb::get, "/readyz"));
  CHECK(no_keys.response.result() == http::status::service_unavailable);
  CHECK(body_of(no_keys.response) ==
        json{{"detail", "not ready"}, {"checks", {{"store", "ok"}, {"keys", "not loaded"}}}});
  CHECK(send(world.service, make_request(http::verb::get, "/healthz")).response.result() == http::status::ok);
}
