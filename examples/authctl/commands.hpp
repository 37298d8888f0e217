// authctl/commands.hpp: the subcommands, each registered on the parser by
// an add_*() function that returns what main() runs when it was given.
#ifndef AUTHCTL_COMMANDS_HPP
#define AUTHCTL_COMMANDS_HPP

#include <functional>
#include <optional>
#include <string>

#include "failure.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace authctl {

/// Options of the tool itself, accepted before or after the subcommand.
struct GlobalOptions {
  /// --secret-file: the key file of issue and verify (see load_key()).
  std::optional<std::string> secret_file;
  /// --db: the database of the user and sessions commands (see open_store()).
  std::optional<std::string> db;
};

/// A registered subcommand. `run` throws Failure when the command cannot
/// finish; it returns Exit::ok, or Exit::rejected for a "no" answer that is
/// no failure (verify-password on a mismatch).
struct Command {
  const CLI::App* parser;
  std::function<Exit()> run;
};

// Token commands (token_commands.cpp). `global` must outlive the Command.
Command add_keygen(CLI::App& app);
Command add_issue(CLI::App& app, const GlobalOptions& global);
Command add_verify(CLI::App& app, const GlobalOptions& global);
Command add_decode(CLI::App& app);

// Password commands (password_commands.cpp).
Command add_hash(CLI::App& app);
Command add_verify_password(CLI::App& app);

// User administration (user_commands.cpp): the `user` and `sessions`
// groups, each running the subcommand it was given.
Command add_user(CLI::App& app, const GlobalOptions& global);
Command add_sessions(CLI::App& app, const GlobalOptions& global);
// Password policy calibration (calibrate_command.cpp).
Command add_calibrate(CLI::App& app);

}  // namespace authctl

#endif  // AUTHCTL_COMMANDS_HPP
