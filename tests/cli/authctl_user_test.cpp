// authctl's user administration (DESIGN §6): user add/list/show/disable/
// enable/delete/set-roles/passwd/import and sessions revoke/purge on
// --db (before or after the command), AUTHCORE_DB or auth.db; exit 0 done,
// 1 refused by the data, 2 usage, input or store errors. Imports of hashes
// made at test time by passlib and argon2-cffi log in through the
// Authenticator and are rehashed to Argon2id.
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "authcore/authenticator.hpp"
#include "authcore/sqlite_user_store.hpp"
#include "authctl_support.hpp"
#include "support/catch.hpp"
#include "support/store_support.hpp"

using namespace authcore;
using nlohmann::json;
using test::authctl;
using test::check_failure;
using test::check_success;

namespace {

const std::string kInteropScript = std::string(AUTHCORE_TEST_SOURCE_DIR) + "/support/password_interop.py";

// A fresh database file and authctl on it.
class Database {
 public:
  Database() : path_(dir_.file("auth.db")) {}

  const std::string& path() const noexcept { return path_; }
  const std::string& directory() const noexcept { return dir_.path(); }

  /// authctl ARGS --db PATH, `input` on stdin.
  test::ProcessResult run(std::vector<std::string> args, std::string_view input = {}) const {
    args.insert(args.end(), {"--db", path_});
    return authctl(args, input);
  }

  /// The database as the library sees it (a second process on the file).
  std::unique_ptr<SqliteUserStore> store() const {
    auto opened = SqliteUserStore::open(path_);
    REQUIRE(opened);
    return std::move(*opened);
  }

 private:
  test::TempDir dir_;
  std::string path_;
};

json output_json(const test::ProcessResult& result) {
  check_success(result);
  return json::parse(test::output_line(result), nullptr, false);
}

PasswordPolicy cheap_policy() { return PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes); }

// An Authenticator on `store`, as authcore-server has.
std::unique_ptr<Authenticator> authenticator(UserStore& store) {
  AuthenticatorOptions options;
  options.password_policy = cheap_policy();
  return std::make_unique<Authenticator>(store, test::test_key(), options);
}

Result<TokenPair> log_in(UserStore& store, const std::string& login, const std::string& password) {
  return authenticator(store)->login(login, password);
}

std::string passlib_hash(const std::string& scheme, std::string_view password) {
  const auto result = test::run_python(kInteropScript, {"hash", scheme}, password);
  REQUIRE(result.exit_code == 0);
  return result.out.substr(0, result.out.find('\n'));
}

}  // namespace

TEST_CASE("user add creates a user with the password from stdin, show and list print it", "[cli][user]") {
  const Database db;
  const json alice = output_json(db.run({"user", "add", "alice", "--email", "Alice@Example.com", "--full-name",
                                         "Alice Liddell", "--role", "admin", "--role", "user"},
                                        "correct horse\n"));
  const json expected{{"username", "alice"},
                      {"email", "Alice@Example.com"},
                      {"full_name", "Alice Liddell"},
                      {"disabled", false},
                      {"roles", {"admin", "user"}}};
  CHECK(alice == expected);
  CHECK(output_json(db.run({"user", "show", "alice"})) == expected);
  const json bob = output_json(db.run({"user", "add", "bob@example.org", "--disabled"}, "bob password"));
  CHECK(bob["email"] == "bob@example.org");  // a username that is an address is the account's address
  CHECK(bob["roles"] == json{"user"});
  CHECK(bob["disabled"] == true);

  const auto listed = db.run({"user", "list"});
  check_success(listed);
  CHECK(listed.out ==
        "alice\tAlice@Example.com\tAlice Liddell\tenabled\tadmin,user\n"
        "bob@example.org\tbob@example.org\t-\tdisabled\tuser\n");
  CHECK(output_json(db.run({"user", "list", "--json"})) == json{expected, bob});

  const auto store = db.store();
  REQUIRE(log_in(*store, "alice@example.com", "correct horse"));  // the newline was stripped
  CHECK(log_in(*store, "bob@example.org", "bob password").error().code == ErrorCode::account_disabled);
  CHECK(store->find_user("alice")->password_hash.rfind("$argon2id$", 0) == 0);
}

TEST_CASE("user add refuses what the data or the rules refuse, with exit 1 or 2", "[cli][user]") {
  const Database db;
  check_success(db.run({"user", "add", "alice", "--email", "alice@example.com"}, "pw"));
  check_failure(db.run({"user", "add", "alice"}, "pw"), 1, "conflict");
  check_failure(db.run({"user", "add", "carol", "--email", "ALICE@example.com"}, "pw"), 1, "conflict");
  check_failure(db.run({"user", "add", "ab"}, "pw"), 2, "usage");
  check_failure(db.run({"user", "add", "carol@example.com", "--email", "other@example.com"}, "pw"), 2, "usage");
  check_failure(db.run({"user", "add", "carol", "--email", "not-an-address"}, "pw"), 2, "usage");
  check_failure(db.run({"user", "add", "carol", "--role", "two words"}, "pw"), 2, "usage");
  check_failure(db.run({"user", "add", "carol"}, ""), 2, "input");
  check_failure(db.run({"user", "add", "carol"}, std::string(4097, 'p')), 2, "input");
  check_failure(db.run({"user", "add"}, "pw"), 2, "usage");
  check_failure(db.run({"user"}), 2, "usage");
  check_failure(db.run({"user", "frobnicate", "alice"}), 2, "usage");
  CHECK(db.store()->list_users().value().size() == 1);
}

TEST_CASE("the database is --db (before or after the command), else AUTHCORE_DB, else auth.db", "[cli][user]") {
  const Database db;
  check_success(authctl({"--db", db.path(), "user", "add", "alice"}, "pw"));
  check_success(authctl({"user", "show", "alice", "--db", db.path()}));

  const Database other;
  test::ProcessOptions from_environment;
  from_environment.environment = {{"AUTHCORE_DB", db.path()}};
  check_success(authctl({"user", "show", "alice"}, from_environment));
  // --db wins over the environment.
  check_failure(authctl({"--db", other.path(), "user", "show", "alice"}, from_environment), 1, "not_found");

  test::ProcessOptions in_directory;
  in_directory.working_directory = other.directory();
  in_directory.input = "pw";
  check_success(authctl({"user", "add", "carol"}, in_directory));
  CHECK(other.store()->find_user("carol"));  // ./auth.db

  check_failure(authctl({"--db", "", "user", "list"}), 2, "usage");
  check_failure(authctl({"--db", db.directory() + "/missing/auth.db", "user", "list"}), 2, "store_unavailable");
  check_failure(authctl({"--db", "postgresql://nobody@/postgres?host=/nonexistent", "user", "list"}), 2,
                "store_unavailable");
  check_failure(authctl({"--db", "postgresql://[::1", "user", "list"}), 2, "usage");
}

TEST_CASE("user disable revokes every session, enable lets the user log in again", "[cli][user]") {
  const Database db;
  check_success(db.run({"user", "add", "alice"}, "correct horse"));
  const auto store = db.store();
  const auto pair = log_in(*store, "alice", "correct horse");
  REQUIRE(pair);
  check_success(db.run({"user", "disable", "alice"}));
  CHECK(store->find_user("alice")->disabled);
  const auto auth = authenticator(*store);
  CHECK(auth->authenticate(pair->access_token).error().code == ErrorCode::revoked);
  CHECK(log_in(*store, "alice", "correct horse").error().code == ErrorCode::account_disabled);
  check_success(db.run({"user", "enable", "alice"}));
  CHECK_FALSE(store->find_user("alice")->disabled);
  CHECK(log_in(*store, "alice", "correct horse"));
  CHECK(auth->authenticate(pair->access_token).error().code == ErrorCode::revoked);  // still ended
  check_failure(db.run({"user", "disable", "nobody"}), 1, "not_found");
  check_failure(db.run({"user", "enable", "nobody"}), 1, "not_found");
  check_failure(db.run({"user", "disable"}), 2, "usage");
}

TEST_CASE("user delete, set-roles and show of unknown users", "[cli][user]") {
  const Database db;
  check_success(db.run({"user", "add", "alice"}, "pw"));
  check_success(db.run({"user", "set-roles", "alice", "admin,user,auditor:read"}));
  CHECK(db.store()->find_user("alice")->roles == std::set<std::string>{"admin", "auditor:read", "user"});
  check_success(db.run({"user", "set-roles", "alice", ""}));
  CHECK(db.store()->find_user("alice")->roles.empty());
  check_failure(db.run({"user", "set-roles", "alice", "admin,two words"}), 2, "usage");
  check_failure(db.run({"user", "set-roles", "alice", "admin,,user"}), 2, "usage");
  check_failure(db.run({"user", "set-roles", "nobody", "admin"}), 1, "not_found");
  check_failure(db.run({"user", "set-roles", "alice"}), 2, "usage");
  check_success(db.run({"user", "delete", "alice"}));
  check_failure(db.run({"user", "delete", "alice"}), 1, "not_found");
  check_failure(db.run({"user", "show", "alice"}), 1, "not_found");
  CHECK(db.run({"user", "list"}).out.empty());
  CHECK(output_json(db.run({"user", "list", "--json"})) == json::array());
}

TEST_CASE("user passwd sets the password from stdin and revokes the user's sessions", "[cli][user]") {
  const Database db;
  check_success(db.run({"user", "add", "alice"}, "old password"));
  const auto store = db.store();
  const auto pair = log_in(*store, "alice", "old password");
  REQUIRE(pair);
  check_success(db.run({"user", "passwd", "alice"}, "new password\n"));
  CHECK(log_in(*store, "alice", "old password").error().code == ErrorCode::invalid_credentials);
  CHECK(log_in(*store, "alice", "new password"));
  CHECK(authenticator(*store)->authenticate(pair->access_token).error().code == ErrorCode::revoked);
  check_failure(db.run({"user", "passwd", "nobody"}, "pw"), 1, "not_found");
  check_failure(db.run({"user", "passwd", "alice"}, ""), 2, "input");
}

TEST_CASE("sessions revoke ends a user's sessions, sessions purge deletes expired ones", "[cli][user]") {
  const Database db;
  check_success(db.run({"user", "add", "alice"}, "pw"));
  const auto store = db.store();
  // purge uses the real clock.
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  REQUIRE(store->create_session("alice", "s1", "j1", now + 3600));
  REQUIRE(store->create_session("alice", "s2", "j2", now + 3600));
  REQUIRE(store->create_session("alice", "old", "j3", now - 10));
  const auto revoked = db.run({"sessions", "revoke", "alice"});
  check_success(revoked);
  CHECK(revoked.out == "revoked 3 sessions\n");
  CHECK(store->find_session("s1")->revoked);
  CHECK(db.run({"sessions", "revoke", "alice"}).out == "revoked 0 sessions\n");
  check_failure(db.run({"sessions", "revoke", "nobody"}), 1, "not_found");
  const auto purged = db.run({"sessions", "purge"});
  check_success(purged);
  CHECK(purged.out == "purged 1 expired sessions\n");
  CHECK(store->find_session("old").error().code == ErrorCode::not_found);
  CHECK(store->find_session("s1"));  // revoked, but kept until it expires
  CHECK(db.run({"sessions", "purge"}).out == "purged 0 expired sessions\n");
  check_failure(db.run({"sessions"}), 2, "usage");
  check_failure(db.run({"sessions", "revoke"}), 2, "usage");
}

TEST_CASE("sessions list prints a user's live sessions, purge --inactivity-timeout deletes idle ones", "[cli][user]") {
  const Database db;
  check_success(db.run({"user", "add", "alice"}, "pw"));
  check_success(db.run({"user", "add", "bob"}, "pw"));
  const auto store = db.store();
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const auto start = [&](const char* username, const char* id, std::int64_t created_at) {
    // SessionStart holds views: the strings they name live until the call.
    const std::string jti = std::string("j-") + id;
    const std::string user_agent = std::string("agent-") + id;
    SessionStart session;
    session.username = username;
    session.session_id = id;
    session.first_refresh_jti = jti;
    session.expires_at = now + 3600;
    session.created_at = created_at;
    session.client_address = "192.0.2.9";
    session.user_agent = user_agent;
    REQUIRE(store->create_session(session));
  };
  start("alice", "recent", now - 10);
  start("alice", "idle", now - 1000);
  start("alice", "ended", now - 20);
  REQUIRE(store->revoke_session("ended"));
  start("bob", "bobs", now - 5);

  const auto listed = db.run({"sessions", "list", "alice"});
  check_success(listed);
  const auto sessions = nlohmann::json::parse(listed.out);
  REQUIRE(sessions.size() == 2);
  CHECK(sessions[0] == nlohmann::json{{"id", "idle"},
                                      {"created_at", now - 1000},
                                      {"last_refreshed_at", now - 1000},
                                      {"expires_at", now + 3600},
                                      {"client_address", "192.0.2.9"},
                                      {"user_agent", "agent-idle"}});
  CHECK(sessions[1]["id"] == "recent");
  CHECK(db.run({"sessions", "list", "bob"}).out.find("\"bobs\"") != std::string::npos);
  check_failure(db.run({"sessions", "list", "nobody"}), 1, "not_found");
  check_failure(db.run({"sessions", "list"}), 2, "usage");

  const auto purged = db.run({"sessions", "purge", "--inactivity-timeout", "600"});
  check_success(purged);
  CHECK(purged.out == "purged 1 expired sessions\n");
  CHECK(store->find_session("idle").error().code == ErrorCode::not_found);
  CHECK(store->find_session("recent"));
  check_failure(db.run({"sessions", "purge", "--inactivity-timeout", "-1"}), 2, "usage");
}

TEST_CASE("user import keeps passlib and Argon2 hashes, the users log in and are rehashed", "[cli][user][interop]") {
  const Database db;
  const std::string bcrypt = passlib_hash("bcrypt-4", "bcrypt secret");
  const std::string pbkdf2 = passlib_hash("pbkdf2-sha256", "pbkdf2 secret");
  const std::string argon2 = passlib_hash("argon2id-p4", "argon2 secret");
  const std::string lines =
      json{{"username", "johndoe"},
           {"email", "johndoe@example.com"},
           {"full_name", "John Doe"},
           {"disabled", false},
           {"hashed_password", bcrypt}}
          .dump() +
      "\n" +
      json{{"username", "alice"}, {"email", nullptr}, {"roles", {"admin", "user"}}, {"hashed_password", pbkdf2}}
          .dump() +
      "\n\n" + json{{"username", "carol@example.com"}, {"hashed_password", argon2}}.dump() + "\n" +
      json{{"username", "dave"}, {"disabled", true}, {"hashed_password", bcrypt}}.dump();
  const test::TempFile file(lines);
  const auto imported = db.run({"user", "import", file.path()});
  check_success(imported);
  CHECK(imported.out == "imported 4 users\n");

  const auto store = db.store();
  CHECK(store->find_user("johndoe")->password_hash == bcrypt);  // kept as it was
  CHECK(store->find_user("johndoe")->full_name == std::optional<std::string>("John Doe"));
  CHECK(store->find_user("alice")->roles == std::set<std::string>{"admin", "user"});
  CHECK(store->find_user("carol@example.com")->email == std::optional<std::string>("carol@example.com"));
  const std::pair<const char*, const char*> logins[] = {
      {"johndoe", "bcrypt secret"}, {"alice", "pbkdf2 secret"}, {"carol@example.com", "argon2 secret"}};
  for (const auto& [username, password] : logins) {
    INFO(username);
    REQUIRE(log_in(*store, username, password));
    const std::string rehashed = store->find_user(username)->password_hash;
    CHECK(rehashed.rfind("$argon2id$v=19$", 0) == 0);
    CHECK(rehashed != bcrypt);
    CHECK(rehashed != pbkdf2);
    CHECK(rehashed != argon2);
    REQUIRE(log_in(*store, username, password));  // the new hash works
  }
  CHECK(log_in(*store, "johndoe@example.com", "bcrypt secret"));
  CHECK(log_in(*store, "dave", "bcrypt secret").error().code == ErrorCode::account_disabled);
}

TEST_CASE("user import is all or nothing, and names the line it refuses", "[cli][user]") {
  const Database db;
  check_success(db.run({"user", "add", "alice", "--email", "alice@example.com"}, "pw"));
  // Well-formed (verify() parses it), though of no known password.
  const std::string hash = "$pbkdf2-sha256$1000$c2FsdA$" + std::string(43, 'A');
  const auto line = [&hash](const std::string& members) {
    return "{" + members + R"(,"hashed_password":")" + hash + "\"}";
  };
  const std::string good = line(R"("username":"bob")");
  struct Row {
    const char* name;
    std::string second_line;
    int status;
    const char* kind;
    bool names_line;  ///< the message says "line 2"
  };
  const Row rows[] = {
      {"a taken username", line(R"("username":"alice")"), 1, "conflict", false},
      {"a taken address", line(R"("username":"carol","email":"ALICE@example.com")"), 1, "conflict", false},
      {"bob twice", good, 1, "conflict", false},
      {"not JSON", "{username: carol}", 2, "input", true},
      {"not an object", "[1, 2]", 2, "input", true},
      {"no hash", R"({"username":"carol"})", 2, "input", true},
      {"a plain-text password", R"({"username":"carol","hashed_password":"secret"})", 2, "input", true},
      {"an unknown member", line(R"("username":"carol","password_hash":"x")"), 2, "input", true},
      {"a bad username", line(R"("username":"c d")"), 2, "input", true},
      {"a username-address with another address", line(R"("username":"c@example.com","email":"d@example.com")"), 2,
       "input", true},
      {"disabled not a boolean", line(R"("username":"carol","disabled":"yes")"), 2, "input", true},
      {"roles not strings", line(R"("username":"carol","roles":[1])"), 2, "input", true},
      {"a bad role", line(R"("username":"carol","roles":["a b"])"), 2, "input", false},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    const test::TempFile file(good + "\n" + row.second_line + "\n");
    const auto refused = db.run({"user", "import", file.path()});
    check_failure(refused, row.status, row.kind);
    if (row.names_line) CHECK(refused.err.find("line 2: ") != std::string::npos);
    CHECK(db.store()->find_user("bob").error().code == ErrorCode::not_found);
  }
  check_failure(db.run({"user", "import", db.directory() + "/missing.jsonl"}), 2, "io");
  const auto from_stdin = db.run({"user", "import", "-"}, good + "\n");
  check_success(from_stdin);
  CHECK(from_stdin.out == "imported 1 users\n");
  CHECK(db.run({"user", "import", "-"}, "").out == "imported 0 users\n");
}

TEST_CASE("the user commands work on PostgreSQL too", "[cli][user][postgres]") {
  const char* url = std::getenv("AUTHCORE_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') {
    const char* required = std::getenv("AUTHCORE_REQUIRE_POSTGRES");
    if (required != nullptr && std::string(required) == "1") FAIL("AUTHCORE_TEST_POSTGRES_URL is not set");
    WARN("authctl PostgreSQL test skipped: AUTHCORE_TEST_POSTGRES_URL is not set");
    return;
  }
  // The default schema is shared with the server tests: a name of this run's own.
  const std::string name = "cli-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand());
  const auto run = [url](std::vector<std::string> args, std::string_view input = {}) {
    args.insert(args.begin(), {"--db", url});
    return authctl(args, input);
  };
  CHECK(output_json(run({"user", "add", name, "--role", "admin"}, "pw"))["roles"] == json{"admin"});
  check_failure(run({"user", "add", name}, "pw"), 1, "conflict");
  check_success(run({"user", "disable", name}));
  CHECK(output_json(run({"user", "show", name}))["disabled"] == true);
  check_success(run({"user", "passwd", name}, "new password"));
  CHECK(run({"sessions", "revoke", name}).out == "revoked 0 sessions\n");
  check_success(run({"user", "delete", name}));
  check_failure(run({"user", "show", name}), 1, "not_found");
}
