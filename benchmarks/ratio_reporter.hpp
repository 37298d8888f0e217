// Google Benchmark reporters that let a program print the ratios its targets
// are stated in (DESIGN §8: every target is relative to a baseline run in the
// same process, because the machine is shared and noisy) while honouring
// Google Benchmark's own flags: the display reporter is the one
// --benchmark_format asks for (console, json or csv), and --benchmark_out
// still writes its file. The table goes after the console output, or to
// stderr when stdout carries JSON or CSV, so that stdout stays parseable.
#ifndef AUTHCORE_BENCHMARKS_RATIO_REPORTER_HPP
#define AUTHCORE_BENCHMARKS_RATIO_REPORTER_HPP

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace bench {

/// Passes everything on to the display reporter of --benchmark_format and
/// lets a subclass collect the runs. Construct it after
/// benchmark::Initialize(), which reads the flags.
class CollectingReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context& context) override { return display_->ReportContext(context); }
  void ReportRuns(const std::vector<Run>& runs) override {
    display_->ReportRuns(runs);
    collect(runs);
  }
  void Finalize() override { display_->Finalize(); }

  /// Where a program prints its table: stdout after console output,
  /// stderr when stdout is JSON or CSV.
  std::FILE* table_stream() const {
    return dynamic_cast<const benchmark::ConsoleReporter*>(display_) != nullptr ? stdout : stderr;
  }

 protected:
  virtual void collect(const std::vector<Run>& runs) = 0;

 private:
  // Google Benchmark owns it (one per process).
  benchmark::BenchmarkReporter* display_ = benchmark::CreateDefaultDisplayReporter();
};

/// Remembers each benchmark's CPU time per iteration and prints ratios and
/// differences of two of them against their targets.
class RatioReporter : public CollectingReporter {
 public:
  /// Whether a ratio must be at least or at most its bound.
  enum class Bound { at_most, at_least };

  /// Prints numerator / denominator against the target `bound`.
  void print_ratio(const char* label, const std::string& numerator, const std::string& denominator, double bound,
                   Bound kind) const {
    const auto n = ns_.find(numerator), d = ns_.find(denominator);
    if (n == ns_.end() || d == ns_.end() || d->second <= 0) {
      std::fprintf(table_stream(), "  %-46s   n/a (not run)\n", label);
      return;
    }
    const double value = n->second / d->second;
    const bool met = kind == Bound::at_least ? value >= bound : value <= bound;
    std::fprintf(table_stream(), "  %-46s %8.2f   target %s %.2f   %s\n", label, value,
                 kind == Bound::at_least ? ">=" : "<=", bound, met ? "met" : "MISSED");
  }

  /// Prints numerator − denominator in microseconds against `bound_us`.
  void print_difference(const char* label, const std::string& numerator, const std::string& denominator,
                        double bound_us) const {
    const auto n = ns_.find(numerator), d = ns_.find(denominator);
    if (n == ns_.end() || d == ns_.end()) {
      std::fprintf(table_stream(), "  %-46s   n/a (not run)\n", label);
      return;
    }
    const double difference_us = (n->second - d->second) / 1000.0;
    std::fprintf(table_stream(), "  %-46s %8.2f µs   target <= %.2f µs   %s\n", label, difference_us, bound_us,
                 difference_us <= bound_us ? "met" : "MISSED");
  }

 protected:
  // With --benchmark_repetitions the median is used, else the single run.
  void collect(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.error_occurred) continue;
      const std::string& name = run.run_name.function_name;
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        ns_[name] = run.GetAdjustedCPUTime();
        medians_.insert(name);
      } else if (run.run_type == Run::RT_Iteration && medians_.count(name) == 0) {
        ns_[name] = run.GetAdjustedCPUTime();
      }
    }
  }

 private:
  std::map<std::string, double> ns_;
  std::set<std::string> medians_;
};

}  // namespace bench

#endif
