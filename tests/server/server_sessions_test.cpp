// authcore-server's session routes over real HTTP (DESIGN §7): GET
// /sessions, DELETE /sessions/{id}, POST /logout?scope=..., and the flags
// --refresh-reuse-interval and --session-inactivity-timeout; on SQLite and,
// when the test PostgreSQL runs, on PostgreSQL. Every reply is recorded
// for check_replies.py, which validates it against /openapi.json.
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "server/server_harness.hpp"
#include "support/catch.hpp"

using namespace authcore::test;
using nlohmann::json;

namespace {

const std::string kPassword = "correct horse battery";

struct Login {
  std::string access_token;
  std::string refresh_token;
};

std::string signed_up(const ServerProcess& server, const std::string& prefix) {
  const std::string username = unique_name(prefix);
  REQUIRE(server.post_json("/signup", {{"username", username}, {"password", kPassword}}).status == 201);
  return username;
}

Login logged_in(const ServerProcess& server, const std::string& username, const std::string& user_agent) {
  const auto token =
      server.request("POST", "/token", "username=" + username + "&password=correct+horse+battery",
                     {{"Content-Type", "application/x-www-form-urlencoded"}, {"User-Agent", user_agent}});
  REQUIRE(token.status == 200);
  return Login{token.json()["access_token"], token.json()["refresh_token"]};
}

std::map<std::string, std::string> bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

void check_invalid_token(const HttpReply& reply) {
  CHECK(reply.status == 401);
  CHECK(reply.header("WWW-Authenticate") == R"(Bearer error="invalid_token")");
}

}  // namespace

TEST_CASE("GET /sessions lists the user's sessions, DELETE /sessions/{id} ends one of them", "[server][sessions]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);
  const std::string alice = signed_up(server, "alice");
  const Login phone = logged_in(server, alice, "phone-app/1.0");
  const Login browser = logged_in(server, alice, "browser/2.0");
  const Login bob = logged_in(server, signed_up(server, "bob"), "bob-agent");

  const auto listed = server.get("/sessions", browser.access_token);
  REQUIRE(listed.status == 200);
  const json sessions = listed.json();
  REQUIRE(sessions.size() == 2);
  std::string phone_id;
  for (const auto& session : sessions) {
    CHECK(session["client_address"] == "127.0.0.1");
    CHECK(session["expires_at"].get<std::int64_t>() > session["created_at"].get<std::int64_t>());
    if (session["user_agent"] == "phone-app/1.0") {
      CHECK_FALSE(session["current"].get<bool>());
      phone_id = session["id"];
    } else {
      CHECK(session["user_agent"] == "browser/2.0");
      CHECK(session["current"].get<bool>());
    }
  }
  REQUIRE_FALSE(phone_id.empty());

  const std::string bobs_id = server.get("/sessions", bob.access_token).json()[0]["id"];
  const auto foreign = server.request("DELETE", "/sessions/" + bobs_id, {}, bearer(browser.access_token));
  CHECK(foreign.status == 404);
  CHECK(foreign.json() == json{{"detail", "Session not found"}});
  CHECK(server.get("/users/me", bob.access_token).status == 200);
  const auto unknown = server.request("DELETE", "/sessions/no-such-session", {}, bearer(browser.access_token));
  CHECK(unknown.status == 404);
  CHECK(unknown.json() == json{{"detail", "Session not found"}});

  CHECK(server.request("DELETE", "/sessions/" + phone_id, {}, bearer(browser.access_token)).status == 204);
  check_invalid_token(server.get("/users/me", phone.access_token));
  check_invalid_token(server.post_json("/refresh", {{"refresh_token", phone.refresh_token}}));
  CHECK(server.get("/sessions", browser.access_token).json().size() == 1);
  check_invalid_token(server.get("/sessions", phone.access_token));
  CHECK(server.request("DELETE", "/sessions/" + phone_id).status == 401);
  CHECK(server.terminate() == 0);
}

TEST_CASE("POST /logout?scope= ends this session, the others, or all of them", "[server][sessions]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);
  const std::string alice = signed_up(server, "alice");
  const Login one = logged_in(server, alice, "a");
  const Login two = logged_in(server, alice, "b");
  const Login three = logged_in(server, alice, "c");

  const auto unknown = server.request("POST", "/logout?scope=everything", {}, bearer(one.access_token));
  CHECK(unknown.status == 400);
  CHECK(unknown.json() == json{{"detail", "scope must be local, others or global"}});
  CHECK(server.get("/users/me", one.access_token).status == 200);

  CHECK(server.request("POST", "/logout?scope=others", {}, bearer(one.access_token)).status == 204);
  CHECK(server.get("/users/me", one.access_token).status == 200);
  check_invalid_token(server.get("/users/me", two.access_token));
  check_invalid_token(server.get("/users/me", three.access_token));

  const Login four = logged_in(server, alice, "d");
  CHECK(server.request("POST", "/logout?scope=global", {}, bearer(four.access_token)).status == 204);
  check_invalid_token(server.get("/users/me", one.access_token));
  check_invalid_token(server.get("/users/me", four.access_token));

  const Login five = logged_in(server, alice, "e");
  const Login six = logged_in(server, alice, "f");
  CHECK(server.request("POST", "/logout?scope=local", {}, bearer(five.access_token)).status == 204);
  check_invalid_token(server.get("/users/me", five.access_token));
  CHECK(server.get("/users/me", six.access_token).status == 200);
  CHECK(server.terminate() == 0);
}

TEST_CASE("with a refresh reuse interval a retried refresh gets the same pair, without it the session dies",
          "[server][sessions]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  SECTION("with an interval of 10 s") {
    ServerProcess server(backend, {"--refresh-reuse-interval", "10"});
    const Login login = logged_in(server, signed_up(server, "alice"), "tab");
    const auto first = server.post_json("/refresh", {{"refresh_token", login.refresh_token}});
    REQUIRE(first.status == 200);
    const auto retried = server.post_json("/refresh", {{"refresh_token", login.refresh_token}});
    REQUIRE(retried.status == 200);
    CHECK(retried.json()["access_token"] == first.json()["access_token"]);
    CHECK(retried.json()["refresh_token"] == first.json()["refresh_token"]);
    CHECK(server.get("/users/me", first.json()["access_token"]).status == 200);
    CHECK(server.terminate() == 0);
  }
  SECTION("by default") {
    ServerProcess server(backend);
    const Login login = logged_in(server, signed_up(server, "alice"), "tab");
    const auto first = server.post_json("/refresh", {{"refresh_token", login.refresh_token}});
    REQUIRE(first.status == 200);
    check_invalid_token(server.post_json("/refresh", {{"refresh_token", login.refresh_token}}));
    check_invalid_token(server.get("/users/me", first.json()["access_token"]));
    CHECK(server.terminate() == 0);
  }
}

TEST_CASE("a session inactivity timeout ends a session that was not refreshed in time", "[server][sessions]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend, {"--session-inactivity-timeout", "1"});
  const Login login = logged_in(server, signed_up(server, "alice"), "idle");
  // Two whole seconds later the session has been idle for more than one.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  check_invalid_token(server.get("/users/me", login.access_token));
  check_invalid_token(server.post_json("/refresh", {{"refresh_token", login.refresh_token}}));
  CHECK(server.terminate() == 0);
}
