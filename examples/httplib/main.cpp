// authcore in a cpp-httplib service: sign-up, login, refresh, logout and
// /users/me, as in FastAPI's "OAuth2 password + JWT" tutorial. Usage:
// authcore-httplib [PORT]. Users and key live in memory, for the process.
#include <httplib.h>
#include <authcore/authcore.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

using nlohmann::json;

namespace {

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

// [refuse]
void refuse(httplib::Response& res, const authcore::BearerRefusal& refusal) {
  if (!refusal.challenge.empty()) res.set_header("WWW-Authenticate", refusal.challenge);
  send_json(res, refusal.status, {{"detail", refusal.detail}});
}
// [refuse]

void fail(httplib::Response& res, const authcore::Error& error) {
  if (error.retry_after.count() > 0) res.set_header("Retry-After", std::to_string(error.retry_after.count()));
  if (const auto challenge = authcore::challenge(error); !challenge.empty())
    res.set_header("WWW-Authenticate", challenge);
  send_json(res, authcore::http_status(error.code), {{"detail", error.message}});
}

void send_tokens(httplib::Response& res, const authcore::TokenPair& pair) {
  res.set_header("Cache-Control", "no-store");  // RFC 6749 §5.1
  send_json(res, 200,
            {{"access_token", pair.access_token},
             {"token_type", "bearer"},
             {"refresh_token", pair.refresh_token},
             {"expires_in", pair.expires_in.count()},
             {"scope", pair.scope}});
}

// A string member of the JSON body, or "" (which authcore then refuses).
std::string member(const httplib::Request& req, const char* name) {
  const auto body = json::parse(req.body, nullptr, false);
  const auto found = body.is_object() ? body.find(name) : body.end();
  return found != body.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

int main(int argc, char** argv) {
  // [setup]
  authcore::InMemoryUserStore store;  // PostgresUserStore for many instances
  authcore::Authenticator auth(store, authcore::HmacKey::generate());
  httplib::Server server;
  server.set_tcp_nodelay(true);  // small replies go out at once (no Nagle delay)
  // [setup]

  server.Post("/signup", [&](const httplib::Request& req, httplib::Response& res) {
    const auto user = auth.signup(member(req, "username"), member(req, "password"));
    user ? send_json(res, 201, authcore::profile_json(*user)) : fail(res, user.error());
  });
  // [login]
  server.Post("/token", [&](const httplib::Request& req, httplib::Response& res) {
    // The OAuth2 password form (RFC 6749 §4.3.2); login() waits for the HashGate.
    const auto pair = auth.login(req.get_param_value("username"), req.get_param_value("password"), req.remote_addr,
                                 authcore::parse_scope(req.get_param_value("scope")));
    pair ? send_tokens(res, *pair) : fail(res, pair.error());
  });
  // [login]
  server.Post("/refresh", [&](const httplib::Request& req, httplib::Response& res) {
    const auto pair = auth.refresh(member(req, "refresh_token"), req.remote_addr);
    pair ? send_tokens(res, *pair) : fail(res, pair.error());
  });
  // [protect]
  server.Get("/users/me", [&](const httplib::Request& req, httplib::Response& res) {
    const auto request = authcore::authenticate_header(auth, req.get_header_value("Authorization"), {"me"});
    if (!request) return refuse(res, request.refusal());
    const auto user = store.find_user(*request->subject());
    user ? send_json(res, 200, authcore::profile_json(*user)) : fail(res, user.error());
  });
  // [protect]
  server.Post("/logout", [&](const httplib::Request& req, httplib::Response& res) {
    const auto header = req.get_header_value("Authorization");
    if (const auto who = authcore::authenticate_header(auth, header); !who) return refuse(res, who.refusal());
    const auto ended = auth.logout(authcore::bearer_token(header).token, req.remote_addr);
    ended ? void(res.status = 204) : fail(res, ended.error());
  });

  const int port = argc > 1 ? std::atoi(argv[1]) : 8000;  // 0: any free port
  const int bound = port ? (server.bind_to_port("127.0.0.1", port) ? port : -1) : server.bind_to_any_port("127.0.0.1");
  if (bound < 0) return std::cerr << "cannot listen on port " << port << '\n', EXIT_FAILURE;
  std::cout << "listening on http://127.0.0.1:" << bound << std::endl;  // the test waits for this line
  return server.listen_after_bind() ? EXIT_SUCCESS : EXIT_FAILURE;
}
