// keygen, issue, verify and decode.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <authcore/dangerous.hpp>
#include <authcore/secret.hpp>
#include <authcore/token_issuer.hpp>
#include <authcore/token_verifier.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "secret_source.hpp"
#include "ttl.hpp"

namespace authctl {
namespace {

// The library's limit, for verify and decode alike.
const std::size_t kMaxTokenBytes = authcore::VerifyOptions{}.max_token_bytes;

// A kid must be one field of a keys file line (KeyRing::from_file): not
// empty, no space, tab or line break, and not a comment.
void check_kid(const std::string& kid) {
  const bool one_field = !kid.empty() && kid.find_first_of(" \t\r\n") == std::string::npos && kid.front() != '#';
  if (!one_field) {
    throw Failure(kind::usage, "--kid '" + kid + "': a kid is one word without spaces and not starting with '#'");
  }
}

// `--kid K`: the line of a keys file, `K <key>`.
Exit run_keygen(const std::optional<std::string>& kid) {
  if (kid) check_kid(*kid);
  const auto text = authcore::SecretBytes::random(authcore::HmacKey::min_size).to_base64url();
  if (kid) write_stdout(*kid + " ");
  write_stdout(text.view());
  write_stdout("\n");
  return Exit::ok;
}

// --type access|refresh, for issue and verify; `set` receives the choice.
void add_type_option(CLI::App& command, std::function<void(authcore::TokenType)> set, const std::string& what) {
  const auto set_type = [set = std::move(set)](const std::string& name) {
    set(name == "refresh" ? authcore::TokenType::refresh : authcore::TokenType::access);
  };
  command.add_option_function<std::string>("--type", set_type, what)
      ->check(CLI::IsMember({"access", "refresh"}))
      ->default_str("access");
}

// TOKEN as given, or standard input (without one trailing '\n') when it is
// "-", so that tokens need not appear in argument lists (ps, shell history).
class TokenArgument {
 public:
  explicit TokenArgument(const std::string& argument) : argument_(argument) {
    if (argument == "-") stdin_.emplace(STDIN_FILENO, kMaxTokenBytes, "standard input", kind::io);
  }
  // Input longer than the limit is cut just past it: still token_too_large.
  std::string_view text() const noexcept { return stdin_ ? stdin_->text() : std::string_view(argument_); }

 private:
  const std::string& argument_;
  std::optional<InputText> stdin_;
};

// What the options of `issue` set: the library's options (with its
// defaults) and what still needs parsing.
struct IssueArguments {
  authcore::IssueOptions options;
  std::optional<std::string> ttl;
  std::string kid;
  std::vector<std::string> claims;
};

Failure bad_claim(const std::string& argument, const std::string& why) {
  return Failure(kind::usage, "--claim '" + argument + "': " + why);
}

// The --claim NAME=VALUE arguments as a JSON object of strings. A name given
// twice is refused rather than letting the last one win silently; the
// issuer refuses registered names (sub, exp, ...) itself.
nlohmann::json custom_claims(const std::vector<std::string>& arguments) {
  auto claims = nlohmann::json::object();
  for (const std::string& argument : arguments) {
    const auto equals = argument.find('=');
    if (equals == std::string::npos) throw bad_claim(argument, "expected NAME=VALUE");
    const std::string name = argument.substr(0, equals);
    if (name.empty()) throw bad_claim(argument, "the claim name is empty");
    if (claims.contains(name)) throw bad_claim(argument, "claim \"" + name + "\" is given twice");
    claims[name] = argument.substr(equals + 1);
  }
  return claims;
}

Exit run_issue(const IssueArguments& arguments, const GlobalOptions& global) {
  authcore::IssueOptions options = arguments.options;
  if (arguments.ttl) options.ttl = parse_ttl(*arguments.ttl);
  options.custom = custom_claims(arguments.claims);
  const authcore::TokenIssuer issuer(load_key(global.secret_file, arguments.kid));
  const auto token = issuer.issue(options);
  if (!token) throw failure_from(token.error(), kind::usage);
  write_stdout(*token + "\n");
  return Exit::ok;
}

// What the options of `verify` set, as for issue.
struct VerifyArguments {
  authcore::VerifyOptions options;
  std::int64_t leeway = 0;
  std::string token;
};

Exit run_verify(const VerifyArguments& arguments, const GlobalOptions& global) {
  authcore::VerifyOptions options = arguments.options;
  options.leeway = std::chrono::seconds(arguments.leeway);
  const TokenArgument token(arguments.token);
  const authcore::TokenVerifier verifier(load_key(global.secret_file), options);
  const auto claims = verifier.verify(token.text());
  if (!claims) throw failure_from(claims.error(), kind::input);
  // The payload's own bytes: numbers beyond 2^53 and every string exactly as signed.
  write_stdout(claims->payload() + "\n");
  return Exit::ok;
}

Exit run_decode(const std::string& argument) {
  const TokenArgument token(argument);
  const auto decoded = authcore::dangerous::decode_unverified(token.text(), kMaxTokenBytes);
  if (!decoded) throw failure_from(decoded.error(), kind::input);
  static constexpr std::string_view kWarning =
      "warning: decoded only, NOT verified: the signature and claims were not checked\n";
  static_cast<void>(write_all(STDERR_FILENO, kWarning));
  // Both parts are strict JSON objects (decode_unverified checked), so this is one too.
  write_stdout(R"({"header":)" + decoded->header + R"(,"payload":)" + decoded->payload + "}\n");
  return Exit::ok;
}

// Repeatable options take one value per occurrence, so that a following
// TOKEN is never swallowed as one more value.
CLI::Option* add_repeatable(CLI::App& command, const std::string& name, std::vector<std::string>& values,
                            const std::string& what) {
  return command.add_option(name, values, what)->allow_extra_args(false);
}

}  // namespace

Command add_keygen(CLI::App& app) {
  auto kid = std::make_shared<std::optional<std::string>>();
  CLI::App* command = app.add_subcommand("keygen", "Print a new random 256-bit secret, base64url, on one line");
  command->add_option("--kid", *kid, "Print `KID <key>`, a line of authcore-server's --keys-file")->type_name("KID");
  command->footer(
      "Example: authctl keygen > key && authctl --secret-file key issue --sub alice\n"
      "         authctl keygen --kid 2026-02 >> keys  (a key for rotation; the first line of keys signs)");
  return {command, [kid] { return run_keygen(*kid); }};
}

Command add_issue(CLI::App& app, const GlobalOptions& global) {
  auto arguments = std::make_shared<IssueArguments>();
  authcore::IssueOptions& options = arguments->options;
  CLI::App* command = app.add_subcommand("issue", "Print a new signed token (HS256 JWT) for --sub");
  command->add_option("--sub", options.subject, "Subject: whom the token is about")->required();
  command->add_option("--ttl", arguments->ttl, "Lifetime: seconds, or a number followed by s, m, h or d")
      ->default_str("15m");
  command->add_option("--iss", options.issuer, "Issuer claim");
  command->add_option("--aud", options.audience, "Audience claim");
  command->add_option("--kid", arguments->kid, "Key id, written to the header");
  add_type_option(
      *command, [&options](authcore::TokenType type) { options.type = type; },
      "Token type: access (typ at+jwt) or refresh (typ rt+jwt)");
  add_repeatable(*command, "--claim", arguments->claims, "A custom string claim NAME=VALUE; repeatable");
  command->footer(
      "Key: --secret-file PATH (before or after `issue`) or $AUTHCORE_SECRET.\n"
      "Example: authctl issue --sub alice --ttl 1h --aud orders-api --claim role=admin");
  return {command, [arguments, &global] { return run_issue(*arguments, global); }};
}

Command add_verify(CLI::App& app, const GlobalOptions& global) {
  auto arguments = std::make_shared<VerifyArguments>();
  authcore::VerifyOptions& options = arguments->options;
  CLI::App* command = app.add_subcommand("verify", "Verify a token; print its claims as one JSON object");
  command->add_option("--iss", options.issuer, "Required issuer (byte-exact)");
  command->add_option("--aud", options.audience, "Required audience");
  command->add_option("--leeway", arguments->leeway, "Clock skew tolerated on exp, nbf and iat, in seconds")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{86400}))
      ->default_str("0");
  add_type_option(
      *command, [&options](authcore::TokenType type) { options.expected_type = type; },
      "Expected token type: access or refresh");
  add_repeatable(*command, "--require", options.required_claims, "A claim that must be present; repeatable");
  command->add_option("TOKEN", arguments->token, "The token, or - to read it from standard input")->required();
  command->footer(
      "Key: --secret-file PATH (before or after `verify`) or $AUTHCORE_SECRET.\n"
      "Example: authctl verify --iss https://auth.example.com --aud orders-api \"$TOKEN\"");
  return {command, [arguments, &global] { return run_verify(*arguments, global); }};
}

Command add_decode(CLI::App& app) {
  auto token = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("decode", "Print a token's header and payload WITHOUT verifying them");
  command->add_option("TOKEN", *token, "The token, or - to read it from standard input")->required();
  command->footer("Example: authctl decode \"$TOKEN\" | jq .payload");
  return {command, [token] { return run_decode(*token); }};
}

}  // namespace authctl
