// A program that uses an installed authcore the way a service would: the
// core (issue and verify a token), the sqlite component (a store on a
// temporary file) and the postgres component (no server needed: a conninfo
// that does not parse is refused before any connection, which proves the
// library and libpq are linked). Built by CMake (find_package) and by a
// plain compiler line (pkg-config); exits non-zero on any surprise.
#include <authcore/authcore.hpp>
#include <authcore/postgres_user_store.hpp>
#include <authcore/sqlite_user_store.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <system_error>

namespace {

int fail(const std::string& what) {
  std::cerr << "consumer: " << what << '\n';
  return EXIT_FAILURE;
}

}  // namespace

int main() {
  // The version the package says it is (authcoreConfigVersion.cmake or
  // `pkg-config --modversion`) is the one the headers say.
  if (std::string(AUTHCORE_VERSION_STRING) != AUTHCORE_EXPECTED_VERSION) {
    return fail(std::string("version.hpp says ") + AUTHCORE_VERSION_STRING + ", the package " +
                AUTHCORE_EXPECTED_VERSION);
  }

  const authcore::HmacKey key = authcore::HmacKey::generate();
  authcore::IssueOptions options;
  options.subject = "alice";
  const auto token = authcore::TokenIssuer(key).issue(options);
  if (!token) return fail("issue: " + token.error().message);
  const auto claims = authcore::TokenVerifier(key).verify(*token);
  if (!claims || claims->subject() != "alice") return fail("verify failed");

  std::error_code ignored;
  const auto path =
      std::filesystem::temp_directory_path() / ("authcore-consumer-" + std::to_string(std::random_device{}()) + ".db");
  {
    auto store = authcore::SqliteUserStore::open(path.string());
    if (!store) return fail("SqliteUserStore::open: " + store.error().message);
    if (auto created = (*store)->create_user({"alice", "$argon2id$stand-in", std::nullopt, 0}); !created) {
      return fail("create_user: " + created.error().message);
    }
    if (auto found = (*store)->find_user("alice"); !found) return fail("find_user: " + found.error().message);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix, ignored);

  const auto postgres = authcore::PostgresUserStore::open("no_such_keyword=1");
  if (postgres || postgres.error().code != authcore::ErrorCode::invalid_argument) {
    return fail("PostgresUserStore::open accepted a conninfo that does not parse");
  }

  std::cout << "consumer: authcore " << AUTHCORE_VERSION_STRING << " with sqlite and postgres: ok\n";
  return EXIT_SUCCESS;
}
