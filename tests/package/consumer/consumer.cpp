// A program that uses an installed authcore the way a service would: the
// core and the sqlite component (package_checks.hpp), and the postgres
// component (no server needed: a conninfo that does not parse is refused
// before any connection, which proves the library and libpq are linked).
// Built by CMake (find_package) and by a plain compiler line (pkg-config);
// exits non-zero on any surprise.
#include <authcore/authcore.hpp>
#include <authcore/postgres_user_store.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include "package_checks.hpp"

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

  if (const std::string failure = package_checks::issue_and_verify(); !failure.empty()) return fail(failure);
  if (const std::string failure = package_checks::sqlite_store_round_trip("consumer"); !failure.empty()) {
    return fail(failure);
  }

  const auto postgres = authcore::PostgresUserStore::open("no_such_keyword=1");
  if (postgres || postgres.error().code != authcore::ErrorCode::invalid_argument) {
    return fail("PostgresUserStore::open accepted a conninfo that does not parse");
  }

  std::cout << "consumer: authcore " << AUTHCORE_VERSION_STRING << " with sqlite and postgres: ok\n";
  return EXIT_SUCCESS;
}
