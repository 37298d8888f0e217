// user add/list/show/disable/enable/delete/set-roles/passwd/import and
// sessions revoke/purge: user administration on the database the server
// uses (DESIGN §6).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <authcore/authenticator.hpp>
#include <authcore/password_hasher.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "stdin_password.hpp"
#include "store_source.hpp"

namespace authctl {
namespace {

// Members in the order DESIGN §6 lists them: username first.
using json = nlohmann::ordered_json;

// An import file may be large, but not unbounded: a stray `user import
// /dev/zero` must end.
constexpr std::size_t kMaxImportBytes = std::size_t{256} << 20;

// Throws the Failure of a store call's error (not_found, conflict: exit 1);
// an argument refused is `argument_kind`: usage for the command line, input
// for an import file.
template <class T>
T checked(authcore::Result<T> result, std::string_view argument_kind = kind::usage) {
  if (!result) throw failure_from(result.error(), argument_kind);
  return std::move(*result);
}

void checked(const authcore::Result<void>& result) {
  if (!result) throw failure_from(result.error(), kind::usage);
}

void print_json(const json& value) { write_stdout(value.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"); }

// A field of a `user list` line: "-" when empty; tabs and line breaks
// (a full name may hold anything) become spaces, so a line stays a line.
std::string list_field(std::string text) {
  if (text.empty()) return "-";
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return text;
}

std::string comma_joined(const std::set<std::string>& names) {
  std::string joined;
  for (const auto& name : names) joined += (joined.empty() ? "" : ",") + name;
  return joined;
}

std::set<std::string> comma_split(std::string_view list) {
  std::set<std::string> names;
  while (!list.empty()) {
    const auto comma = list.find(',');
    names.emplace(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return names;
}

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// ---- user add ----

struct AddArguments {
  std::string username;
  std::optional<std::string> email;
  std::optional<std::string> full_name;
  std::vector<std::string> roles;
  bool disabled = false;
};

Exit run_add(const AddArguments& arguments, const GlobalOptions& global) {
  authcore::User user;
  user.username = arguments.username;
  user.email = arguments.email;
  user.full_name = arguments.full_name;
  user.disabled = arguments.disabled;
  if (!arguments.roles.empty()) user.roles = {arguments.roles.begin(), arguments.roles.end()};
  user = checked(authcore::Authenticator::checked_account(std::move(user)));
  const auto store = open_store(global.db);
  const authcore::PasswordHasher hasher;
  const StdinPassword password(hasher);
  const auto hash = hasher.hash(password.view());
  if (!hash) throw failure_from(hash.error(), kind::input);
  user.password_hash = *hash;
  user.created_at = now();
  checked(store->create_user(user));
  print_json(authcore::profile_json(user));
  return Exit::ok;
}

// ---- user list, show ----

Exit run_list(bool as_json, const GlobalOptions& global) {
  const auto users = checked(open_store(global.db)->list_users());
  if (as_json) {
    auto listed = json::array();
    for (const auto& user : users) listed.push_back(authcore::profile_json(user));
    print_json(listed);
    return Exit::ok;
  }
  std::string lines;
  for (const auto& user : users) {
    lines += list_field(user.username) + '\t' + list_field(user.email.value_or("")) + '\t' +
             list_field(user.full_name.value_or("")) + '\t' + (user.disabled ? "disabled" : "enabled") + '\t' +
             list_field(comma_joined(user.roles)) + '\n';
  }
  write_stdout(lines);
  return Exit::ok;
}

Exit run_show(const std::string& username, const GlobalOptions& global) {
  print_json(authcore::profile_json(checked(open_store(global.db)->find_user(username))));
  return Exit::ok;
}

// ---- user passwd ----

Exit run_passwd(const std::string& username, const GlobalOptions& global) {
  const auto store = open_store(global.db);
  const auto user = checked(store->find_user(username));
  const authcore::PasswordHasher hasher;
  const StdinPassword password(hasher);
  const auto hash = hasher.hash(password.view());
  if (!hash) throw failure_from(hash.error(), kind::input);
  // Compare-and-set: a login rehashing the old password meanwhile is a
  // conflict (exit 1), never silently undone.
  checked(store->update_password_hash(username, user.password_hash, *hash));
  (void)checked(store->revoke_all_sessions(username));
  return Exit::ok;
}

// ---- user import ----

Failure bad_line(std::size_t number, const std::string& why) {
  return Failure(kind::input, "line " + std::to_string(number) + ": " + why);
}

std::optional<std::string> optional_string(const json& line, const char* name, std::size_t number) {
  const auto found = line.find(name);
  if (found == line.end() || found->is_null()) return std::nullopt;
  if (!found->is_string()) throw bad_line(number, std::string("\"") + name + "\" must be a string or null");
  return found->get<std::string>();
}

// One JSON line of an import: {"username","hashed_password","email"?,
// "full_name"?,"disabled"?,"roles"?}. Anything else is refused rather than
// dropped, so that a misspelt member ("password_hash") is noticed.
authcore::User imported_user(const std::string& text, std::size_t number, const authcore::PasswordHasher& hasher) {
  const json line = json::parse(text, nullptr, false);
  if (line.is_discarded() || !line.is_object()) throw bad_line(number, "not a JSON object");
  static const std::set<std::string> kMembers{"username", "hashed_password", "email", "full_name", "disabled", "roles"};
  for (const auto& member : line.items()) {
    if (kMembers.count(member.key()) == 0) throw bad_line(number, "unknown member \"" + member.key() + "\"");
  }
  authcore::User user;
  const auto username = optional_string(line, "username", number);
  const auto hash = optional_string(line, "hashed_password", number);
  if (!username || !hash) throw bad_line(number, "\"username\" and \"hashed_password\" are required");
  user.username = *username;
  user.password_hash = *hash;
  // verify() parses the stored hash before anything else and answers
  // malformed at once for what it cannot use; an empty password is then
  // refused without hashing, so this costs microseconds, not a bcrypt.
  if (hasher.verify({}, user.password_hash) == authcore::PasswordCheck::malformed) {
    throw bad_line(number,
                   "\"hashed_password\" is no supported hash (Argon2id/Argon2i PHC, bcrypt, passlib "
                   "pbkdf2-sha256) or exceeds the cost caps");
  }
  user.email = optional_string(line, "email", number);
  user.full_name = optional_string(line, "full_name", number);
  if (const auto disabled = line.find("disabled"); disabled != line.end()) {
    if (!disabled->is_boolean()) throw bad_line(number, "\"disabled\" must be true or false");
    user.disabled = disabled->get<bool>();
  }
  if (const auto roles = line.find("roles"); roles != line.end()) {
    if (!roles->is_array()) throw bad_line(number, "\"roles\" must be an array of strings");
    user.roles.clear();
    for (const auto& role : *roles) {
      if (!role.is_string()) throw bad_line(number, "\"roles\" must be an array of strings");
      user.roles.insert(role.get<std::string>());
    }
  }
  auto account = authcore::Authenticator::checked_account(std::move(user));
  if (!account) throw bad_line(number, account.error().message);
  account->created_at = now();
  return std::move(*account);
}

// FILE, or standard input for "-".
std::string read_import(const std::string& source) {
  const bool from_stdin = source == "-";
  const int fd = from_stdin ? STDIN_FILENO : ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Failure(kind::io, "cannot open " + source + ": " + std::strerror(errno));
  const InputText text(fd, kMaxImportBytes, from_stdin ? "standard input" : source, kind::io);
  if (!from_stdin) ::close(fd);
  if (text.too_long()) throw Failure(kind::input, source + " is over " + std::to_string(kMaxImportBytes) + " bytes");
  return std::string(text.text());
}

Exit run_import(const std::string& source, const GlobalOptions& global) {
  const std::string text = read_import(source);
  const authcore::PasswordHasher hasher;
  std::vector<authcore::User> users;
  std::size_t number = 0;
  for (std::size_t start = 0; start <= text.size(); ++number) {
    const auto end = std::min(text.find('\n', start), text.size());
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") != std::string::npos) users.push_back(imported_user(line, number + 1, hasher));
  }
  const auto imported = checked(open_store(global.db)->import_users(users), kind::input);
  write_stdout("imported " + std::to_string(imported) + " users\n");
  return Exit::ok;
}

// ---- registration ----

// A command of a group: runs when its parser was the group's choice.
Command group(CLI::App* parser, std::vector<Command> commands) {
  parser->require_subcommand(1);
  return {parser, [parser, commands = std::move(commands)] {
            for (const Command& command : commands) {
              if (parser->got_subcommand(command.parser)) return command.run();
            }
            throw Failure(kind::usage, "no command given");
          }};
}

// A command taking USERNAME and nothing else; `run` gets the username.
Command username_command(CLI::App& parent, const std::string& name, const std::string& what,
                         std::function<Exit(const std::string&)> run) {
  auto username = std::make_shared<std::string>();
  CLI::App* command = parent.add_subcommand(name, what);
  command->add_option("USERNAME", *username, "The user")->required();
  return {command, [username, run = std::move(run)] { return run(*username); }};
}

Command add_user_add(CLI::App& user, const GlobalOptions& global) {
  auto arguments = std::make_shared<AddArguments>();
  CLI::App* command = user.add_subcommand("add", "Create a user; the password is read from standard input");
  command->add_option("USERNAME", arguments->username, "3-64 of A-Z a-z 0-9 . _ -, or an e-mail address")->required();
  command->add_option("--email", arguments->email, "The e-mail address (unique, in any case)");
  command->add_option("--full-name", arguments->full_name, "The name to show");
  command->add_option("--role", arguments->roles, "A role; repeatable (default: user)")->allow_extra_args(false);
  command->add_flag("--disabled", arguments->disabled, "Create the account disabled");
  command->footer("Example: printf '%s' \"$password\" | authctl user add alice --email alice@example.com");
  return {command, [arguments, &global] { return run_add(*arguments, global); }};
}

Command add_user_list(CLI::App& user, const GlobalOptions& global) {
  auto as_json = std::make_shared<bool>(false);
  CLI::App* command = user.add_subcommand(
      "list", "List the users: username, e-mail, full name, enabled/disabled, roles, tab-separated");
  command->add_flag("--json", *as_json, "One JSON array instead");
  return {command, [as_json, &global] { return run_list(*as_json, global); }};
}

Command add_user_set_roles(CLI::App& user, const GlobalOptions& global) {
  auto username = std::make_shared<std::string>();
  auto roles = std::make_shared<std::string>();
  CLI::App* command = user.add_subcommand("set-roles", "Replace a user's roles");
  command->add_option("USERNAME", *username, "The user")->required();
  command->add_option("ROLES", *roles, "ROLE[,ROLE...], or '' for none")->required();
  command->footer("Example: authctl user set-roles alice admin,user");
  return {command, [username, roles, &global] {
            checked(open_store(global.db)->set_roles(*username, comma_split(*roles)));
            return Exit::ok;
          }};
}

Command add_user_import(CLI::App& user, const GlobalOptions& global) {
  auto source = std::make_shared<std::string>();
  CLI::App* command =
      user.add_subcommand("import", "Add users from JSON lines, keeping their password hashes; all or nothing");
  command->add_option("FILE", *source, "JSON lines, or - for standard input")->required();
  command->footer(R"(Each line: {"username","hashed_password","email"?,"full_name"?,"disabled"?,"roles"?})"
                  "\nExample: authctl user import users.jsonl");
  return {command, [source, &global] { return run_import(*source, global); }};
}

}  // namespace

Command add_user(CLI::App& app, const GlobalOptions& global) {
  CLI::App* user = app.add_subcommand("user", "Manage the users of the database (--db)");
  const auto store_change = [&global](auto change) {
    return [&global, change](const std::string& username) {
      checked(change(*open_store(global.db), username));
      return Exit::ok;
    };
  };
  return group(
      user, {add_user_add(*user, global), add_user_list(*user, global),
             username_command(*user, "show", "Print a user as one JSON object",
                              [&global](const std::string& username) { return run_show(username, global); }),
             username_command(*user, "disable", "Disable a user and revoke all their sessions",
                              store_change([](authcore::UserStore& store, const std::string& username) {
                                return store.set_disabled(username, true);
                              })),
             username_command(*user, "enable", "Enable a disabled user (their old sessions stay revoked)",
                              store_change([](authcore::UserStore& store, const std::string& username) {
                                return store.set_disabled(username, false);
                              })),
             username_command(*user, "delete", "Delete a user and all their sessions",
                              store_change([](authcore::UserStore& store, const std::string& username) {
                                return store.delete_user(username);
                              })),
             add_user_set_roles(*user, global),
             username_command(*user, "passwd", "Set a new password (from standard input); revokes the user's sessions",
                              [&global](const std::string& username) { return run_passwd(username, global); }),
             add_user_import(*user, global)});
}

// A user's live sessions as JSON, oldest first: what GET /sessions shows,
// without `current` (there is no caller's session here). An unknown user
// is not_found rather than an empty list.
Exit run_sessions_list(const std::string& username, const GlobalOptions& global) {
  const auto store = open_store(global.db);
  checked(store->find_user(username));
  json listed = json::array();
  for (const auto& session : checked(store->list_sessions(username, now()))) {
    json shown(authcore::session_json(authcore::session_info(session)));
    shown.erase("current");
    listed.push_back(std::move(shown));
  }
  print_json(listed);
  return Exit::ok;
}

Command add_sessions(CLI::App& app, const GlobalOptions& global) {
  CLI::App* sessions = app.add_subcommand("sessions", "Manage the sessions of the database (--db)");
  CLI::App* purge = sessions->add_subcommand("purge", "Delete the sessions that have expired");
  auto inactivity_timeout = std::make_shared<long>(0);
  purge
      ->add_option("--inactivity-timeout", *inactivity_timeout,
                   "Also delete the sessions not refreshed for this many seconds (0: none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  return group(
      sessions,
      {username_command(*sessions, "list", "Print a user's live sessions as one JSON array",
                        [&global](const std::string& username) { return run_sessions_list(username, global); }),
       username_command(*sessions, "revoke", "Revoke every session of a user",
                        [&global](const std::string& username) {
                          const auto revoked = checked(open_store(global.db)->revoke_all_sessions(username));
                          write_stdout("revoked " + std::to_string(revoked) + " sessions\n");
                          return Exit::ok;
                        }),
       {purge, [&global, inactivity_timeout] {
          const auto purged =
              checked(open_store(global.db)->purge_expired(now(), std::chrono::seconds(*inactivity_timeout)));
          write_stdout("purged " + std::to_string(purged) + " expired sessions\n");
          return Exit::ok;
        }}});
}

}  // namespace authctl
