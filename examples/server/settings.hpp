// authcore-server's settings: every command-line flag, also readable from a
// configuration file (`--config FILE`, CLI11's INI/TOML format).
#ifndef AUTHCORE_SERVER_SETTINGS_HPP
#define AUTHCORE_SERVER_SETTINGS_HPP

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "authcore/authenticator.hpp"

#include "authcore/login_throttle.hpp"
#include "authcore/password_hasher.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace authcore_server {

/// What the flags set; each default is the flag's (docs/server.md lists them).
struct Settings {
  std::string host = "127.0.0.1";
  unsigned short port = 8000;
  std::string db = "auth.db";
  std::string db_schema = "authcore";  // PostgresUserStoreOptions::schema
  std::string secret_file;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  unsigned hash_workers = 0;  ///< 0: one per hardware thread
  long access_ttl = 15 * 60;
  long refresh_ttl = 14 * 24 * 60 * 60;
  long refresh_reuse_interval = 0;      ///< seconds; 0: every spent refresh token revokes its session
  long session_inactivity_timeout = 0;  ///< seconds; 0: off
  bool quiet = false;
  bool accept_legacy_tokens = false;
  bool no_docs = false;                  ///< no /docs, no /openapi.json
  std::string docs_assets;               ///< swagger-ui-dist's directory, or empty: the CDN
  std::vector<std::string> role_scopes;  ///< --role-scopes ROLE=S1,S2, as given
  // TLS, reverse proxies, browser apps (docs/server.md, "Production flags").
  std::string tls_cert;                      ///< PEM chain; with tls_key, HTTPS
  std::string tls_key;                       ///< PEM key of tls_cert
  std::vector<std::string> trusted_proxies;  ///< CIDR ranges (parse_cidr())
  std::vector<std::string> cors_origins;     ///< exact origins (origin_problem())
  // Operations (docs/operations.md): keys, purge, audit log, token and
  // login policies.
  std::string keys_file;
  long purge_interval = 60 * 60;
  std::string audit_log;
  std::string issuer;    ///< empty: none
  std::string audience;  ///< empty: none
  std::uint32_t login_free_attempts = authcore::LoginThrottleOptions{}.free_attempts;
  long login_max_delay = authcore::LoginThrottleOptions{}.max_delay.count();
  authcore::PasswordPolicy password_policy = authcore::PasswordPolicy::interactive();
};

/// Registers every flag on `app`, writing into `settings` (which must
/// outlive the parse), and `--config FILE`, which reads the same flags from
/// a file: `name = value` lines, a flag's name without its dashes (flags on
/// the command line win).
void add_flags(CLI::App& app, Settings& settings);

/// Applies `--role-scopes ROLE=S1,S2` arguments to the Authenticator's
/// role-to-scope map: each replaces that role's scopes; `ROLE=` grants none.
/// Throws std::invalid_argument for an argument without `ROLE=`. The
/// Authenticator checks the scope names.
void apply_role_scopes(const std::vector<std::string>& arguments, std::map<std::string, authcore::ScopeSet>& map);
/// The policy `text` names, as --password-policy takes it: `interactive`,
/// `moderate`, `sensitive`, or `t=N,m=MiB` (N passes, 1 to 16; m MiB of
/// memory, 1 to 4096), which `authctl calibrate` prints. std::nullopt for
/// anything else.
std::optional<authcore::PasswordPolicy> parse_password_policy(std::string_view text);

/// True when `db` names a PostgreSQL database rather than an SQLite file.
bool is_postgres_url(const std::string& db);

}  // namespace authcore_server

#endif
