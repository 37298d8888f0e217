// What every program of the package tests does with authcore, the way a
// service would: the core (issue and verify a token) and the sqlite component
// (a store on a temporary file). Header-only, so that one compiler line builds
// a program (consumer/Makefile). Each returns what went wrong, or "".
#ifndef AUTHCORE_TESTS_PACKAGE_CHECKS_HPP
#define AUTHCORE_TESTS_PACKAGE_CHECKS_HPP

#include <authcore/authcore.hpp>
#include <authcore/sqlite_user_store.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace package_checks {

inline std::string issue_and_verify() {
  const authcore::HmacKey key = authcore::HmacKey::generate();
  authcore::IssueOptions options;
  options.subject = "alice";
  const auto token = authcore::TokenIssuer(key).issue(options);
  if (!token) return "issue: " + token.error().message;
  const auto claims = authcore::TokenVerifier(key).verify(*token);
  if (!claims || claims->subject() != "alice") return "verify failed";
  return {};
}

inline std::string sqlite_store_round_trip(const std::string& program) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("authcore-" + program + "-" + std::to_string(std::random_device{}()) + ".db");
  std::string failure;
  {
    auto store = authcore::SqliteUserStore::open(path.string());
    if (!store) return "SqliteUserStore::open: " + store.error().message;
    if (auto created = (*store)->create_user({"alice", "$argon2id$stand-in", std::nullopt, 0}); !created) {
      failure = "create_user: " + created.error().message;
    } else if (auto found = (*store)->find_user("alice"); !found || found->username != "alice") {
      failure = "find_user did not find alice";
    }
  }
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix, ignored);
  return failure;
}

}  // namespace package_checks

#endif
