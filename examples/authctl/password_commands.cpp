// hash and verify-password.
#include <memory>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <authcore/password_hasher.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "stdin_password.hpp"

namespace authctl {
namespace {

Exit run_hash() {
  const authcore::PasswordHasher hasher;
  const StdinPassword password(hasher);
  const auto stored = hasher.hash(password.view());
  if (!stored) throw failure_from(stored.error(), kind::input);
  write_stdout(*stored + "\n");
  return Exit::ok;
}

Exit run_verify_password(const std::string& stored) {
  const authcore::PasswordHasher hasher;
  const StdinPassword password(hasher);
  const authcore::PasswordCheck check = hasher.verify(password.view(), stored);
  if (check == authcore::PasswordCheck::malformed) {
    throw Failure(kind::input,
                  "HASH is not a supported password hash (Argon2id or Argon2i PHC, bcrypt, passlib "
                  "pbkdf2-sha256), or its cost exceeds the caps");
  }
  write_stdout(std::string(authcore::to_string(check)) + "\n");
  return check == authcore::PasswordCheck::match ? Exit::ok : Exit::rejected;
}

}  // namespace

Command add_hash(CLI::App& app) {
  CLI::App* command = app.add_subcommand("hash", "Read a password from standard input; print its Argon2id hash");
  command->footer("Example: printf '%s' \"$password\" | authctl hash");
  return {command, run_hash};
}

Command add_verify_password(CLI::App& app) {
  auto stored = std::make_shared<std::string>();
  CLI::App* command =
      app.add_subcommand("verify-password", "Read a password from standard input; exit 0 if it matches HASH, 1 if not");
  command->add_option("HASH", *stored, "A stored hash: Argon2id/Argon2i PHC, bcrypt or passlib pbkdf2-sha256")
      ->required();
  command->footer("Example: printf '%s' \"$password\" | authctl verify-password \"$stored_hash\"");
  return {command, [stored] { return run_verify_password(*stored); }};
}

}  // namespace authctl
