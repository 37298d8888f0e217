#include "authcore/secret.hpp"

#include <string>
#include <tuple>
#include <type_traits>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using authcore::ErrorCode;
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

TEST_CASE("SecretBytes::to_base64url writes RFC 4648 §5 without padding, from_base64url reads it back",
          "[secret][base64url]") {
  // RFC 4648 §10's test vectors, plus the two characters that differ from
  // standard base64 and a NUL.
  const auto [bytes, text] = GENERATE(table<std::string, std::string>({
      {"", ""},
      {"f", "Zg"},
      {"fo", "Zm8"},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"},
      {"\xfb\xff", "-_8"},
      {std::string("\0\0\0", 3), "AAAA"},
  }));
  INFO("bytes of size " << bytes.size());
  CHECK(SecretBytes(bytes).to_base64url().view() == text);
  const auto decoded = SecretBytes::from_base64url(text);
  REQUIRE(decoded);
  CHECK(decoded->view() == bytes);
}

TEST_CASE("SecretBytes::to_base64url of a 256-bit key is the 43 characters authctl keygen prints",
          "[secret][base64url]") {
  const auto key = SecretBytes::random(32);
  const auto text = key.to_base64url();
  CHECK(text.size() == 43);
  CHECK(text.view().find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string_view::npos);
  CHECK(text.view() == authcore::test::b64(key.view()));
  CHECK(SecretBytes::from_base64url(text.view()).value() == key);
}

TEST_CASE("SecretBytes::from_base64url refuses anything but strict base64url with invalid_key", "[secret][base64url]") {
  const auto [name, text] = GENERATE(table<std::string, std::string>({
      {"padding", "Zg=="},
      {"one '=' of padding", "Zm8="},
      {"standard base64's '+'", "Zm9+"},
      {"standard base64's '/'", "Zm9/"},
      {"a space inside", "Zm9v YmFy"},
      {"a trailing newline", "Zm9v\n"},
      {"a length of 4k+1", "Zm9vY"},
      {"a single character", "Z"},
      {"non-zero unused bits after one byte", "Zh"},
      {"non-zero unused bits after two bytes", "Zm9"},
      {"a NUL", std::string("Zm\0v", 4)},
      {"a byte outside ASCII", "Zm9\xc3\xa9"},
  }));
  INFO(name);
  const auto decoded = SecretBytes::from_base64url(text);
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().code == ErrorCode::invalid_key);
}

TEST_CASE("SecretBytes::read_file gives the file's bytes without exactly one trailing newline", "[secret][file]") {
  const std::size_t max = SecretBytes::max_file_bytes;
  const auto [name, contents, expected] = GENERATE_COPY(table<std::string, std::string, std::string>({
      {"no newline", "key", "key"},
      {"one newline, stripped", "key\n", "key"},
      {"two newlines: one kept", "key\n\n", "key\n"},
      {"CR LF: only the LF goes", "key\r\n", "key\r"},
      {"a newline inside is kept", "ke\ny", "ke\ny"},
      {"NUL bytes are bytes", std::string("k\0y\n", 4), std::string("k\0y", 3)},
      {"an empty file", "", ""},
      {"a newline only", "\n", ""},
      {"exactly max_file_bytes", std::string(max, 'k'), std::string(max, 'k')},
      {"max_file_bytes, newline included", std::string(max - 1, 'k') + "\n", std::string(max - 1, 'k')},
  }));
  INFO(name);
  const authcore::test::TempFile file(contents);
  const auto secret = SecretBytes::read_file(file.path());
  REQUIRE(secret);
  CHECK(secret->view() == expected);
}

TEST_CASE("SecretBytes::read_file refuses what it cannot read, or more than 64 KiB, with invalid_key naming the path",
          "[secret][file]") {
  const std::size_t max = SecretBytes::max_file_bytes;
  // Static: the generator below is made once, on the test case's first run,
  // so the files it names must outlive every run.
  static const authcore::test::TempFile too_long(std::string(max + 1, 'k'));
  static const authcore::test::TempFile too_long_with_newline(std::string(max, 'k') + "\n");
  // The reason, so that no row passes for another one (e.g. a file that is
  // missing instead of too long).
  const auto [name, path, reason] = GENERATE(table<std::string, std::string, std::string>({
      {"a missing file", too_long.directory() + "/absent", "No such file or directory"},
      {"a directory", too_long.directory(), "Is a directory"},
      {"a path through a regular file", too_long.path() + "/key", "Not a directory"},
      {"one byte over the cap", too_long.path(), "is longer than 65536 bytes"},
      {"over the cap only with its newline", too_long_with_newline.path(), "is longer than 65536 bytes"},
      {"a device without end (the cap stops it)", "/dev/zero", "is longer than 65536 bytes"},
  }));
  INFO(name);
  const auto secret = SecretBytes::read_file(path);
  REQUIRE_FALSE(secret);
  CHECK(secret.error().code == ErrorCode::invalid_key);
  CHECK(secret.error().message.find("'" + path + "'") != std::string::npos);
  CHECK(secret.error().message.find(reason) != std::string::npos);
}
