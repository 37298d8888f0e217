#include "settings.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>

#include "client_address.hpp"
#include "cors.hpp"

namespace authcore_server {
namespace {

// --tls-cert/--tls-key, --trusted-proxy, --cors-origin: each value is
// checked here, so a typo stops the server at start (exit 2) instead of
// silently trusting nobody or the wrong range.
void add_network_flags(CLI::App& app, Settings& settings) {
  auto* cert = app.add_option("--tls-cert", settings.tls_cert,
                              "PEM certificate chain (server certificate first): serve HTTPS, TLS 1.2 and 1.3 only")
                   ->check(CLI::ExistingFile);
  auto* key = app.add_option("--tls-key", settings.tls_key, "PEM private key of --tls-cert (not encrypted)")
                  ->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  app.add_option("--trusted-proxy", settings.trusted_proxies,
                 "Address or CIDR range of a reverse proxy whose Forwarded / X-Forwarded-For headers name the client "
                 "(repeatable; without it those headers are ignored)")
      ->check(CLI::Validator(
          [](const std::string& value) {
            return parse_cidr(value) ? std::string()
                                     : "not an address or CIDR range (ADDRESS/PREFIX with the host bits zero, "
                                       "e.g. 10.0.0.0/8 or 2001:db8::/32)";
          },
          "CIDR"));
  app.add_option(
         "--cors-origin", settings.cors_origins,
         "Origin of a browser app that may call the API, e.g. https://app.example.com (repeatable, exact match)")
      ->check(CLI::Validator(origin_problem, "ORIGIN"));
}

constexpr std::uint32_t kMaxMebibytes = 4096;

// A decimal number in [low, high], the whole of `text`.
std::optional<std::uint32_t> number_in(std::string_view text, std::uint32_t low, std::uint32_t high) {
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) return std::nullopt;
  return value;
}

// Keys, purge, audit log and policies (docs/operations.md).
void add_operations_flags(CLI::App& app, Settings& settings) {
  app.add_option("--keys-file", settings.keys_file,
                 "File of `kid key` lines (authctl keygen --kid K), owner-only (chmod 600); the first key signs; "
                 "re-read on SIGHUP")
      ->excludes("--secret-file");
  app.add_option("--purge-interval", settings.purge_interval, "Seconds between deletions of expired sessions")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--audit-log", settings.audit_log,
                 "Write security events as JSON lines to this file (reopened on SIGHUP), or - for standard output");
  app.add_option("--issuer", settings.issuer, "The `iss` of every token, required when verifying (default: none)");
  app.add_option("--audience", settings.audience, "The `aud` of every token, required when verifying (default: none)");
  app.add_option("--login-free-attempts", settings.login_free_attempts,
                 "Failed logins per username and per client before back-off starts")
      ->capture_default_str();
  app.add_option("--login-max-delay", settings.login_max_delay,
                 "Longest back-off after failed logins, in seconds (it doubles from 1 s)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option_function<std::string>(
         "--password-policy",
         [&settings](const std::string& text) {
           const auto policy = parse_password_policy(text);
           if (!policy) {
             throw CLI::ValidationError("--password-policy",
                                        "'" + text +
                                            "' is not interactive, moderate, sensitive or t=N,m=MiB "
                                            "(N 1 to 16, MiB 1 to " +
                                            std::to_string(kMaxMebibytes) + ")");
           }
           settings.password_policy = *policy;
         },
         "Argon2id cost of new hashes: interactive (t=2, 64 MiB), moderate, sensitive, or t=N,m=MiB as "
         "`authctl calibrate` prints it")
      ->type_name("POLICY")
      ->default_str("interactive");
}

}  // namespace

std::optional<authcore::PasswordPolicy> parse_password_policy(std::string_view text) {
  if (text == "interactive") return authcore::PasswordPolicy::interactive();
  if (text == "moderate") return authcore::PasswordPolicy::moderate();
  if (text == "sensitive") return authcore::PasswordPolicy::sensitive();
  constexpr std::string_view time_prefix = "t=";
  constexpr std::string_view memory_prefix = ",m=";
  const auto comma = text.find(',');
  if (text.substr(0, time_prefix.size()) != time_prefix || comma == std::string_view::npos ||
      text.substr(comma, memory_prefix.size()) != memory_prefix) {
    return std::nullopt;
  }
  const auto passes = number_in(text.substr(time_prefix.size(), comma - time_prefix.size()), 1,
                                authcore::PasswordPolicy::max_time_cost);
  const auto mebibytes = number_in(text.substr(comma + memory_prefix.size()), 1, kMaxMebibytes);
  if (!passes || !mebibytes) return std::nullopt;
  return authcore::PasswordPolicy::custom(*passes, std::size_t{*mebibytes} << 20);
}

void add_flags(CLI::App& app, Settings& settings) {
  app.set_config("--config", "", "Read flags from this file (INI or TOML: `port = 8000`; the command line wins)");
  // A misspelt setting in the file is an error, as a misspelt flag is.
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.add_option("--host", settings.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", settings.port, "Port to listen on (0: any free port)")->capture_default_str();
  app.add_option("--db", settings.db, "SQLite file, or a postgresql:// URL for a shared database")
      ->capture_default_str();
  app.add_option("--db-schema", settings.db_schema,
                 "With a postgresql:// --db: the schema holding authcore's tables (created when missing)")
      ->capture_default_str();
  app.add_option("--secret-file", settings.secret_file,
                 "File holding the HS256 key (one trailing newline ignored); else $AUTHCORE_SECRET, else an "
                 "ephemeral random key");
  app.add_option("--threads", settings.threads, "Network threads")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--hash-workers", settings.hash_workers, "Password hashing threads (0: one per core)")
      ->capture_default_str();
  app.add_option("--access-ttl", settings.access_ttl, "Access-token lifetime in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--refresh-ttl", settings.refresh_ttl, "Session (refresh-token) lifetime in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--refresh-reuse-interval", settings.refresh_reuse_interval,
                 "Seconds during which the refresh token just rotated away, presented again, returns the session's "
                 "current tokens instead of revoking it (lost responses, racing tabs; 10 suits mobile and multi-tab "
                 "clients). A thief replaying within it gets the tokens too. 0: strict")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--session-inactivity-timeout", settings.session_inactivity_timeout,
                 "Seconds without a refresh after which a session ends (and is purged). 0: off")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--quiet", settings.quiet, "Do not log one line per request");
  app.add_flag("--accept-legacy-tokens", settings.accept_legacy_tokens,
               "Also accept access tokens without a session id (tokens of an app being migrated, signed with the "
               "same key); they cannot be revoked, so use it only for a migration window");
  app.add_flag("--no-docs", settings.no_docs, "Do not serve /docs (Swagger UI) and /openapi.json");
  app.add_option("--docs-assets", settings.docs_assets,
                 "Directory of npm's swagger-ui-dist: /docs loads Swagger UI from it (served at /docs/assets/) "
                 "instead of from the jsDelivr CDN")
      ->check(CLI::ExistingDirectory);
  app.add_option("--role-scopes", settings.role_scopes,
                 "ROLE=SCOPE[,SCOPE...]: the OAuth2 scopes a role grants, replacing its default (user=me, "
                 "admin=me,admin); repeatable")
      ->allow_extra_args(false)
      ->type_name("ROLE=SCOPES");
  add_network_flags(app, settings);
  add_operations_flags(app, settings);
  app.footer("Example: AUTHCORE_SECRET=\"$(authctl keygen)\" authcore-server --port 8000 --db auth.db");
}

void apply_role_scopes(const std::vector<std::string>& arguments, std::map<std::string, authcore::ScopeSet>& map) {
  for (const auto& argument : arguments) {
    const auto equals = argument.find('=');
    if (equals == 0 || equals == std::string::npos) {
      throw std::invalid_argument("--role-scopes '" + argument + "': expected ROLE=SCOPE[,SCOPE...]");
    }
    authcore::ScopeSet scopes;
    std::string_view list = std::string_view(argument).substr(equals + 1);
    while (!list.empty()) {
      const auto comma = list.find(',');
      scopes.emplace(list.substr(0, comma));
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    map[argument.substr(0, equals)] = std::move(scopes);
  }
}

bool is_postgres_url(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

}  // namespace authcore_server
