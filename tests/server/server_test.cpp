// authcore-server over real HTTP (DESIGN §7): every route, the FastAPI
// client's flow, hostile requests, refresh replay, logout, concurrency and
// shutdown; on SQLite and, when the test PostgreSQL runs, on PostgreSQL.
#include <ctime>
#include <fstream>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "authcore/dangerous.hpp"
#include "authcore/postgres_user_store.hpp"
#include "authcore/sqlite_user_store.hpp"
#include "server/server_harness.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace authcore::test;
using nlohmann::json;

namespace {

const std::string kPassword = "correct horse battery";

struct Account {
  std::string username;
  std::string access_token;
  std::string refresh_token;
};

Account signed_up_and_logged_in(const ServerProcess& server, const std::string& prefix = "user") {
  Account account{unique_name(prefix), {}, {}};
  const auto created = server.post_json("/signup", {{"username", account.username}, {"password", kPassword}});
  REQUIRE(created.status == 201);
  const auto token = server.post_form("/token", "username=" + account.username + "&password=correct+horse+battery");
  REQUIRE(token.status == 200);
  account.access_token = token.json()["access_token"];
  account.refresh_token = token.json()["refresh_token"];
  return account;
}

void check_invalid_token(const HttpReply& reply) {
  CHECK(reply.status == 401);
  CHECK(reply.header("WWW-Authenticate") == R"(Bearer error="invalid_token")");
  CHECK(reply.json()["detail"].is_string());
}

// GET /users/me with `access_token` until it is refused; a change made by
// another process must be seen within 100 ms (DESIGN §5, the store's change
// generation), on every backend. The first refusal's reply.
HttpReply first_refusal_within_100ms(const ServerProcess& server, const std::string& access_token) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    auto reply = server.get("/users/me", access_token);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (reply.status != 200) {
      INFO("refused after " << std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() << " us");
      CHECK(elapsed <= std::chrono::milliseconds(100));
      return reply;
    }
    REQUIRE(elapsed < std::chrono::seconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Runs `change` on the backend's database from a store of the test's own,
// as another process (authctl, an admin tool) would.
void with_store(const Backend& backend, const std::function<void(authcore::UserStore&)>& change) {
  if (backend.name == "sqlite") {
    auto store = authcore::SqliteUserStore::open(backend.db);
    REQUIRE(store);
    change(**store);
  } else {
    authcore::PostgresUserStoreOptions options;
    options.schema = backend.schema;
    auto store = authcore::PostgresUserStore::open(backend.db, options);
    REQUIRE(store);
    change(**store);
  }
}

void delete_user(const Backend& backend, const std::string& username) {
  with_store(backend, [&](authcore::UserStore& store) { REQUIRE(store.delete_user(username)); });
}

}  // namespace

TEST_CASE("every route works as the FastAPI tutorial's client expects", "[server]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);

  const std::string username = unique_name("alice");
  const std::string email = username + "@example.com";  // e-mail addresses are unique, and PostgreSQL is shared
  const auto created = server.post_json("/signup", {{"username", username}, {"password", kPassword}, {"email", email}});
  REQUIRE(created.status == 201);
  CHECK(created.json() == json{{"username", username}, {"email", email}});
  CHECK(created.header("Content-Type") == "application/json");

  // OAuth2 password grant, as FastAPI's OAuth2PasswordRequestForm takes it.
  const auto token =
      server.post_form("/token", "grant_type=password&username=" + username + "&password=correct+horse+battery&scope=");
  REQUIRE(token.status == 200);
  const json pair = token.json();
  CHECK(pair["token_type"] == "bearer");
  CHECK(pair["expires_in"] == 900);
  CHECK(pair["access_token"].is_string());
  CHECK(pair["refresh_token"].is_string());
  CHECK(pair["scope"] == "me");
  CHECK(token.header("Cache-Control") == "no-store");

  const auto login = server.post_json("/login", {{"username", username}, {"password", kPassword}});
  REQUIRE(login.status == 200);
  CHECK(login.json()["token_type"] == "bearer");

  const std::string access = pair["access_token"];
  const auto me = server.get("/users/me", access);
  REQUIRE(me.status == 200);
  CHECK(
      me.json() ==
      json{{"username", username}, {"email", email}, {"full_name", nullptr}, {"disabled", false}, {"roles", {"user"}}});
  CHECK(server.get("/me", access).json() == me.json());
  const auto hello = server.get("/protected", access);
  REQUIRE(hello.status == 200);
  CHECK(hello.json() == json{{"message", "Hello, " + username + "!"}});

  const auto refreshed = server.post_json("/refresh", {{"refresh_token", pair["refresh_token"]}});
  REQUIRE(refreshed.status == 200);
  const std::string new_access = refreshed.json()["access_token"];
  CHECK(server.get("/users/me", new_access).status == 200);

  const auto logout = server.request("POST", "/logout", {}, {{"Authorization", "Bearer " + new_access}});
  CHECK(logout.status == 204);
  CHECK(logout.body.empty());

  const auto health = server.get("/healthz");
  CHECK(health.status == 200);
  CHECK(health.json() == json{{"status", "ok"}});

  const auto no_email = unique_name("noemail");
  const auto created_without = server.post_json("/signup", {{"username", no_email}, {"password", kPassword}});
  REQUIRE(created_without.status == 201);
  CHECK(created_without.json()["email"].is_null());
  CHECK(server.terminate() == 0);
}

TEST_CASE("errors have the documented statuses and JSON details", "[server]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);
  const Account account = signed_up_and_logged_in(server);

  SECTION("credentials") {
    const auto wrong = server.post_form("/token", "username=" + account.username + "&password=wrong");
    CHECK(wrong.status == 401);
    CHECK(wrong.json() == json{{"detail", "Incorrect username or password"},
                               {"error", "invalid_grant"},
                               {"error_description", "Incorrect username or password"}});
    CHECK(wrong.header("WWW-Authenticate") == "Bearer");
    CHECK(wrong.header("Cache-Control") == "no-store");
    CHECK(server.post_form("/token", "username=nobody-here&password=x").status == 401);
    const auto wrong_json = server.post_json("/login", {{"username", account.username}, {"password", "wrong"}});
    CHECK(wrong_json.status == 401);
    CHECK(wrong_json.json() == json{{"detail", "Incorrect username or password"}});
    const auto taken = server.post_json("/signup", {{"username", account.username}, {"password", "other pw"}});
    CHECK(taken.status == 409);
    CHECK(taken.json()["detail"] == "Username already registered");
  }
  SECTION("bodies") {
    const std::map<std::string, std::string> as_json{{"Content-Type", "application/json"}};
    CHECK(server.request("POST", "/signup", "{not json", as_json).status == 400);
    CHECK(server.request("POST", "/signup", R"({"username":"a","password":"b"} trailing)", as_json).status == 400);
    CHECK(server.request("POST", "/signup", R"(["username","password"])", as_json).status == 422);
    CHECK(server.post_json("/signup", {{"username", "bob"}}).status == 422);                  // missing password
    CHECK(server.post_json("/signup", {{"username", 42}, {"password", "x"}}).status == 422);  // wrong type
    CHECK(server.post_json("/signup", {{"username", "bob_ok"}, {"password", "x"}, {"email", 5}}).status == 422);
    CHECK(server.post_json("/signup", {{"username", "b"}, {"password", "x"}}).status == 422);  // too short
    CHECK(server.post_json("/signup", {{"username", "bob_ok2"}, {"password", ""}}).status == 422);
    CHECK(server.post_json("/signup", {{"username", "bob_ok3"}, {"password", "x"}, {"email", "no"}}).status == 422);
    CHECK(
        server.request("POST", "/signup", R"({"username":"dup1","username":"dup2","password":"x"})", as_json).status ==
        422);
    CHECK(server.request("POST", "/signup", R"({"username":"bob","password":"x"})", {{"Content-Type", "text/plain"}})
              .status == 415);
    CHECK(server.request("POST", "/signup", R"({"username":"bob","password":"x"})").status == 415);
    CHECK(server.post_json("/refresh", {{"token", "x"}}).status == 422);
    CHECK(server.post_json("/refresh", {{"refresh_token", 7}}).status == 422);
    const auto missing = server.post_json("/login", {{"username", "bob"}});
    CHECK(missing.status == 422);
    CHECK(missing.json() ==
          json{{"detail", {{{"loc", {"body", "password"}}, {"msg", "Field required"}, {"type", "missing"}}}}});
  }
  SECTION("the OAuth2 endpoints' malformed requests are RFC 6749 §5.2 invalid_request") {
    const std::map<std::string, std::string> as_json{{"Content-Type", "application/json"}};
    const std::pair<std::string, HttpReply> refused[] = {
        {"wrong media type", server.request("POST", "/token", "username=a&password=b", as_json)},
        {"bad percent-encoding", server.post_form("/token", "username=a&password=%zz")},
        {"truncated percent-encoding", server.post_form("/token", "username=a&password=%4")},
        {"repeated field", server.post_form("/token", "username=a&username=b&password=c")},
        {"repeated grant_type", server.post_form("/token", "grant_type=password&grant_type=password&username=a")},
        {"no username", server.post_form("/token", "password=c")},
        {"no password", server.post_form("/token", "grant_type=password&username=a")},
        {"no refresh_token", server.post_form("/token", "grant_type=refresh_token&scope=me")},
        {"revoke without token", server.post_form("/revoke", "token_type_hint=refresh_token")},
        {"revoke with two tokens", server.post_form("/revoke", "token=a&token=b")},
        {"revoke as JSON", server.request("POST", "/revoke", R"({"token":"a"})", as_json)},
    };
    for (const auto& [what, reply] : refused) {
      INFO(what);
      CHECK(reply.status == 400);
      CHECK(reply.json()["error"] == "invalid_request");
      CHECK(reply.json()["error_description"] == reply.json()["detail"]);
      CHECK(reply.header("Cache-Control") == "no-store");
      CHECK(reply.header("Pragma") == "no-cache");
    }
    for (const std::string grant : {"client_credentials", "authorization_code", "", "PASSWORD"}) {
      INFO("grant_type=" << grant);
      const auto unsupported = server.post_form("/token", "grant_type=" + grant + "&username=a&password=b");
      CHECK(unsupported.status == 400);
      CHECK(unsupported.json()["error"] == "unsupported_grant_type");
    }
    // error_description keeps to RFC 6749 §5.2's characters, whatever the client sent.
    const auto odd = server.post_form("/token", "%22%5C%C3%A9=1&%22%5C%C3%A9=2");
    CHECK(odd.json()["error_description"] == "????: the form field is given more than once");
  }
  SECTION("sizes") {
    const auto oversize = server.post_json("/signup", {{"username", "big"}, {"password", std::string(70'000, 'x')}});
    CHECK(oversize.status == 413);
    CHECK(oversize.json()["detail"].is_string());
    const auto big_header = server.request("GET", "/healthz", {}, {{"X-Padding", std::string(10 * 1024, 'h')}});
    CHECK(big_header.status == 431);
    CHECK(big_header.json()["detail"].is_string());
    CHECK(server.raw("NOT HTTP AT ALL\r\n\r\n").status == 400);
  }
  SECTION("routes and methods") {
    const auto missing = server.get("/nope");
    CHECK(missing.status == 404);
    CHECK(missing.json() == json{{"detail", "Not Found"}});
    const auto wrong_method = server.request("DELETE", "/users/me");
    CHECK(wrong_method.status == 405);
    CHECK(wrong_method.header("Allow") == "GET, HEAD");  // HEAD is served wherever GET is
    CHECK(server.request("GET", "/token").header("Allow") == "POST");
    const auto slash = server.get("/users/me/?x=1");
    CHECK(slash.status == 307);
    CHECK(slash.header("Location") == "/users/me?x=1");
    CHECK(server.get("/nope/").status == 404);
    CHECK(server.get("/healthz?verbose=1").status == 200);
    const auto head = server.request("HEAD", "/healthz");
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(head.header("Content-Length") == std::to_string(server.get("/healthz").body.size()));
    const auto head_of_post = server.request("HEAD", "/token");
    CHECK(head_of_post.status == 405);
    CHECK(head_of_post.header("Allow") == "POST");
  }
  SECTION("bearer schemes") {
    CHECK(server.request("GET", "/users/me", {}, {{"Authorization", "bearer " + account.access_token}}).status == 200);
    CHECK(server.request("GET", "/users/me", {}, {{"Authorization", "BEARER  " + account.access_token}}).status == 200);
    const auto none = server.get("/users/me");
    CHECK(none.status == 401);
    CHECK(none.header("WWW-Authenticate") == "Bearer");
    const std::string not_bearer[] = {"Basic " + account.access_token,
                                      "Bearer",
                                      "Bearer ",
                                      "Token " + account.access_token,
                                      account.access_token,
                                      "Bearer " + account.access_token + " extra",
                                      "Bearer \"" + account.access_token + "\""};
    for (const auto& authorization : not_bearer) {
      INFO(authorization);
      const auto reply = server.request("GET", "/users/me", {}, {{"Authorization", authorization}});
      CHECK(reply.status == 401);
      CHECK(reply.header("WWW-Authenticate") == "Bearer");
    }
    check_invalid_token(server.get("/users/me", "not.a.token"));
    check_invalid_token(server.get("/users/me", account.access_token + "x"));
    check_invalid_token(server.get("/protected", account.refresh_token));  // a refresh token is not an access token
    check_invalid_token(server.post_json("/refresh", {{"refresh_token", account.access_token}}));
  }
  CHECK(server.terminate() == 0);
}

TEST_CASE("refresh replay revokes the session, logout stops both tokens", "[server]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);

  SECTION("replay") {
    const Account account = signed_up_and_logged_in(server);
    const auto first = server.post_json("/refresh", {{"refresh_token", account.refresh_token}});
    REQUIRE(first.status == 200);
    check_invalid_token(server.post_json("/refresh", {{"refresh_token", account.refresh_token}}));
    check_invalid_token(server.post_json("/refresh", {{"refresh_token", first.json()["refresh_token"]}}));
    check_invalid_token(server.get("/users/me", first.json()["access_token"]));
    check_invalid_token(server.get("/users/me", account.access_token));
  }
  SECTION("logout") {
    const Account account = signed_up_and_logged_in(server);
    REQUIRE(server.request("POST", "/logout", {}, {{"Authorization", "Bearer " + account.access_token}}).status == 204);
    check_invalid_token(server.get("/users/me", account.access_token));
    check_invalid_token(server.post_json("/refresh", {{"refresh_token", account.refresh_token}}));
    check_invalid_token(server.request("POST", "/logout", {}, {{"Authorization", "Bearer " + account.access_token}}));
  }
  SECTION("deleted user") {
    const Account account = signed_up_and_logged_in(server);
    delete_user(backend, account.username);
    check_invalid_token(server.get("/users/me", account.access_token));
    check_invalid_token(server.post_json("/refresh", {{"refresh_token", account.refresh_token}}));
  }
  CHECK(server.terminate() == 0);
}

TEST_CASE("the token endpoint's refresh grant rotates as /refresh does (RFC 6749 §6)", "[server]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);
  const Account account = signed_up_and_logged_in(server);

  const auto rotated =
      server.post_form("/token", "grant_type=refresh_token&refresh_token=" + account.refresh_token + "&scope=");
  REQUIRE(rotated.status == 200);
  CHECK(rotated.header("Cache-Control") == "no-store");
  CHECK(rotated.header("Pragma") == "no-cache");
  CHECK(rotated.json()["token_type"] == "bearer");
  CHECK(rotated.json()["refresh_token"] != account.refresh_token);
  CHECK(server.get("/users/me", rotated.json()["access_token"]).status == 200);

  // The spent one again: invalid_grant, and the whole session is revoked.
  const auto replayed = server.post_form("/token", "grant_type=refresh_token&refresh_token=" + account.refresh_token);
  CHECK(replayed.status == 400);
  CHECK(replayed.json()["error"] == "invalid_grant");
  CHECK(replayed.json()["detail"].is_string());
  CHECK(replayed.header("WWW-Authenticate").empty());
  check_invalid_token(server.get("/users/me", rotated.json()["access_token"]));
  const auto successor = server.post_form(
      "/token", "grant_type=refresh_token&refresh_token=" + rotated.json()["refresh_token"].get<std::string>());
  CHECK(successor.status == 400);
  CHECK(successor.json()["error"] == "invalid_grant");

  for (const std::string& bad : {std::string("garbage"), account.access_token}) {
    const auto refused = server.post_form("/token", "grant_type=refresh_token&refresh_token=" + bad);
    CHECK(refused.status == 400);
    CHECK(refused.json()["error"] == "invalid_grant");
  }
  CHECK(server.terminate() == 0);
}

TEST_CASE("/revoke ends the session of an access or refresh token, and answers 200 to any token (RFC 7009)",
          "[server]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);

  SECTION("a refresh token, with its hint") {
    const Account account = signed_up_and_logged_in(server);
    const auto revoked =
        server.post_form("/revoke", "token=" + account.refresh_token + "&token_type_hint=refresh_token");
    CHECK(revoked.status == 200);
    CHECK(revoked.body.empty());
    check_invalid_token(server.get("/users/me", account.access_token));
    check_invalid_token(server.post_json("/refresh", {{"refresh_token", account.refresh_token}}));
  }
  SECTION("an access token, with a wrong hint (the token says what it is)") {
    const Account account = signed_up_and_logged_in(server);
    CHECK(server.post_form("/revoke", "token=" + account.access_token + "&token_type_hint=refresh_token").status ==
          200);
    check_invalid_token(server.get("/users/me", account.access_token));
    check_invalid_token(server.post_json("/refresh", {{"refresh_token", account.refresh_token}}));
  }
  SECTION("tokens that are not valid, and an already revoked one") {
    const Account account = signed_up_and_logged_in(server);
    for (const std::string& token :
         {std::string("garbage"), std::string(), account.access_token + "x", std::string(9000, 'a')}) {
      CHECK(server.post_form("/revoke", "token=" + token + "&token_type_hint=unknown_kind").status == 200);
    }
    CHECK(server.get("/users/me", account.access_token).status == 200);  // none of them touched the session
    CHECK(server.post_form("/revoke", "token=" + account.access_token).status == 200);
    CHECK(server.post_form("/revoke", "token=" + account.access_token).status == 200);
  }
  CHECK(server.terminate() == 0);
}

TEST_CASE("the docs routes go with --no-docs, and a bad --docs-assets stops the start", "[server]") {
  {
    ServerProcess server(temporary_database());
    CHECK(server.get("/openapi.json").json()["openapi"] == "3.1.0");
    CHECK(server.get("/docs").header("Content-Type") == "text/html; charset=utf-8");
  }
  {
    ServerProcess server(temporary_database(), {"--no-docs"});
    CHECK(server.get("/openapi.json").status == 404);
    CHECK(server.get("/docs").status == 404);
    CHECK(server.get("/healthz").status == 200);
  }
  const std::string empty = temporary_database();  // a path in a fresh, empty directory
  const std::string directory = empty.substr(0, empty.rfind('/'));
  CHECK_THROWS_WITH(ServerProcess(temporary_database(), {"--docs-assets", directory}),
                    Catch::Contains("did not start"));
}

TEST_CASE("an expired access token is refused", "[server]") {
  ServerProcess server(temporary_database(), {"--access-ttl", "1"});
  const Account account = signed_up_and_logged_in(server);
  CHECK(server.get("/users/me", account.access_token).status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  check_invalid_token(server.get("/users/me", account.access_token));
  const auto refreshed = server.post_json("/refresh", {{"refresh_token", account.refresh_token}});
  REQUIRE(refreshed.status == 200);  // the refresh token lives on
  CHECK(server.get("/users/me", refreshed.json()["access_token"]).status == 200);
}

TEST_CASE("flags can come from a --config file, the command line wins", "[server]") {
  const std::string db = temporary_database();
  const std::string config = db + ".toml";
  {
    std::ofstream out(config);
    out << "# authcore-server settings\naccess-ttl = 60\nrefresh-ttl = 3600\n";
  }
  ServerProcess server(db, {"--config", config, "--access-ttl", "120"});
  const Account account = signed_up_and_logged_in(server);
  const auto token = server.post_form("/token", "username=" + account.username + "&password=correct+horse+battery");
  REQUIRE(token.status == 200);
  CHECK(token.json()["expires_in"] == 120);
  const auto refreshed = server.post_json("/refresh", {{"refresh_token", token.json()["refresh_token"]}});
  REQUIRE(refreshed.status == 200);
  CHECK(refreshed.json()["expires_in"] == 120);  // within the session's 3600 s from the file

  std::ofstream(config) << "no-such-flag = 1\n";
  const auto refused = authcore::test::run_process({AUTHCORE_SERVER_BINARY, "--config", config, "--port", "0"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("no-such-flag") != std::string::npos);
}

TEST_CASE("50 concurrent signups of one username create it exactly once", "[server]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);
  const std::string username = unique_name("racer");
  std::vector<std::future<int>> statuses;
  for (int i = 0; i < 50; ++i) {
    statuses.push_back(std::async(std::launch::async, [&server, &username, i] {
      return server.post_json("/signup", {{"username", username}, {"password", "pw-" + std::to_string(i)}}).status;
    }));
  }
  int created = 0, conflicts = 0, busy = 0;
  for (auto& status : statuses) {
    const int code = status.get();
    created += code == 201;
    conflicts += code == 409;
    busy += code == 503;  // the HashGate's queue may be full: refused, nothing created
  }
  CHECK(created == 1);
  CHECK(created + conflicts + busy == 50);
  CHECK(server.terminate() == 0);
}

TEST_CASE("SIGTERM lets the request in flight finish and exits 0", "[server]") {
  ServerProcess server(temporary_database());
  const std::string username = unique_name("late");
  REQUIRE(server.post_json("/signup", {{"username", username}, {"password", kPassword}}).status == 201);
  // A login takes an Argon2id hash (tens of milliseconds): signal during it.
  auto login = std::async(std::launch::async, [&] {
    return server.post_json("/login", {{"username", username}, {"password", kPassword}});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const int exit_code = server.terminate();
  CHECK(login.get().status == 200);
  CHECK(exit_code == 0);
}

TEST_CASE("two instances on one PostgreSQL share sessions", "[server][postgres]") {
  const auto all = backends();
  if (all.size() < 2) return;  // backends() warned or failed already
  const std::string url = all[1].db;
  ServerProcess a(url), b(url);
  const Account account = signed_up_and_logged_in(a);

  SECTION("rotate on A, replay on B: refused, and the session is dead on both") {
    const auto rotated = a.post_json("/refresh", {{"refresh_token", account.refresh_token}});
    REQUIRE(rotated.status == 200);
    check_invalid_token(b.post_json("/refresh", {{"refresh_token", account.refresh_token}}));
    check_invalid_token(a.post_json("/refresh", {{"refresh_token", rotated.json()["refresh_token"]}}));
    check_invalid_token(b.post_json("/refresh", {{"refresh_token", rotated.json()["refresh_token"]}}));
  }
  SECTION("logout on A: B refuses the access token within the staleness (1 s)") {
    REQUIRE(b.get("/users/me", account.access_token).status == 200);
    REQUIRE(a.request("POST", "/logout", {}, {{"Authorization", "Bearer " + account.access_token}}).status == 204);
    check_invalid_token(a.get("/users/me", account.access_token));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    int status = 200;
    while (status == 200 && std::chrono::steady_clock::now() < deadline) {
      status = b.get("/users/me", account.access_token).status;
      if (status == 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(status == 401);
  }
}

TEST_CASE("a FastAPI tutorial user and token carry over", "[server][migration]") {
  const std::string db = temporary_database();
  // The tutorial's sample user: passlib bcrypt of "secret".
  const std::string tutorial_hash = "$2b$12$EixZaYVK1fsbw1ZfbX3OXePaWxn96p36WQoeG6Lruj3vjPGga31lW";
  {
    auto store = authcore::SqliteUserStore::open(db);
    REQUIRE(store);
    REQUIRE((*store)->create_user({"johndoe", tutorial_hash, std::string("johndoe@example.com"), 0}));
  }
  // What the tutorial's create_access_token() makes with PyJWT and the same key.
  const std::string legacy_token = forge(R"({"alg":"HS256","typ":"JWT"})",
                                         R"({"sub":"johndoe","exp":)" + std::to_string(std::time(nullptr) + 600) + "}");

  {
    ServerProcess server(db);
    const auto token = server.post_form("/token", "username=johndoe&password=secret");
    REQUIRE(token.status == 200);
    CHECK(server.get("/users/me", token.json()["access_token"]).json()["username"] == "johndoe");
    check_invalid_token(server.get("/users/me", legacy_token));  // no session id: refused by default
    CHECK(server.terminate() == 0);
  }
  auto store = authcore::SqliteUserStore::open(db);
  REQUIRE(store);
  CHECK((*store)->find_user("johndoe")->password_hash.rfind("$argon2id$", 0) == 0);  // upgraded on login

  ServerProcess migrating(db, {"--accept-legacy-tokens"});
  const auto me = migrating.get("/users/me", legacy_token);
  REQUIRE(me.status == 200);
  CHECK(me.json()["email"] == "johndoe@example.com");
  CHECK(migrating.post_form("/token", "username=johndoe&password=secret").status == 200);  // still "secret"
}

namespace {

Account logged_in(const ServerProcess& server, const std::string& login, const std::string& form_extra = {}) {
  const auto token = server.post_form("/token", "username=" + login + "&password=correct+horse+battery" + form_extra);
  REQUIRE(token.status == 200);
  return Account{login, token.json()["access_token"], token.json()["refresh_token"]};
}

void check_not_enough_permissions(const HttpReply& reply, const std::string& scope) {
  CHECK(reply.status == 403);
  CHECK(reply.header("WWW-Authenticate") == R"(Bearer error="insufficient_scope", scope=")" + scope + "\"");
  CHECK(reply.json() == json{{"detail", "Not enough permissions"}});
}

// The session id inside one of the server's tokens.
std::string session_id_of(const std::string& token) {
  return json::parse(authcore::dangerous::decode_unverified(token).value().payload)["sid"];
}

}  // namespace

TEST_CASE("accounts over HTTP: e-mail logins, taken addresses, disabled users", "[server]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);
  const std::string username = unique_name("mail");
  const std::string email = username + "@Example.com";
  REQUIRE(server.post_json("/signup", {{"username", username}, {"password", kPassword}, {"email", email}}).status ==
          201);

  SECTION("a taken e-mail address is 409, in any case") {
    const auto taken = server.post_json(
        "/signup", {{"username", unique_name("other")}, {"password", kPassword}, {"email", username + "@EXAMPLE.com"}});
    CHECK(taken.status == 409);
    CHECK(taken.json() == json{{"detail", "Email already registered"}});
    const auto taken_name = server.post_json("/signup", {{"username", username}, {"password", kPassword}});
    CHECK(taken_name.json() == json{{"detail", "Username already registered"}});
  }
  SECTION("login by e-mail address, any case, and a username that is an address") {
    const Account by_email = logged_in(server, username + "%40example.COM");
    CHECK(server.get("/users/me", by_email.access_token).json()["username"] == username);
    const std::string address = unique_name("addr") + "@example.org";
    const auto created = server.post_json("/signup", {{"username", address}, {"password", kPassword}});
    REQUIRE(created.status == 201);
    CHECK(created.json() == json{{"username", address}, {"email", address}});
    const auto login = server.post_json("/login", {{"username", address}, {"password", kPassword}});
    REQUIRE(login.status == 200);
    CHECK(server.get("/users/me", login.json()["access_token"]).json()["email"] == address);
  }
  SECTION("a disabled user: 400 Inactive user for the right password, 401 for a wrong one, tokens refused") {
    const Account account = logged_in(server, username);
    with_store(backend, [&](authcore::UserStore& store) { REQUIRE(store.set_disabled(username, true)); });
    const auto inactive = server.post_form("/token", "username=" + username + "&password=correct+horse+battery");
    CHECK(inactive.status == 400);
    CHECK(inactive.json() ==
          json{{"detail", "Inactive user"}, {"error", "invalid_grant"}, {"error_description", "Inactive user"}});
    const auto wrong = server.post_form("/token", "username=" + username + "&password=wrong");
    CHECK(wrong.status == 401);
    CHECK(wrong.json() == json{{"detail", "Incorrect username or password"},
                               {"error", "invalid_grant"},
                               {"error_description", "Incorrect username or password"}});
    // Disabling revoked the sessions, and the server hears of it.
    check_invalid_token(first_refusal_within_100ms(server, account.access_token));
    check_invalid_token(server.get("/protected", account.access_token));
    check_invalid_token(server.post_json("/refresh", {{"refresh_token", account.refresh_token}}));
    with_store(backend, [&](authcore::UserStore& store) { REQUIRE(store.set_disabled(username, false)); });
    CHECK(server.post_form("/token", "username=" + username + "&password=correct+horse+battery").status == 200);
  }
  CHECK(server.terminate() == 0);
}

TEST_CASE("scopes over HTTP: /users/me needs me, /admin/users needs admin, 403 names the scope", "[server]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);
  const Account user = signed_up_and_logged_in(server, "plain");
  const Account admin_account = signed_up_and_logged_in(server, "boss");
  with_store(backend, [&](authcore::UserStore& store) {
    REQUIRE(store.set_roles(admin_account.username, {"admin", "user"}));
  });
  const Account admin = logged_in(server, admin_account.username);

  check_not_enough_permissions(server.get("/admin/users", user.access_token), "admin");
  check_invalid_token(server.get("/admin/users", "not.a.token"));
  CHECK(server.get("/admin/users").status == 401);

  const auto listed = server.get("/admin/users", admin.access_token);
  REQUIRE(listed.status == 200);
  REQUIRE(listed.json().is_array());
  int found = 0;
  for (const auto& entry : listed.json()) {
    if (entry["username"] == user.username) {
      CHECK(entry == json{{"username", user.username},
                          {"email", nullptr},
                          {"full_name", nullptr},
                          {"disabled", false},
                          {"roles", {"user"}}});
      ++found;
    }
    if (entry["username"] == admin.username) {
      CHECK(entry["roles"] == json{"admin", "user"});
      ++found;
    }
  }
  CHECK(found == 2);

  // A token granted no `me` (asked only for admin, which a plain user lacks).
  const auto narrow =
      server.post_form("/token", "username=" + user.username + "&password=correct+horse+battery&scope=admin");
  REQUIRE(narrow.status == 200);
  CHECK(narrow.json()["scope"] == "");
  check_not_enough_permissions(server.get("/users/me", narrow.json()["access_token"]), "me");
  CHECK(server.get("/protected", narrow.json()["access_token"]).status == 200);  // needs no scope

  // The admin narrows a refresh to me: no admin on that pair.
  const auto refreshed = server.post_json("/refresh", {{"refresh_token", admin.refresh_token}, {"scope", "me"}});
  REQUIRE(refreshed.status == 200);
  CHECK(refreshed.json()["scope"] == "me");
  check_not_enough_permissions(server.get("/admin/users", refreshed.json()["access_token"]), "admin");
  CHECK(server.post_json("/refresh", {{"refresh_token", refreshed.json()["refresh_token"]}}).json()["scope"] ==
        "admin me");
  CHECK(server.post_json("/refresh", {{"refresh_token", "x"}, {"scope", 5}}).status == 422);
  CHECK(server.terminate() == 0);
}

TEST_CASE("the flag --role-scopes replaces a role's scopes", "[server]") {
  ServerProcess server(temporary_database(), {"--role-scopes", "user=me,orders:read", "--role-scopes", "admin="});
  const Account account = signed_up_and_logged_in(server);
  const auto token = server.post_form("/token", "username=" + account.username + "&password=correct+horse+battery");
  CHECK(token.json()["scope"] == "me orders:read");
  CHECK(server.terminate() == 0);

  for (const std::string& bad : std::vector<std::string>{"user", "=me", "user=two words"}) {
    INFO("--role-scopes " << bad);
    const auto refused =
        run_process({AUTHCORE_SERVER_BINARY, "--port", "0", "--db", temporary_database(), "--role-scopes", bad});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("error: start: ") != std::string::npos);
    CHECK(refused.err.find("scope") != std::string::npos);
  }
}

TEST_CASE("a token carrying another user's live session is refused on every route", "[server]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);
  const Account alice = signed_up_and_logged_in(server, "victim");
  const Account bob = signed_up_and_logged_in(server, "forger");
  const std::string sid = session_id_of(alice.access_token);
  const std::string live_jti =
      json::parse(authcore::dangerous::decode_unverified(alice.refresh_token).value().payload)["jti"];
  const auto now = std::to_string(std::time(nullptr));
  const auto forge_for = [&](const std::string& subject, const char* type, const std::string& jti) {
    return forge(std::string(R"({"alg":"HS256","typ":")") + type + "\"}",
                 R"({"sub":")" + subject + R"(","sid":")" + sid + R"(","jti":")" + jti +
                     R"(","scope":"me admin","iat":)" + now + R"(,"exp":)" + now + "0}");
  };
  for (const std::string& subject : std::vector<std::string>{bob.username, "nobody-at-all"}) {
    INFO("sub " << subject);
    const std::string access = forge_for(subject, "at+jwt", "a1");
    check_invalid_token(server.get("/protected", access));
    check_invalid_token(server.get("/users/me", access));
    check_invalid_token(server.get("/admin/users", access));
    check_invalid_token(server.post_json("/refresh", {{"refresh_token", forge_for(subject, "rt+jwt", live_jti)}}));
    check_invalid_token(server.request("POST", "/logout", {}, {{"Authorization", "Bearer " + access}}));
  }
  // Alice's session is intact: the forged refresh token spent nothing.
  CHECK(server.get("/users/me", alice.access_token).status == 200);
  CHECK(server.post_json("/refresh", {{"refresh_token", alice.refresh_token}}).status == 200);
  CHECK(server.terminate() == 0);
}

TEST_CASE("authctl disables a user while the server runs on the same SQLite file", "[server][authctl]") {
  const std::string db = temporary_database();
  ServerProcess server(db);
  const Account account = signed_up_and_logged_in(server, "cli");
  REQUIRE(server.get("/users/me", account.access_token).status == 200);
  const auto disabled = run_process({AUTHCTL_BINARY, "--db", db, "user", "disable", account.username});
  INFO(disabled.err);
  REQUIRE(disabled.exit_code == 0);
  check_invalid_token(first_refusal_within_100ms(server, account.access_token));
  const auto inactive = server.post_form("/token", "username=" + account.username + "&password=correct+horse+battery");
  CHECK(inactive.json() ==
        json{{"detail", "Inactive user"}, {"error", "invalid_grant"}, {"error_description", "Inactive user"}});
  const auto listed = run_process({AUTHCTL_BINARY, "--db", db, "user", "show", account.username});
  REQUIRE(listed.exit_code == 0);
  CHECK(json::parse(listed.out)["disabled"] == true);
  REQUIRE(run_process({AUTHCTL_BINARY, "user", "enable", account.username, "--db", db}).exit_code == 0);
  const auto again = server.post_form("/token", "username=" + account.username + "&password=correct+horse+battery");
  REQUIRE(again.status == 200);

  // /users/me's body is cached too, until the store hears of a change.
  const std::string access = again.json()["access_token"];
  REQUIRE(server.get("/users/me", access).json()["roles"] == json::array({"user"}));
  REQUIRE(run_process({AUTHCTL_BINARY, "--db", db, "user", "set-roles", account.username, "user,staff"}).exit_code ==
          0);
  const auto start = std::chrono::steady_clock::now();
  json roles;
  while ((roles = server.get("/users/me", access).json()["roles"]) == json::array({"user"})) {
    REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(std::chrono::steady_clock::now() - start <= std::chrono::milliseconds(100));
  CHECK(roles == json::array({"staff", "user"}));
  CHECK(server.terminate() == 0);
}
