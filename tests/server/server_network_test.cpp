// authcore-server's production flags for the network (docs/server.md):
// --trusted-proxy (the throttle keys on the forwarded client only behind a
// trusted proxy), --cors-origin over HTTP, /livez and /readyz, and the
// start-up refusals of bad --trusted-proxy, --cors-origin and --tls-* values.
// TLS itself is tested with real TLS clients in tls_test.py.
#include <string>
#include <vector>

#include "server/server_harness.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace authcore::test;
using nlohmann::json;

namespace {

const std::string kPassword = "correct horse battery";

HttpReply failed_login(const ServerProcess& server, const std::map<std::string, std::string>& headers) {
  // Each attempt names another (unknown) user, so the per-username throttle
  // never trips: what locks is the client's.
  return server.request("POST", "/token", "username=" + unique_name("nobody") + "&password=wrong", [&headers] {
    auto all = headers;
    all.emplace("Content-Type", "application/x-www-form-urlencoded");
    return all;
  }());
}

// Fails logins with `headers` until the throttle answers 429 (after five
// free failures, the sixth locks the client); returns that reply.
HttpReply fail_until_throttled(const ServerProcess& server, const std::map<std::string, std::string>& headers) {
  for (int attempt = 0; attempt < 12; ++attempt) {
    const auto reply = failed_login(server, headers);
    if (reply.status != 401) return reply;
  }
  FAIL("never throttled after 12 failed logins");
  return {};
}

HttpReply login(const ServerProcess& server, const std::string& username, const std::string& password,
                const std::map<std::string, std::string>& headers) {
  auto all = headers;
  all.emplace("Content-Type", "application/x-www-form-urlencoded");
  return server.request("POST", "/token", "username=" + username + "&password=" + password, all);
}

std::string signed_up(const ServerProcess& server) {
  const std::string username = unique_name("proxied");
  REQUIRE(server.post_json("/signup", {{"username", username}, {"password", kPassword}}).status == 201);
  return username;
}

}  // namespace

TEST_CASE("behind a trusted proxy, one forwarded client's failures never lock out another", "[server][proxy]") {
  const auto [name, header, client_a, client_b] = GENERATE(table<std::string, std::string, std::string, std::string>({
      {"Forwarded", "Forwarded", "for=192.0.2.10", "for=\"[2001:db8::b]:4711\""},
      {"Forwarded through two proxies", "Forwarded", "for=192.0.2.10, for=127.0.0.1", "for=192.0.2.11, for=127.0.0.1"},
      {"X-Forwarded-For", "X-Forwarded-For", "203.0.113.66, 192.0.2.10", "203.0.113.66, 192.0.2.11"},
  }));
  INFO(name);
  ServerProcess server(temporary_database(), {"--trusted-proxy", "127.0.0.1"});
  const std::string b_user = signed_up(server);

  const auto throttled = fail_until_throttled(server, {{header, client_a}});
  CHECK(throttled.status == 429);
  CHECK(throttled.json()["detail"] == "Too many failed logins");
  CHECK_FALSE(throttled.header("Retry-After").empty());
  // A is still locked (a throttled attempt costs no password hash, so this
  // is well inside the lock), while B, behind the same proxy, is not.
  CHECK(failed_login(server, {{header, client_a}}).status == 429);
  CHECK(login(server, b_user, "correct+horse+battery", {{header, client_b}}).status == 200);
  CHECK(login(server, b_user, "wrong", {{header, client_b}}).status == 401);
  CHECK(server.terminate() == 0);
}

TEST_CASE("without a trusted proxy, rotating X-Forwarded-For or Forwarded does not escape the throttle",
          "[server][proxy]") {
  // The peer (127.0.0.1) is the client; the headers are anyone's to forge.
  const auto flags = GENERATE(values<std::vector<std::string>>({
      {},                                 // no --trusted-proxy at all
      {"--trusted-proxy", "10.0.0.0/8"},  // proxies are trusted, but not loopback
  }));
  INFO(flags.size() << " flags");
  ServerProcess server(temporary_database(), flags);
  int forged = 0;
  const auto next_forgery = [&forged] {
    ++forged;
    const std::string address = "198.51.100." + std::to_string(forged);
    return forged % 2 ? std::map<std::string, std::string>{{"X-Forwarded-For", address}}
                      : std::map<std::string, std::string>{{"Forwarded", "for=" + address}};
  };
  HttpReply reply;
  while (forged < 12 && reply.status != 429) reply = failed_login(server, next_forgery());
  CHECK(reply.status == 429);
  CHECK(forged == 7);  // five free failures, a sixth that sets the lock, and the seventh refused
  for (int attempt = 0; attempt < 3; ++attempt) CHECK(failed_login(server, next_forgery()).status == 429);
  CHECK(server.terminate() == 0);
}

TEST_CASE("with --cors-origin, a browser's preflight is answered and responses are marked for that origin only",
          "[server][cors]") {
  ServerProcess server(temporary_database(),
                       {"--cors-origin", "http://localhost:5173", "--cors-origin", "https://app.example.com"});
  const auto preflight = server.request("OPTIONS", "/users/me", {},
                                        {{"Origin", "https://app.example.com"},
                                         {"Access-Control-Request-Method", "GET"},
                                         {"Access-Control-Request-Headers", "authorization"}});
  CHECK(preflight.status == 204);
  CHECK(preflight.header("Access-Control-Allow-Origin") == "https://app.example.com");
  CHECK(preflight.header("Access-Control-Allow-Methods") == "GET, HEAD");
  CHECK(preflight.header("Access-Control-Allow-Headers") == "Authorization, Content-Type");
  CHECK(preflight.header("Access-Control-Max-Age") == "600");
  CHECK(preflight.header("Vary") == "Origin");

  const auto other = server.request("OPTIONS", "/users/me", {},
                                    {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  CHECK(other.status == 405);
  CHECK(other.header("Access-Control-Allow-Origin").empty());
  const auto health = server.request("GET", "/healthz", {}, {{"Origin", "http://localhost:5173"}});
  CHECK(health.status == 200);
  CHECK(health.header("Access-Control-Allow-Origin") == "http://localhost:5173");
  CHECK(health.header("Access-Control-Expose-Headers") == "WWW-Authenticate, Retry-After");
  CHECK(server.terminate() == 0);
}

TEST_CASE("/livez and /readyz answer 200 while the store answers", "[server][probes]") {
  const Backend backend = GENERATE(from_range(backends()));
  INFO("backend " << backend.name);
  ServerProcess server(backend);
  const auto live = server.get("/livez");
  CHECK(live.status == 200);
  CHECK(live.json() == json{{"status", "ok"}});
  const auto ready = server.get("/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.json() == json{{"status", "ok"}, {"checks", {{"store", "ok"}, {"keys", "ok"}}}});
  CHECK(server.request("HEAD", "/readyz").status == 200);
  CHECK(server.terminate() == 0);
}

TEST_CASE("bad --trusted-proxy, --cors-origin and --tls-* values stop the server at start with exit 2",
          "[server][flags]") {
  static const TempFile not_pem("this is not a certificate\n");
  const auto [name, flags, message] = GENERATE(table<std::string, std::vector<std::string>, std::string>({
      {"a CIDR with host bits", {"--trusted-proxy", "10.0.0.1/8"}, "not an address or CIDR range"},
      {"a host name", {"--trusted-proxy", "proxy.internal"}, "not an address or CIDR range"},
      {"an IPv6 prefix over 128", {"--trusted-proxy", "2001:db8::/129"}, "not an address or CIDR range"},
      {"a wildcard origin", {"--cors-origin", "*"}, "\"*\" is not supported"},
      {"an origin with a path", {"--cors-origin", "https://app.example.com/"}, "not an origin as browsers send it"},
      {"a certificate without a key", {"--tls-cert", not_pem.path()}, "--tls-cert requires --tls-key"},
      {"a key without a certificate", {"--tls-key", not_pem.path()}, "--tls-key requires --tls-cert"},
      {"a missing certificate",
       {"--tls-cert", "/nonexistent/cert.pem", "--tls-key", not_pem.path()},
       "File does not exist"},
      {"a certificate that is not PEM",
       {"--tls-cert", not_pem.path(), "--tls-key", not_pem.path()},
       "error: tls: cannot use the certificate chain '" + not_pem.path() + "'"},
  }));
  INFO(name);
  // TEST-NET-1 (RFC 5737): were the flag accepted by mistake, the server
  // would fail to listen instead of serving forever.
  std::vector<std::string> argv{AUTHCORE_SERVER_BINARY, "--host", "192.0.2.1", "--port", "0", "--db",
                                temporary_database()};
  argv.insert(argv.end(), flags.begin(), flags.end());
  const auto result = run_process(argv);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find(message) != std::string::npos);
}
