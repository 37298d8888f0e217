#include "settings.hpp"

#include <CLI/CLI.hpp>

namespace authcore_server {

void add_flags(CLI::App& app, Settings& settings) {
  app.set_config("--config", "", "Read flags from this file (INI or TOML: `port = 8000`; the command line wins)");
  // A misspelt setting in the file is an error, as a misspelt flag is.
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.add_option("--host", settings.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", settings.port, "Port to listen on (0: any free port)")->capture_default_str();
  app.add_option("--db", settings.db, "SQLite file, or a postgresql:// URL for a shared database")
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
  app.add_flag("--quiet", settings.quiet, "Do not log one line per request");
  app.add_flag("--accept-legacy-tokens", settings.accept_legacy_tokens,
               "Also accept access tokens without a session id (tokens of an app being migrated, signed with the "
               "same key); they cannot be revoked, so use it only for a migration window");
  app.footer("Example: AUTHCORE_SECRET=\"$(authctl keygen)\" authcore-server --port 8000 --db auth.db");
}

bool is_postgres_url(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

}  // namespace authcore_server
