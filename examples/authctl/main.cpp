// authctl: keys, tokens, password hashes and users from the command line
// (docs/authctl.md). Exit status 0, 1 or 2 only; every failure is one
// stderr line `error: <kind>: <message>`.
#include <csignal>
#include <exception>
#include <vector>

#include <CLI/CLI.hpp>
#include <authcore/version.hpp>

#include "commands.hpp"
#include "failure.hpp"

namespace authctl {
namespace {

// CLI11's own outcomes: --help and --version succeed (CLI11 prints them to
// stdout); every parse error is a usage failure with status 2, whatever
// CLI11's own exit code for it (106, 109, ...).
Exit finish_parse_error(const CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
    static_cast<void>(app.exit(error));
    return Exit::ok;
  }
  report(Failure(kind::usage, error.what()));
  return Exit::error;
}

Exit run_command(const std::vector<Command>& commands, const CLI::App& app) {
  try {
    for (const Command& command : commands) {
      if (app.got_subcommand(command.parser)) return command.run();
    }
    throw Failure(kind::usage, "no command given");
  } catch (const Failure& failure) {
    report(failure);
    return failure.status();
  } catch (const std::exception& error) {
    // Only the system can fail here (no memory, ...): nothing the user typed.
    report(Failure(kind::io, error.what()));
    return Exit::error;
  }
}

Exit run(int argc, char** argv) {
  CLI::App app(
      "authctl: HS256 keys and tokens, password hashes, and user administration, with "
      "authcore " AUTHCORE_VERSION_STRING,
      "authctl");
  app.set_version_flag("--version", AUTHCORE_VERSION_STRING);
  app.require_subcommand(1);
  // Subcommands pass options they do not know up to here, so --secret-file
  // may come before or after the subcommand. Set before adding them: they
  // inherit it.
  app.fallthrough();
  GlobalOptions global;
  app.add_option("--secret-file", global.secret_file,
                 "File whose bytes, minus one trailing newline, are the HS256 key of issue and verify "
                 "(default: $AUTHCORE_SECRET)")
      ->type_name("PATH");
  app.add_option("--db", global.db,
                 "The database of the user and sessions commands: an SQLite file or a postgresql:// URL "
                 "(default: $AUTHCORE_DB, else auth.db)")
      ->type_name("PATH|URL");
  app.footer(
      "Exit status: 0 success, 1 token rejected, password mismatch, or a user taken or missing; 2 usage, key, "
      "input, store or I/O error.\n"
      "Example: authctl keygen > key && authctl --secret-file key issue --sub alice --ttl 1h");
  const std::vector<Command> commands{add_keygen(app),        add_hash(app),           add_verify_password(app),
                                      add_issue(app, global), add_verify(app, global), add_decode(app),
                                      add_calibrate(app),     add_user(app, global),   add_sessions(app, global)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return finish_parse_error(app, error);
  }
  return run_command(commands, app);
}

}  // namespace
}  // namespace authctl

int main(int argc, char** argv) {
  // A closed standard output must end as an `io` failure with status 2, not
  // as death by SIGPIPE (status 141 in the shell).
  std::signal(SIGPIPE, SIG_IGN);
  return static_cast<int>(authctl::run(argc, argv));
}
