// The Authenticator's per-request cost and its login timing (DESIGN §8,
// issue 5): authenticate() on each store next to a bare token verification,
// with the session answer cached and not, and a login for an unknown user
// next to one with a wrong password (which must cost the same).
//
// PostgreSQL runs when AUTHCORE_BENCH_POSTGRES_URL (or the tests'
// AUTHCORE_TEST_POSTGRES_URL) names a server, e.g. one started with
// tests/support/postgres.sh.
#include <benchmark/benchmark.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>

#include "authcore/authcore.hpp"
#include "authcore/postgres_user_store.hpp"
#include "authcore/sqlite_user_store.hpp"
#include "ratio_reporter.hpp"

namespace {

using namespace authcore;
using namespace std::chrono_literals;

const HmacKey& key() {
  static const HmacKey key = HmacKey::from_bytes("auth-bench-key-0123456789abcdef-012").value();
  return key;
}

std::shared_ptr<LoginThrottle> no_throttle() {
  LoginThrottleOptions options;
  options.free_attempts = std::numeric_limits<std::uint32_t>::max();
  return std::make_shared<InMemoryLoginThrottle>(options);
}

// One store, one Authenticator on it, and a logged-in user's access token.
struct Setup {
  std::unique_ptr<UserStore> store;
  std::unique_ptr<Authenticator> auth;
  std::string access_token;

  Setup(std::unique_ptr<UserStore> user_store, std::chrono::milliseconds staleness,
        PasswordPolicy policy = PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes))
      : store(std::move(user_store)) {
    AuthenticatorOptions options;
    options.password_policy = policy;
    options.session_cache_staleness = staleness;
    options.login_throttle = no_throttle();
    auth = std::make_unique<Authenticator>(*store, key(), options);
    const std::string username = "bench-" + std::to_string(::getpid());
    (void)auth->signup(username, "correct horse battery");
    access_token = auth->login(username, "correct horse battery").value().access_token;
  }
};

void authenticate_loop(benchmark::State& state, const Setup& setup) {
  for (auto _ : state) {
    auto claims = setup.auth->authenticate(setup.access_token);
    if (!claims) state.SkipWithError(claims.error().message.c_str());
    benchmark::DoNotOptimize(claims);
  }
}

void BM_bare_verify(benchmark::State& state, const Setup& setup) {
  VerifyOptions options;
  options.required_claims = {"sub", "sid"};
  const TokenVerifier verifier(key(), options);
  for (auto _ : state) {
    auto claims = verifier.verify(setup.access_token);
    benchmark::DoNotOptimize(claims);
  }
}

std::string temp_database() { return "/tmp/authcore-auth-bench-" + std::to_string(::getpid()) + ".db"; }

std::unique_ptr<UserStore> sqlite_store(const std::string& path) {
  auto opened = SqliteUserStore::open(path);
  if (!opened) {
    std::fprintf(stderr, "sqlite: %s\n", opened.error().message.c_str());
    std::exit(1);
  }
  return std::move(*opened);
}

const char* postgres_url() {
  if (const char* url = std::getenv("AUTHCORE_BENCH_POSTGRES_URL")) return url;
  return std::getenv("AUTHCORE_TEST_POSTGRES_URL");
}

// Logins at the interactive policy: an unknown user against the dummy hash,
// a known user with a wrong password against the user's hash. The hash runs
// on a HashGate thread, so the whole process's CPU time is measured.
void register_login_timing(const Setup& setup) {
  benchmark::RegisterBenchmark("BM_login_unknown_user",
                               [&setup](benchmark::State& state) {
                                 for (auto _ : state)
                                   benchmark::DoNotOptimize(setup.auth->login("nobody-at-all", "wrong password"));
                               })
      ->Unit(benchmark::kMillisecond)
      ->Iterations(40)
      ->MeasureProcessCPUTime();
  benchmark::RegisterBenchmark("BM_login_wrong_password",
                               [&setup](benchmark::State& state) {
                                 const std::string username = "bench-" + std::to_string(::getpid());
                                 for (auto _ : state)
                                   benchmark::DoNotOptimize(setup.auth->login(username, "wrong password"));
                               })
      ->Unit(benchmark::kMillisecond)
      ->Iterations(40)
      ->MeasureProcessCPUTime();
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  const Setup memory(std::make_unique<InMemoryUserStore>(), 0ms);
  const std::string database = temp_database();
  const Setup sqlite(sqlite_store(database), 0ms);
  const Setup sqlite_cached(sqlite_store(database), 1000ms);
  benchmark::RegisterBenchmark("BM_bare_verify", BM_bare_verify, std::cref(memory));
  benchmark::RegisterBenchmark("BM_authenticate_memory", authenticate_loop, std::cref(memory));
  benchmark::RegisterBenchmark("BM_authenticate_sqlite_uncached", authenticate_loop, std::cref(sqlite));
  benchmark::RegisterBenchmark("BM_authenticate_sqlite_cached", authenticate_loop, std::cref(sqlite_cached));

  std::unique_ptr<Setup> postgres, postgres_uncached;
  if (const char* url = postgres_url()) {
    PostgresUserStoreOptions options;
    options.schema = "authcore_bench";
    auto store = PostgresUserStore::open(url, options);
    auto uncached_store = PostgresUserStore::open(url, options);
    if (store && uncached_store) {
      postgres = std::make_unique<Setup>(std::move(*store), 1000ms);
      postgres_uncached = std::make_unique<Setup>(std::move(*uncached_store), 0ms);
      benchmark::RegisterBenchmark("BM_authenticate_postgres_cached", authenticate_loop, std::cref(*postgres));
      benchmark::RegisterBenchmark("BM_authenticate_postgres_uncached", authenticate_loop,
                                   std::cref(*postgres_uncached));
    } else {
      std::fprintf(stderr, "postgres: not available, skipped\n");
    }
  }

  const Setup interactive(std::make_unique<InMemoryUserStore>(), 0ms, PasswordPolicy::interactive());
  register_login_timing(interactive);

  bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::fprintf(reporter.table_stream(), "\nTargets (issue 5, DESIGN §8):\n");
  reporter.print_difference("authenticate (memory) - bare verify", "BM_authenticate_memory", "BM_bare_verify", 5.0);
  reporter.print_difference("authenticate (sqlite, cached) - bare verify", "BM_authenticate_sqlite_cached",
                            "BM_bare_verify", 5.0);
  reporter.print_difference("authenticate (postgres, cached) - bare verify", "BM_authenticate_postgres_cached",
                            "BM_bare_verify", 5.0);
  using Bound = bench::RatioReporter::Bound;
  reporter.print_ratio("login unknown user / wrong password (>= 0.8)", "BM_login_unknown_user",
                       "BM_login_wrong_password", 0.8, Bound::at_least);
  reporter.print_ratio("login unknown user / wrong password (<= 1.25)", "BM_login_unknown_user",
                       "BM_login_wrong_password", 1.25, Bound::at_most);
  benchmark::Shutdown();
  std::remove(database.c_str());
  std::remove((database + "-wal").c_str());
  std::remove((database + "-shm").c_str());
  return 0;
}
