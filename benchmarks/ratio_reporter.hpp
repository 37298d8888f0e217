// A Google Benchmark reporter that also remembers each benchmark's CPU time
// per iteration, so a program can print the ratios its targets are stated in
// (DESIGN §8: every target is relative to a baseline run in the same
// process, because the machine is shared and noisy).
#ifndef AUTHCORE_BENCHMARKS_RATIO_REPORTER_HPP
#define AUTHCORE_BENCHMARKS_RATIO_REPORTER_HPP

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  /// Whether a ratio must be at least or at most its bound.
  enum class Bound { at_most, at_least };

  // With --benchmark_repetitions the median is used, else the single run.
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
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

  /// Prints numerator / denominator against the target `bound`.
  void print_ratio(const char* label, const std::string& numerator, const std::string& denominator, double bound,
                   Bound kind) const {
    const auto n = ns_.find(numerator), d = ns_.find(denominator);
    if (n == ns_.end() || d == ns_.end() || d->second <= 0) {
      std::printf("  %-46s   n/a (not run)\n", label);
      return;
    }
    const double value = n->second / d->second;
    const bool met = kind == Bound::at_least ? value >= bound : value <= bound;
    std::printf("  %-46s %8.2f   target %s %.2f   %s\n", label, value, kind == Bound::at_least ? ">=" : "<=", bound,
                met ? "met" : "MISSED");
  }

  /// Prints numerator − denominator in microseconds against `bound_us`.
  void print_difference(const char* label, const std::string& numerator, const std::string& denominator,
                        double bound_us) const {
    const auto n = ns_.find(numerator), d = ns_.find(denominator);
    if (n == ns_.end() || d == ns_.end()) {
      std::printf("  %-46s   n/a (not run)\n", label);
      return;
    }
    const double difference_us = (n->second - d->second) / 1000.0;
    std::printf("  %-46s %8.2f µs   target <= %.2f µs   %s\n", label, difference_us, bound_us,
                difference_us <= bound_us ? "met" : "MISSED");
  }

 private:
  std::map<std::string, double> ns_;
  std::set<std::string> medians_;
};

}  // namespace bench

#endif
