// The program of the parent project (tests/package/parent): it uses the core
// (issue and verify a token) and the sqlite component (a store on a
// temporary file), and exits non-zero on any surprise.
//
// It is also bait: the code below is fine under the parent's -Wall -Wextra
// -Werror, but authcore's own warning set (cmake/AuthcoreWarnings.cmake)
// rejects it, so it stops compiling if those flags leak into a parent.
#include <authcore/authcore.hpp>
#include <authcore/sqlite_user_store.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <system_error>

namespace {

int fail(const std::string& what) {
  std::cerr << "parent: " << what << '\n';
  return EXIT_FAILURE;
}

// -Wold-style-cast, -Wconversion and -Wsign-conversion reject this.
int bait_conversions(double ratio, unsigned count) {
  const int scaled = (int)(ratio * 10);
  short narrow = scaled;
  const int mixed = narrow + count;
  return mixed;
}

// -Wshadow rejects this.
int bait_shadow(int value) {
  const int outer = value;
  {
    const int value = 2;
    return outer + value;
  }
}

}  // namespace

int main() {
  if (bait_conversions(0.5, 1) != 6 || bait_shadow(1) != 3) return fail("arithmetic");

  const authcore::HmacKey key = authcore::HmacKey::generate();
  authcore::IssueOptions options;
  options.subject = "alice";
  const auto token = authcore::TokenIssuer(key).issue(options);
  if (!token) return fail("issue: " + token.error().message);
  const auto claims = authcore::TokenVerifier(key).verify(*token);
  if (!claims || claims->subject() != "alice") return fail("verify failed");

  const auto path =
      std::filesystem::temp_directory_path() / ("authcore-parent-" + std::to_string(std::random_device{}()) + ".db");
  {
    auto store = authcore::SqliteUserStore::open(path.string());
    if (!store) return fail("SqliteUserStore::open: " + store.error().message);
    if (auto created = (*store)->create_user({"alice", "$argon2id$stand-in", std::nullopt, 0}); !created) {
      return fail("create_user: " + created.error().message);
    }
    const auto found = (*store)->find_user("alice");
    if (!found || found->username != "alice") return fail("find_user did not find alice");
  }
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix, ignored);

  std::cout << "parent: authcore " << AUTHCORE_VERSION_STRING << " as a subproject: ok\n";
  return EXIT_SUCCESS;
}
