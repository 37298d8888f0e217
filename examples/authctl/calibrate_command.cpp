// calibrate: PasswordPolicy::calibrate() on this machine, its progress on
// stderr, the policy on stdout in the form authcore-server's
// --password-policy takes.
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <authcore/password_hasher.hpp>

#include "commands.hpp"
#include "io.hpp"

namespace authctl {
namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

struct CalibrateArguments {
  std::string target = "250ms";
  std::size_t max_memory_mib = 256;
};

// "250ms" or "1s": a positive whole number and its unit. Throws
// Failure(usage) for anything else.
std::chrono::milliseconds parse_target(std::string_view text) {
  std::uint64_t count = 0;
  const char* const end = text.data() + text.size();
  const auto [rest, parsed] = std::from_chars(text.data(), end, count);
  const std::string_view unit(rest, static_cast<std::size_t>(end - rest));
  const std::uint64_t per_unit = unit == "ms" ? 1 : unit == "s" ? 1000 : 0;
  constexpr std::uint64_t kMaxMilliseconds = 60 * 60 * 1000;  // an hour: more is a typo
  if (parsed != std::errc{} || per_unit == 0 || count == 0 || count > kMaxMilliseconds / per_unit) {
    throw Failure(kind::usage, "--target '" + std::string(text) +
                                   "': expected a positive number of milliseconds or seconds, e.g. 250ms or 1s");
  }
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(count * per_unit));
}

std::string policy_text(std::uint32_t time_cost, std::size_t memory_bytes) {
  return "t=" + std::to_string(time_cost) + ",m=" + std::to_string(memory_bytes / kMiB);
}

std::string describe(const authcore::CalibrationStep& step, std::chrono::milliseconds target) {
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(step.took).count();
  const std::string timing = std::to_string(took) + " ms";
  if (step.probe) return "probe t=1,m=" + std::to_string(step.memory_bytes / kMiB) + ": " + timing;
  return "trying " + policy_text(step.time_cost, step.memory_bytes) + ": " + timing +
         (step.fits ? " (fits " : " (over ") + std::to_string(target.count()) + " ms)";
}

// Progress on stderr: on a terminal one line rewritten in place ('\r',
// padded over the longer line before it); elsewhere (a log, a pipe) one
// line per step, since a '\r' there only garbles the file.
class Progress {
 public:
  explicit Progress(std::chrono::milliseconds target) : target_(target), terminal_(::isatty(STDERR_FILENO) == 1) {}
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void show(const authcore::CalibrationStep& step) {
    std::string line = describe(step, target_);
    if (!terminal_) return write(line + "\n");
    const std::size_t length = line.size();
    if (length < shown_) line.append(shown_ - length, ' ');
    shown_ = length;
    write("\r" + line);
  }
  // Ends the line being rewritten, so what follows starts on its own.
  void finish() {
    if (terminal_ && shown_ != 0) write("\n");
  }

 private:
  static void write(const std::string& text) { (void)write_all(STDERR_FILENO, text); }

  std::chrono::milliseconds target_;
  bool terminal_;
  std::size_t shown_ = 0;
};

Exit run_calibrate(const CalibrateArguments& arguments) {
  const auto target = parse_target(arguments.target);
  Progress progress(target);
  const auto policy =
      authcore::PasswordPolicy::calibrate(target, arguments.max_memory_mib * kMiB,
                                          [&progress](const authcore::CalibrationStep& step) { progress.show(step); });
  progress.finish();
  write_stdout(policy_text(policy.time_cost, policy.memory_bytes) + "\n");
  return Exit::ok;
}

}  // namespace

Command add_calibrate(CLI::App& app) {
  auto arguments = std::make_shared<CalibrateArguments>();
  CLI::App* command =
      app.add_subcommand("calibrate",
                         "Time Argon2id here and print the strongest policy within --target, as authcore-server's "
                         "--password-policy takes it (t=N,m=MiB)");
  command->add_option("--target", arguments->target, "Time one hash may take: milliseconds or seconds, e.g. 250ms, 1s")
      ->capture_default_str();
  command->add_option("--max-memory", arguments->max_memory_mib, "Most memory one hash may use, in MiB")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{19}, std::size_t{4096}));
  command->footer(
      "Progress goes to stderr. Run it once, on the production machine while idle, and keep what it prints:\n"
      "  authctl calibrate --target 250ms   # e.g. t=3,m=256\n"
      "  authcore-server --password-policy t=3,m=256");
  return {command, [arguments] { return run_calibrate(*arguments); }};
}

}  // namespace authctl
