// Password benchmarks. DESIGN §8: a password hash costs within 5% of raw
// libsodium crypto_pwhash_str at the same parameters. For each preset,
// PasswordHasher::hash() and ::verify() are timed against
// crypto_pwhash_str() and crypto_pwhash_str_verify() called directly; then
// legacy verification (passlib bcrypt-12 and pbkdf2_sha256), the refusal of
// a stored hash over a cost cap, and one HashGate round trip. The output
// ends with the ratio table, in Markdown for docs/performance.md.
//
// Each Argon2 benchmark is paired: an iteration runs authcore and raw
// libsodium once each, alternating which goes first, and the ratio is of the
// two totals, so both sides see the same machine state (page faults of the
// fresh Argon2 memory, memory bandwidth taken by other tenants), whose drift
// on a shared 2-core host is larger than the 5% being checked when the two
// run minutes apart. Even so, two identical 1 GiB hashes differ by up to 10%
// here, so the presets' ratios are as exact as their pair counts allow; the
// "minimum" row (t=1, 8 KiB: microseconds per hash, thousands of pairs)
// measures authcore's own overhead per call precisely. Run a Release build.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "authcore/hash_gate.hpp"
#include "authcore/password_hasher.hpp"
#include "ratio_reporter.hpp"

using namespace authcore;

namespace {

using Milliseconds = std::chrono::duration<double, std::milli>;

constexpr std::string_view kPassword = "correct horse battery staple";
// kPassword hashed by passlib 1.7.4: bcrypt.using(rounds=12) (a FastAPI
// application's CryptContext) and pbkdf2_sha256 with its defaults.
constexpr const char* kPasslibBcrypt12 = "$2b$12$vhIKXs4sGyi0R5rwlIi6iOLVxdBU/Xbl7anpctTMxjPljlNlC818e";
constexpr const char* kPasslibPbkdf2 =
    "$pbkdf2-sha256$29000$LgVACAFg7B3jPMdYa00phQ$obEdSUDVQv10CuZ9XIAvvn9fWI83oPWVTEiULUtOzaU";
constexpr const char* kCappedHash =
    "$argon2id$v=19$m=65536,t=4294967295,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

struct Preset {
  const char* name;
  PasswordPolicy policy;
  benchmark::IterationCount pairs;  // fewer for the slow presets
};

// Runs `operation` once; false when it failed.
template <class Operation>
bool timed_once(Operation& operation, Milliseconds& total) {
  const auto start = std::chrono::steady_clock::now();
  const bool ok = operation();
  total += std::chrono::steady_clock::now() - start;
  return ok;
}

template <class Authcore, class Raw>
void paired(benchmark::State& state, Authcore authcore, Raw raw) {
  Milliseconds authcore_total{0}, raw_total{0};
  bool authcore_first = true;
  for (auto _ : state) {
    const bool ok = authcore_first ? timed_once(authcore, authcore_total) && timed_once(raw, raw_total)
                                   : timed_once(raw, raw_total) && timed_once(authcore, authcore_total);
    if (!ok) state.SkipWithError("a hash failed");
    authcore_first = !authcore_first;
  }
  using benchmark::Counter;
  state.counters["authcore_ms"] = Counter(authcore_total.count(), Counter::kAvgIterations);
  state.counters["raw_ms"] = Counter(raw_total.count(), Counter::kAvgIterations);
  state.counters["ratio"] = authcore_total / raw_total;
  const Milliseconds overhead = (authcore_total - raw_total) / static_cast<double>(state.iterations());
  state.counters["overhead_us"] = std::chrono::duration<double, std::micro>(overhead).count();
}

// The hasher and the stored hash live as long as the benchmarks that use them.
void register_preset(const Preset& preset) {
  const auto hasher = std::make_shared<const PasswordHasher>(preset.policy);
  const auto stored = std::make_shared<const std::string>(hasher->hash(kPassword).value());
  const PasswordPolicy policy = preset.policy;
  const std::string base = std::string("argon2id_") + preset.name;

  const auto authcore_hash = [hasher] { return hasher->hash(kPassword).has_value(); };
  const auto raw_hash = [policy] {
    char out[crypto_pwhash_STRBYTES];
    return crypto_pwhash_str(out, kPassword.data(), kPassword.size(), policy.time_cost, policy.memory_bytes) == 0;
  };
  const auto authcore_verify = [hasher, stored] { return hasher->verify(kPassword, *stored) == PasswordCheck::match; };
  const auto raw_verify = [stored] {
    return crypto_pwhash_str_verify(stored->c_str(), kPassword.data(), kPassword.size()) == 0;
  };
  benchmark::RegisterBenchmark((base + "/hash").c_str(),
                               [=](benchmark::State& state) { paired(state, authcore_hash, raw_hash); })
      ->Iterations(preset.pairs)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark((base + "/verify").c_str(),
                               [=](benchmark::State& state) { paired(state, authcore_verify, raw_verify); })
      ->Iterations(preset.pairs)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

void verify_stored(benchmark::State& state, const PasswordHasher& hasher, std::string_view stored,
                   PasswordCheck expected) {
  for (auto _ : state) {
    if (hasher.verify(kPassword, stored) != expected) state.SkipWithError("unexpected PasswordCheck");
  }
}

void register_legacy_and_gate() {
  static const PasswordHasher hasher;
  static HashGate gate;
  const auto add_verify = [](const char* name, const char* stored, PasswordCheck expected, benchmark::TimeUnit unit) {
    benchmark::RegisterBenchmark(name, [stored, expected](benchmark::State& state) {
      verify_stored(state, hasher, stored, expected);
    })->Unit(unit);
  };
  add_verify("passlib_bcrypt12/verify", kPasslibBcrypt12, PasswordCheck::match, benchmark::kMillisecond);
  add_verify("passlib_pbkdf2_sha256_29000/verify", kPasslibPbkdf2, PasswordCheck::match, benchmark::kMillisecond);
  add_verify("argon2id_t4294967295/verify_refused", kCappedHash, PasswordCheck::malformed, benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("hash_gate/run_empty_job",
                               [](benchmark::State& state) {
                                 for (auto _ : state) {
                                   if (!gate.run([] {})) state.SkipWithError("HashGate refused");
                                 }
                               })
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
}

// Reports as --benchmark_format says, and keeps the paired results for the
// ratio table.
class PairReporter : public bench::CollectingReporter {
 public:
  void print_ratios() const {
    std::fprintf(
        table_stream(),
        "\n| operation | authcore (ms) | raw libsodium (ms) | authcore / raw | difference per call (us) | pairs |\n"
        "|---|---:|---:|---:|---:|---:|\n");
    for (const auto& row : rows_) {
      std::fprintf(table_stream(), "| %s | %.3f | %.3f | %.3f | %.2f | %lld |\n", row.operation.c_str(),
                   row.authcore_ms, row.raw_ms, row.ratio, row.overhead_us, static_cast<long long>(row.pairs));
    }
  }

 protected:
  void collect(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      const auto ratio = run.counters.find("ratio");
      if (ratio == run.counters.end()) continue;
      rows_.push_back({run.run_name.function_name, run.counters.at("authcore_ms").value,
                       run.counters.at("raw_ms").value, ratio->second.value, run.counters.at("overhead_us").value,
                       run.iterations});
    }
  }

 private:
  struct Row {
    std::string operation;
    double authcore_ms;
    double raw_ms;
    double ratio;
    double overhead_us;
    benchmark::IterationCount pairs;
  };
  std::vector<Row> rows_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const Preset presets[] = {
      {"minimum", PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes), 20000},
      {"interactive", PasswordPolicy::interactive(), 40},
      {"moderate", PasswordPolicy::moderate(), 12},
      {"sensitive", PasswordPolicy::sensitive(), 8},
  };
  for (const Preset& preset : presets) {
    register_preset(preset);
  }
  register_legacy_and_gate();

  PairReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
