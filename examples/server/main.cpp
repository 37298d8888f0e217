// authcore-server: the FastAPI "OAuth2 password + JWT" tutorial service in
// C++, on authcore's Authenticator and Boost.Beast (DESIGN §7).
#include <malloc.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "audit_log.hpp"
#include "authcore/authcore.hpp"
#include "authcore/postgres_login_throttle.hpp"
#include "authcore/postgres_user_store.hpp"
#include "authcore/sqlite_user_store.hpp"
#include "hangup.hpp"
#include "http_server.hpp"
#include "maintenance.hpp"
#include "metrics.hpp"
#include "secret_source.hpp"
#include "session_purge.hpp"
#include "settings.hpp"
#include "tls_context.hpp"

namespace {

namespace asio = boost::asio;
using authcore_server::AuditLog;
using authcore_server::HttpServer;
using authcore_server::Metrics;

using authcore_server::is_postgres_url;
using authcore_server::Settings;

authcore::PostgresUserStoreOptions postgres_options(const Settings& settings) {
  authcore::PostgresUserStoreOptions options;
  options.schema = settings.db_schema;
  return options;
}

authcore::Result<std::unique_ptr<authcore::UserStore>> open_store(const Settings& settings) {
  const std::string& db = settings.db;
  if (is_postgres_url(db)) {
    auto store = authcore::PostgresUserStore::open(db, postgres_options(settings));
    if (!store) return store.error();
    return std::unique_ptr<authcore::UserStore>(std::move(*store));
  }
  auto store = authcore::SqliteUserStore::open(db);
  if (!store) return store.error();
  return std::unique_ptr<authcore::UserStore>(std::move(*store));
}

// The failed-login counters: in the database for a fleet sharing
// PostgreSQL (every instance counts the same failures), in memory for one
// instance on SQLite.
authcore::Result<std::shared_ptr<authcore::LoginThrottle>> open_login_throttle(const Settings& settings) {
  authcore::LoginThrottleOptions policy;
  policy.free_attempts = settings.login_free_attempts;
  policy.max_delay = std::chrono::seconds(settings.login_max_delay);
  if (!is_postgres_url(settings.db)) {
    return std::shared_ptr<authcore::LoginThrottle>(std::make_shared<authcore::InMemoryLoginThrottle>(policy));
  }
  auto throttle = authcore::PostgresLoginThrottle::open(settings.db, postgres_options(settings), policy);
  if (!throttle) return throttle.error();
  return std::shared_ptr<authcore::LoginThrottle>(std::move(*throttle));
}

// 1,000 idle clients must not run the process out of descriptors: take the
// hard limit the administrator allows.
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// A handler that throws (out of memory, a Beast precondition) must not take
// the process down: report it and keep serving.
void run_network_thread(asio::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& error) {
      std::cerr << "error: handler: " << error.what() << '\n';
    }
  }
}

// After a burst of connections (a load spike, a flood of idle sockets) their
// buffers are free but glibc keeps the pages in its arenas. Once the
// connections have fallen to half of their peak, hand them back, so the
// resident size follows the load down again.
void trim_memory_after_bursts(HttpServer& server) {
  const auto counts = server.take_connection_counts();
#ifdef __GLIBC__
  if (counts.open * 2 <= counts.peak) ::malloc_trim(0);
#endif
}

int fail(const std::string& kind, const std::string& message) {
  std::cerr << "error: " << kind << ": " << message << '\n';
  return 2;
}

std::optional<std::string> optional_text(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

// The service's options from the flags: where the store is, the CORS
// origins, the docs routes, and Swagger UI's files read now, so a bad
// --docs-assets fails at start-up.
authcore::Result<authcore_server::ServiceOptions> service_options(const Settings& settings) {
  authcore_server::ServiceOptions options;
  options.remote_store = is_postgres_url(settings.db);
  options.cors = authcore_server::CorsPolicy(settings.cors_origins);
  options.docs = !settings.no_docs;
  if (!settings.docs_assets.empty() && options.docs) {
    auto assets = authcore_server::SwaggerUiAssets::load(settings.docs_assets);
    if (!assets) return assets.error();
    options.docs_assets = std::make_shared<const authcore_server::SwaggerUiAssets>(std::move(*assets));
  }
  return options;
}

// What the network layer needs from the TLS, proxy and CORS flags (their
// values were checked when parsed). Throws std::runtime_error when the TLS
// files cannot serve.
authcore_server::HttpServerConfig network_config(const Settings& settings) {
  authcore_server::HttpServerConfig config;
  config.host = settings.host;
  config.port = settings.port;
  config.log_requests = !settings.quiet;
  if (!settings.tls_cert.empty()) config.tls = authcore_server::make_tls_context({settings.tls_cert, settings.tls_key});
  std::vector<authcore_server::Cidr> ranges;
  for (const auto& range : settings.trusted_proxies) ranges.push_back(*authcore_server::parse_cidr(range));
  config.trusted_proxies = authcore_server::TrustedProxies(std::move(ranges));
  return config;
}

// The policies of DESIGN §7's flags; every security event goes to the audit
// log (when there is one) and the metrics.
authcore::AuthenticatorOptions authenticator_options(const Settings& settings,
                                                     std::shared_ptr<authcore::LoginThrottle> throttle, AuditLog* audit,
                                                     Metrics& metrics) {
  authcore::AuthenticatorOptions options;
  options.access_ttl = std::chrono::seconds(settings.access_ttl);
  options.refresh_ttl = std::chrono::seconds(settings.refresh_ttl);
  options.refresh_reuse_interval = std::chrono::seconds(settings.refresh_reuse_interval);
  options.inactivity_timeout = std::chrono::seconds(settings.session_inactivity_timeout);
  options.accept_tokens_without_session = settings.accept_legacy_tokens;
  authcore_server::apply_role_scopes(settings.role_scopes, options.role_scopes);
  options.issuer = optional_text(settings.issuer);
  options.audience = optional_text(settings.audience);
  options.password_policy = settings.password_policy;
  authcore::HashGateOptions gate;
  gate.workers = settings.hash_workers;
  options.hash_gate = std::make_shared<authcore::HashGate>(gate);
  options.login_throttle = std::move(throttle);
  options.on_security_event = [audit, &metrics](const authcore::SecurityEvent& event) {
    metrics.count(event.kind);
    if (audit != nullptr) audit->record(event);
  };
  return options;
}

int serve(const Settings& settings) {
  auto keys = authcore_server::load_keys(settings.keys_file, settings.secret_file);
  if (!keys) return fail("key", keys.error().message);
  auto service_settings = service_options(settings);
  if (!service_settings) return fail("docs-assets", service_settings.error().message);
  authcore_server::HttpServerConfig config;
  try {
    config = network_config(settings);
  } catch (const std::runtime_error& error) {
    return fail("tls", error.what());
  }
  auto store = open_store(settings);
  if (!store) return fail("store", std::string(authcore::to_string(store.error().code)) + ": " + store.error().message);
  auto throttle = open_login_throttle(settings);
  if (!throttle) {
    return fail("store", std::string(authcore::to_string(throttle.error().code)) + ": " + throttle.error().message);
  }
  std::unique_ptr<AuditLog> audit;
  try {
    if (!settings.audit_log.empty()) audit = std::make_unique<AuditLog>(settings.audit_log);
  } catch (const std::system_error& error) {
    return fail("audit", error.what());
  }

  Metrics metrics(authcore_server::Service::route_patterns());
  authcore::Authenticator auth(**store, std::move(*keys),
                               authenticator_options(settings, std::move(*throttle), audit.get(), metrics));

  // Store writes that are not password work (refresh, logout, the purge) run
  // here, off the network threads: a durable SQLite commit waits for the disk.
  asio::thread_pool blocking(2);
  const authcore_server::BlockingExecutor on_blocking_pool = [&blocking](std::function<void()> work) {
    asio::post(blocking, std::move(work));
  };
  service_settings->metrics = &metrics;
  const authcore_server::Service service(auth, **store, on_blocking_pool, std::move(*service_settings));

  asio::io_context io(static_cast<int>(settings.threads));
  HttpServer server(io, service, std::move(config));
  server.start();

  authcore_server::SessionPurge purge(**store, on_blocking_pool, metrics,
                                      std::chrono::seconds(settings.session_inactivity_timeout));
  authcore_server::Maintenance maintenance(io);
  maintenance.every(std::chrono::seconds(10), "memory trim", [&server] { trim_memory_after_bursts(server); });
  maintenance.every(std::chrono::seconds(settings.purge_interval), "session purge", [&purge] { purge.start(); });
  maintenance.start();
  authcore_server::HangupHandler hangup(io, auth, settings.keys_file, audit.get(), metrics);
  hangup.start();

  // SIGINT/SIGTERM: stop accepting, finish the requests in flight, exit 0.
  // Connections still busy after 10 s are dropped.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer deadline(io);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    deadline.expires_after(std::chrono::seconds(10));
    deadline.async_wait([&io](const boost::system::error_code& timer_ec) {
      if (!timer_ec) io.stop();
    });
    maintenance.stop();
    hangup.stop();
    // Posted by the server once the last connection closes: with the
    // deadline gone, the io_context runs out of work and run() returns.
    server.shutdown([&deadline] { deadline.cancel(); });
  });

  const auto endpoint = server.endpoint();
  std::cout << "authcore-server listening on " << (server.config().tls ? "https://" : "http://")
            << endpoint.address().to_string() << ':' << endpoint.port() << " ("
            << (is_postgres_url(settings.db) ? "PostgreSQL" : "SQLite " + settings.db) << ")" << std::endl;

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < settings.threads; ++i) threads.emplace_back([&io] { run_network_thread(io); });
  run_network_thread(io);
  for (auto& thread : threads) thread.join();
  deadline.cancel();
  signals.cancel();
  blocking.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  raise_open_file_limit();
  Settings settings;
  CLI::App app{"authcore-server: sign-up, OAuth2 password login, refresh rotation and logout over HTTP"};
  authcore_server::add_flags(app, settings);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  try {
    return serve(settings);
  } catch (const std::exception& error) {
    return fail("start", error.what());
  }
}
