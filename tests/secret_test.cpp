#include "authcore/secret.hpp"

#include <string>
#include <type_traits>

#include "support/catch.hpp"

using authcore::SecretBytes;

TEST_CASE("SecretBytes owns a copy of arbitrary bytes", "[secret]") {
  std::string source("a\0b\xff", 4);
  const SecretBytes secret(source);
  source.assign(4, 'z');
  REQUIRE(secret.size() == 4);
  CHECK(secret.view() == std::string_view("a\0b\xff", 4));
}

TEST_CASE("SecretBytes compares by content in constant time", "[secret]") {
  const SecretBytes a("same bytes"), b("same bytes"), c("same bytez"), d("same");
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a != d);
  CHECK(SecretBytes() == SecretBytes(""));
}

TEST_CASE("SecretBytes is move-only and cleared when moved from", "[secret]") {
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<SecretBytes>);
  STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<SecretBytes>);
  SecretBytes original("key material");
  SecretBytes moved(std::move(original));
  CHECK(moved.view() == "key material");
  CHECK(original.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  SecretBytes assigned;
  assigned = std::move(moved);
  CHECK(assigned.view() == "key material");
  CHECK(assigned.clone() == assigned);
}

TEST_CASE("SecretBytes::random draws fresh bytes", "[secret]") {
  const auto a = SecretBytes::random(32), b = SecretBytes::random(32);
  CHECK(a.size() == 32);
  CHECK(a != b);
}

TEST_CASE("secure_wipe zeroes a caller's buffer", "[secret]") {
  std::string password = "hunter2";
  authcore::secure_wipe(password.data(), password.size());
  CHECK(password == std::string(7, '\0'));
  authcore::secure_wipe(nullptr, 0);  // allowed, does nothing
}
