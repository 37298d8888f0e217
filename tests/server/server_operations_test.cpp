// authcore-server's operations (docs/operations.md): key rotation by SIGHUP
// on a running server, the background session purge, the audit log and its
// rotation, /metrics over HTTP, the policy flags, and a server run from a
// configuration file alone.
#include <sqlite3.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "authcore/dangerous.hpp"
#include "authcore/secret.hpp"
#include "authcore/sqlite_user_store.hpp"
#include "authcore/token_verifier.hpp"
#include "server/server_harness.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace authcore::test;
using nlohmann::json;

namespace {

const std::string kPassword = "correct horse battery";
const std::string kPasswordForm = "correct+horse+battery";
// Cheap hashes: these tests are about operations, not Argon2's cost.
const std::vector<std::string> kFastHashes = {"--password-policy", "t=1,m=8"};
constexpr auto kWait = std::chrono::seconds(20);

std::vector<std::string> flags(std::vector<std::string> first, const std::vector<std::string>& then = kFastHashes) {
  first.insert(first.end(), then.begin(), then.end());
  return first;
}

struct Pair {
  std::string access;
  std::string refresh;
};

Pair pair_of(const HttpReply& reply) {
  REQUIRE(reply.status == 200);
  return {reply.json()["access_token"], reply.json()["refresh_token"]};
}

Pair login(const ServerProcess& server, const std::string& username) {
  return pair_of(server.post_form("/token", "username=" + username + "&password=" + kPasswordForm));
}

Pair signed_up_and_logged_in(const ServerProcess& server, const std::string& username) {
  REQUIRE(server.post_json("/signup", {{"username", username}, {"password", kPassword}}).status == 201);
  return login(server, username);
}

json header_of(const std::string& token) {
  const auto decoded = authcore::dangerous::decode_unverified(token);
  REQUIRE(decoded);
  return json::parse(decoded->header);
}

json payload_of(const std::string& token) {
  const auto decoded = authcore::dangerous::decode_unverified(token);
  REQUIRE(decoded);
  return json::parse(decoded->payload);
}

std::string kid_of(const std::string& token) { return header_of(token).value("kid", ""); }

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool contains(const std::string& path, const std::string& text) {
  return contents(path).find(text) != std::string::npos;
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++count;
  return count;
}

// A `kid key` line with a fresh key, as `authctl keygen --kid` prints it.
std::string key_line(const std::string& kid) {
  return kid + " " + std::string(authcore::SecretBytes::random(32).to_base64url().view()) + "\n";
}

// Replaces `path` as an operator would: a new owner-only file renamed over
// the old one, so the server never reads half a file.
void write_private(const std::string& path, const std::string& text, mode_t mode = 0600) {
  const std::string next = path + ".next";
  std::ofstream(next, std::ios::binary | std::ios::trunc) << text;
  REQUIRE(::chmod(next.c_str(), mode) == 0);
  REQUIRE(std::rename(next.c_str(), path.c_str()) == 0);
}

// The lines of a JSON-lines file, each parsed (a line that is not a JSON
// object fails the test).
std::vector<json> json_lines(const std::string& path) {
  std::vector<json> lines;
  std::istringstream text(contents(path));
  for (std::string line; std::getline(text, line);) {
    INFO("line: " << line);
    auto parsed = json::parse(line, nullptr, false);
    REQUIRE(parsed.is_object());
    lines.push_back(std::move(parsed));
  }
  return lines;
}

bool has_event(const std::vector<json>& lines, const std::string& kind, const std::string& username) {
  for (const auto& line : lines) {
    if (line.value("kind", "") == kind && line.value("username", "") == username) return true;
  }
  return false;
}

// SELECT count(*) on the server's SQLite file itself, not through authcore.
long long rows_in(const std::string& db, const std::string& table) {
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  const std::string sql = "SELECT count(*) FROM " + table;
  REQUIRE(sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
  const long long count = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return count;
}

// The value of one sample line of a /metrics answer, e.g.
// `authcore_logins_total{outcome="success"}`; -1 when it is absent.
double sample(const std::string& metrics, const std::string& series) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

}  // namespace

TEST_CASE("key rotation on a running server: SIGHUP adds a key, removes one, and survives a broken file",
          "[server][keys][rotation]") {
  const TempFile log_file;
  const TempFile audit_file;
  const TempFile keys_dir;
  const std::string keys = keys_dir.directory() + "/keys";
  const std::string old_line = key_line("2026-01");
  const std::string new_line = key_line("2026-02");
  write_private(keys, "# authcore-server keys: the first line signs\n" + old_line);
  ServerProcess server(ServerLaunch{flags({"--port", "0", "--db", temporary_database(), "--quiet", "--keys-file", keys,
                                           "--audit-log", audit_file.path()}),
                                    log_file.path()});
  const pid_t pid = server.pid();
  const auto reloads = [&] { return count_of(contents(log_file.path()), "keys reloaded from '" + keys + "'"); };

  const Pair before = signed_up_and_logged_in(server, unique_name("rotate"));
  const Pair unspent = login(server, payload_of(before.access)["sub"]);
  CHECK(kid_of(before.access) == "2026-01");
  HttpConnection kept_alive(server.port());  // must survive every SIGHUP below
  REQUIRE(kept_alive.get("/users/me", before.access).status == 200);

  // A new first key signs; tokens of the old one keep working.
  write_private(keys, new_line + old_line);
  server.signal(SIGHUP);
  REQUIRE(eventually([&] { return reloads() == 1; }, kWait));
  CHECK(contains(log_file.path(), R"(2 keys, signing with kid "2026-02")"));
  CHECK(kept_alive.get("/users/me", before.access).status == 200);
  const Pair after = pair_of(server.post_json("/refresh", {{"refresh_token", before.refresh}}));
  CHECK(kid_of(after.access) == "2026-02");
  CHECK(kid_of(after.refresh) == "2026-02");
  const std::string username = payload_of(before.access)["sub"];
  const Pair fresh = login(server, username);
  CHECK(kid_of(fresh.access) == "2026-02");

  // The old key removed: its tokens are refused, the new key's are not.
  write_private(keys, new_line);
  server.signal(SIGHUP);
  REQUIRE(eventually([&] { return reloads() == 2; }, kWait));
  CHECK(kept_alive.get("/users/me", before.access).status == 401);
  CHECK(server.post_json("/refresh", {{"refresh_token", unspent.refresh}}).status == 401);
  CHECK(kept_alive.get("/users/me", after.access).status == 200);
  CHECK(kept_alive.get("/users/me", fresh.access).status == 200);

  // A keys file that does not serve: the keys in force stay, and the
  // reason goes to stderr and the audit log.
  const std::vector<std::tuple<std::string, std::string, mode_t, std::string>> broken = {
      {"a line without kid", std::string(authcore::SecretBytes::random(32).to_base64url().view()) + "\n", 0600,
       "line 1: expected two fields"},
      {"a short key", "2026-03 c2hvcnQ\n", 0600, "line 1: an HS256 key needs at least 32 bytes"},
      {"no key at all", "# emptied by mistake\n", 0600, "holds no key"},
      {"readable by others", new_line, 0644, "has mode 0644"},
  };
  std::size_t failures = 0;
  for (const auto& [what, text, mode, reason] : broken) {
    INFO(what);
    write_private(keys, text, mode);
    server.signal(SIGHUP);
    ++failures;
    REQUIRE(eventually([&] { return count_of(contents(log_file.path()), "error: key: ") == failures; }, kWait));
    CHECK(contains(log_file.path(), reason));
    CHECK(kept_alive.get("/users/me", fresh.access).status == 200);
    CHECK(kid_of(login(server, username).access) == "2026-02");
    CHECK(kept_alive.get("/users/me", before.access).status == 401);
    REQUIRE(eventually([&] { return contains(audit_file.path(), reason); }, kWait));
  }
  CHECK(count_of(contents(log_file.path()), "the keys in force are kept") == broken.size());
  std::size_t audited_failures = 0;
  for (const auto& line : json_lines(audit_file.path())) audited_failures += line["kind"] == "keys_reload_failed";
  CHECK(audited_failures == broken.size());

  CHECK(server.running());
  CHECK(server.pid() == pid);
  for (const auto& line : json_lines(audit_file.path())) {
    // Reload lines name kids and files, never a key.
    CHECK(line.dump().find(old_line.substr(8, 20)) == std::string::npos);
    CHECK(line.dump().find(new_line.substr(8, 20)) == std::string::npos);
  }
  CHECK(server.terminate() == 0);
}

TEST_CASE("a keys file that is not owner-only, or given with --secret-file, stops the server at start",
          "[server][keys]") {
  const TempFile dir;
  const std::string keys = dir.directory() + "/keys";
  const auto [what, mode, extra, reason] = GENERATE(table<std::string, mode_t, std::vector<std::string>, std::string>({
      {"group may read", 0640, {}, "error: key: key file '"},
      {"with --secret-file", 0600, {"--secret-file", "/dev/null"}, "excludes --keys-file"},
  }));
  INFO(what);
  write_private(keys, key_line("k1"), mode);
  std::vector<std::string> argv{AUTHCORE_SERVER_BINARY, "--host",      "192.0.2.1", "--port", "0", "--db",
                                temporary_database(),   "--keys-file", keys};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const auto result = run_process(argv);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find(reason) != std::string::npos);
  if (mode != 0600) CHECK(result.err.find("has mode 0640: group or others may read or write it") != std::string::npos);
}

TEST_CASE("expired sessions are purged in the background until the sessions table is empty", "[server][purge]") {
  const TempFile log_file;
  const std::string db = temporary_database();
  ServerProcess server(ServerLaunch{
      flags({"--port", "0", "--db", db, "--quiet", "--refresh-ttl", "1", "--purge-interval", "1"}), log_file.path()});
  const std::string username = unique_name("purge");
  const Pair first = signed_up_and_logged_in(server, username);
  (void)login(server, username);
  (void)server.post_json("/refresh", {{"refresh_token", first.refresh}});
  CHECK(rows_in(db, "sessions") >= 1);

  REQUIRE(eventually([&] { return rows_in(db, "sessions") == 0; }, kWait));
  CHECK(rows_in(db, "refresh_tokens") == 0);
  CHECK(rows_in(db, "users") == 1);  // only sessions go
  REQUIRE(eventually([&] { return contains(log_file.path(), "expired session"); }, kWait));
  CHECK(eventually([&] { return sample(server.get("/metrics").body, "authcore_sessions_purged_total") == 2; }, kWait));
  CHECK(server.terminate() == 0);
}

TEST_CASE("the online backup of docs/operations.md copies a running server's database", "[server][backup]") {
  const std::string db = temporary_database();
  ServerProcess server(db, kFastHashes);
  const std::string username = unique_name("backup");
  const Pair pair = signed_up_and_logged_in(server, username);
  const std::string backup = db + ".backup";
  // What the runbook says, word for word but for the paths.
  const auto copied = run_process({"/usr/bin/sqlite3", db, ".backup '" + backup + "'"});
  INFO("sqlite3: " << copied.err);
  REQUIRE(copied.exit_code == 0);
  CHECK(server.get("/users/me", pair.access).status == 200);  // served all along
  const auto checked = run_process({"/usr/bin/sqlite3", backup, "PRAGMA integrity_check"});
  CHECK(checked.out == "ok\n");
  const auto store = authcore::SqliteUserStore::open(backup);
  REQUIRE(store);
  CHECK((*store)->find_user(username));
  CHECK((*store)->is_session_active(payload_of(pair.access)["sid"].get<std::string>(), 0).value());
  CHECK(server.terminate() == 0);
}

TEST_CASE("the audit log has every security event as a JSON line, and never a password, token or hash",
          "[server][audit]") {
  const TempFile audit_dir;
  const std::string audit = audit_dir.directory() + "/audit.log";
  const std::string db = temporary_database();
  ServerProcess server(db, flags({"--audit-log", audit, "--login-free-attempts", "1"}));
  const std::string alice = unique_name("audit");
  const Pair first = signed_up_and_logged_in(server, alice);
  const Pair second = pair_of(server.post_json("/refresh", {{"refresh_token", first.refresh}}));
  CHECK(server.post_json("/refresh", {{"refresh_token", first.refresh}}).status == 401);  // replay: reuse
  const Pair third = login(server, alice);
  CHECK(server.request("POST", "/logout", {}, {{"Authorization", "Bearer " + third.access}}).status == 204);
  // Guesses at another account: the second failure locks it (and this
  // client) for a second, so the third attempt is throttled.
  const std::string mallory = unique_name("guess");
  std::vector<int> statuses;
  for (int attempt = 0; attempt < 3; ++attempt) {
    statuses.push_back(
        server.post_form("/token", "username=" + mallory + "&password=guess" + std::to_string(attempt)).status);
  }
  CHECK(statuses == std::vector<int>{401, 401, 429});

  const auto lines = json_lines(audit);
  CHECK(has_event(lines, "signup", alice));
  CHECK(has_event(lines, "login_success", alice));
  CHECK(has_event(lines, "refresh", alice));
  CHECK(has_event(lines, "refresh_reuse", alice));
  CHECK(has_event(lines, "login_failure", mallory));
  CHECK(has_event(lines, "login_throttled", mallory));
  CHECK(has_event(lines, "logout", alice));
  const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  const std::string session = payload_of(first.access)["sid"];
  for (const auto& line : lines) {
    INFO(line.dump());
    CHECK(std::regex_match(line.value("time", ""), rfc3339));
    if (line["kind"] == "refresh_reuse") {
      CHECK(line["session_id"] == session);
      CHECK(line["client"] == "127.0.0.1");
    }
    if (line["kind"] == "login_throttled") CHECK(line["client"] == "127.0.0.1");
  }
  const std::string text = contents(audit);
  for (const std::string& secret : {kPassword, kPasswordForm, std::string("guess1"), first.access, first.refresh,
                                    second.access, second.refresh, third.access, third.refresh}) {
    CHECK(text.find(secret) == std::string::npos);
  }
  CHECK(text.find("$argon2id$") == std::string::npos);
  struct stat status {};
  REQUIRE(::stat(audit.c_str(), &status) == 0);
  CHECK((status.st_mode & 0777) == 0600);

  SECTION("rename and SIGHUP: new lines go to a new file (log rotation)") {
    const std::string rotated = audit + ".1";
    REQUIRE(std::rename(audit.c_str(), rotated.c_str()) == 0);
    server.signal(SIGHUP);
    // Until the server has reopened, its lines still go to the renamed file.
    // A throttled login (the client is still locked) is an event too.
    const std::string probe = unique_name("after-rotation");
    REQUIRE(eventually(
        [&] {
          (void)server.post_form("/token", "username=" + probe + "&password=wrong");
          const auto fresh = json_lines(audit);
          return has_event(fresh, "login_failure", probe) || has_event(fresh, "login_throttled", probe);
        },
        kWait));
    CHECK(has_event(json_lines(rotated), "refresh_reuse", alice));
    CHECK_FALSE(has_event(json_lines(audit), "refresh_reuse", alice));
  }
  CHECK(server.terminate() == 0);
}

TEST_CASE("audit lines stay whole when many logins fail at once", "[server][audit]") {
  const TempFile audit_file;
  // No throttling, so that every attempt is a failure and a line.
  ServerProcess server(temporary_database(), flags({"--audit-log", audit_file.path(), "--login-free-attempts",
                                                    "1000000", "--hash-workers", "2"}));
  constexpr int kClients = 8;
  constexpr int kAttempts = 10;
  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&server] {
      for (int attempt = 0; attempt < kAttempts; ++attempt) {
        // A long username makes a long line, more likely to tear if it could.
        (void)server.post_form("/token", "username=" + unique_name(std::string(200, 'u')) + "&password=wrong");
      }
    });
  }
  for (auto& client : clients) client.join();
  const auto lines = json_lines(audit_file.path());  // each line parses on its own
  CHECK(lines.size() == kClients * kAttempts);
  for (const auto& line : lines) CHECK(line["kind"] == "login_failure");
  CHECK(server.terminate() == 0);
}

TEST_CASE("GET /metrics counts requests by route, method and status, logins, refreshes and reuse",
          "[server][metrics]") {
  ServerProcess server(temporary_database(), kFastHashes);
  for (int i = 0; i < 3; ++i) CHECK(server.get("/users/me").status == 401);
  CHECK(server.get("/no/such/path").status == 404);
  CHECK(server.request("DELETE", "/users/me").status == 405);
  const std::string username = unique_name("metrics");
  const Pair pair = signed_up_and_logged_in(server, username);
  CHECK(server.post_form("/token", "username=" + username + "&password=wrong").status == 401);
  (void)server.post_json("/refresh", {{"refresh_token", pair.refresh}});
  CHECK(server.post_json("/refresh", {{"refresh_token", pair.refresh}}).status == 401);

  const auto reply = server.get("/metrics");
  REQUIRE(reply.status == 200);
  CHECK(reply.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = reply.body;
  CHECK(sample(text, R"(authcore_http_requests_total{route="/users/me",method="GET",status="401"})") == 3);
  CHECK(sample(text, R"(authcore_http_requests_total{route="unmatched",method="GET",status="404"})") == 1);
  CHECK(sample(text, R"(authcore_http_requests_total{route="unmatched",method="DELETE",status="405"})") == 1);
  CHECK(sample(text, R"(authcore_http_requests_total{route="/signup",method="POST",status="201"})") == 1);
  CHECK(sample(text, R"(authcore_http_requests_total{route="/refresh",method="POST",status="401"})") == 1);
  CHECK(sample(text, R"(authcore_http_request_duration_seconds_count{route="/users/me"})") == 3);
  CHECK(sample(text, R"(authcore_http_request_duration_seconds_bucket{route="/users/me",le="+Inf"})") == 3);
  CHECK(sample(text, R"(authcore_logins_total{outcome="success"})") == 1);
  CHECK(sample(text, R"(authcore_logins_total{outcome="failure"})") == 1);
  CHECK(sample(text, R"(authcore_logins_total{outcome="throttled"})") == 0);
  CHECK(sample(text, "authcore_refresh_rotations_total") == 1);
  CHECK(sample(text, "authcore_refresh_reuse_total") == 1);
  CHECK(sample(text, "authcore_hash_gate_running") == 0);
  CHECK(sample(text, "authcore_hash_gate_queued") == 0);
  CHECK(sample(text, "authcore_store_errors_total") == 0);
  CHECK(sample(text, "process_start_time_seconds") > 1.6e9);
  CHECK(text.find("authcore_build_info{version=\"") != std::string::npos);
  // The scrape itself is counted once answered: the next one sees it.
  CHECK(sample(server.get("/metrics").body,
               R"(authcore_http_requests_total{route="/metrics",method="GET",status="200"})") == 1);
  CHECK(server.terminate() == 0);
}

TEST_CASE("the password policy flag takes interactive, moderate, sensitive or t=N,m=MiB, anything else is exit 2",
          "[server][flags]") {
  const std::string value =
      GENERATE(as<std::string>{}, "fast", "", "t=0,m=64", "t=17,m=64", "t=2,m=0", "t=2,m=4097", "t=2", "m=64,t=2",
               "t=2,m=64,p=1", "t=2,m=64MiB", "t=+2,m=64", "t= 2,m=64", "Interactive");
  INFO("--password-policy '" << value << "'");
  const auto result =
      run_process({AUTHCORE_SERVER_BINARY, "--port", "0", "--db", temporary_database(), "--password-policy", value});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("--password-policy") != std::string::npos);
  CHECK(result.err.find("t=N,m=MiB") != std::string::npos);
}

TEST_CASE("the login throttle flags set the free attempts and the longest delay", "[server][flags]") {
  ServerProcess server(temporary_database(), flags({"--login-free-attempts", "0", "--login-max-delay", "1"}));
  const std::string username = unique_name("throttle");
  const auto attempt = [&] { return server.post_form("/token", "username=" + username + "&password=wrong"); };
  CHECK(attempt().status == 401);  // no free attempt: this failure locks for 1 s
  const auto locked = attempt();
  CHECK(locked.status == 429);
  CHECK(locked.header("Retry-After") == "1");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK(attempt().status == 401);  // the second failure would lock for 2 s; the cap makes it 1
  CHECK(attempt().header("Retry-After") == "1");
  CHECK(server.terminate() == 0);
}

namespace {

// Every flag `authcore-server --help` lists.
std::set<std::string> flags_in_help() {
  const auto help = run_process({AUTHCORE_SERVER_BINARY, "--help"});
  REQUIRE(help.exit_code == 0);
  std::set<std::string> names;
  const std::regex flag(R"(^\s+(--[a-z][a-z-]*))");
  std::istringstream lines(help.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_search(line, match, flag) && match[1] != "--help" && match[1] != "--config") names.insert(match[1]);
  }
  return names;
}

// `name = value` lines (CLI11's INI form) from flag/value pairs.
std::string config_text(const std::vector<std::pair<std::string, std::string>>& settings) {
  std::string text = "# authcore-server settings, every flag by its name without dashes\n";
  for (const auto& [name, value] : settings) text += name + " = " + value + "\n";
  return text;
}

}  // namespace

TEST_CASE("a server runs from a configuration file alone, every flag settable there and documented",
          "[server][config]") {
  const TempFile dir;
  const std::string db = dir.directory() + "/from-config.db";
  const std::string keys = dir.directory() + "/keys";
  const std::string audit = dir.directory() + "/audit.log";
  const std::string log = dir.directory() + "/stderr.log";
  write_private(keys, key_line("cfg-1"));
  // Stand-ins for swagger-ui-dist's three files: read at start, served as they are.
  const std::string assets = dir.directory() + "/swagger-ui-dist";
  std::filesystem::create_directory(assets);
  for (const char* name : {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"}) {
    write_private(assets + "/" + name, name);
  }
  const std::vector<std::pair<std::string, std::string>> settings = {
      {"host", "127.0.0.1"},
      {"port", "0"},
      {"db", "\"" + db + "\""},
      {"db-schema", "\"authcore\""},  // read, and of no use with SQLite
      {"keys-file", "\"" + keys + "\""},
      {"threads", "2"},
      {"hash-workers", "1"},
      {"access-ttl", "120"},
      {"refresh-ttl", "3600"},
      {"refresh-reuse-interval", "10"},
      {"session-inactivity-timeout", "86400"},
      {"quiet", "true"},
      {"accept-legacy-tokens", "false"},
      {"purge-interval", "600"},
      {"audit-log", "\"" + audit + "\""},
      {"issuer", "\"https://auth.example.com\""},
      {"audience", "\"orders-api\""},
      {"login-free-attempts", "2"},
      {"login-max-delay", "60"},
      {"password-policy", "\"t=1,m=8\""},
      {"role-scopes", "[\"user=me\", \"admin=me,admin\"]"},
      {"no-docs", "false"},
      {"docs-assets", "\"" + assets + "\""},
      {"trusted-proxy", "[\"127.0.0.1\"]"},
      {"cors-origin", "[\"https://app.example.com\"]"},
  };
  const TempFile config(config_text(settings));
  ServerProcess server(ServerLaunch{{"--config", config.path()}, log});

  const std::string username = unique_name("config");
  const Pair pair = signed_up_and_logged_in(server, username);
  const json claims = payload_of(pair.access);
  CHECK(claims["iss"] == "https://auth.example.com");
  CHECK(claims["aud"] == "orders-api");
  CHECK(claims["exp"].get<long long>() - claims["iat"].get<long long>() == 120);
  CHECK(kid_of(pair.access) == "cfg-1");
  CHECK(server.get("/users/me", pair.access).status == 200);
  const auto store = authcore::SqliteUserStore::open(db);  // the file the configuration named
  REQUIRE(store);
  CHECK((*store)->find_user(username)->password_hash.rfind("$argon2id$v=19$m=8192,t=1,p=1$", 0) == 0);
  for (int failure = 0; failure < 3; ++failure) {
    (void)server.post_form("/token", "username=" + username + "&password=wrong");
  }
  CHECK(server.post_form("/token", "username=" + username + "&password=wrong").status == 429);  // 2 free attempts
  CHECK(has_event(json_lines(audit), "login_throttled", username));
  CHECK(contents(log).find("GET /users/me") == std::string::npos);  // quiet
  CHECK(server.terminate() == 0);

  SECTION("a flag the file does not know is an error, as on the command line") {
    const TempFile typo(config_text({{"port", "0"}, {"purge-intervall", "60"}}));
    const auto result = run_process({AUTHCORE_SERVER_BINARY, "--config", typo.path()});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("purge-intervall") != std::string::npos);
  }

  SECTION("every flag of --help is in this test's files and in docs/server.md") {
    // --secret-file excludes --keys-file, set here; tls_test.py serves TLS
    // from a configuration file.
    std::set<std::string> configured{"--secret-file", "--tls-cert", "--tls-key"};
    for (const auto& setting : settings) configured.insert("--" + setting.first);
    const std::string docs = read_file(std::string(AUTHCORE_TEST_SOURCE_DIR) + "/../docs/server.md");
    for (const auto& name : flags_in_help()) {
      INFO(name);
      CHECK(configured.count(name) == 1);
      CHECK(docs.find("| `" + name) != std::string::npos);
    }
  }
}

TEST_CASE("the secret file can come from the configuration file too", "[server][config]") {
  const TempFile key(kKeyBytes + "\n");
  const TempFile config(config_text({{"port", "0"},
                                     {"db", "\"" + temporary_database() + "\""},
                                     {"secret-file", "\"" + key.path() + "\""},
                                     {"password-policy", "\"t=1,m=8\""}}));
  ServerProcess server(ServerLaunch{{"--config", config.path()}, {}});
  const Pair pair = signed_up_and_logged_in(server, unique_name("config-key"));
  CHECK(authcore::TokenVerifier(test_key()).verify(pair.access));
  CHECK(server.terminate() == 0);
}
