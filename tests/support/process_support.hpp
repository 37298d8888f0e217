// Helpers for tests that need more than one process: a forked child that
// meets the parent at a start line and reports back through a pipe, and a
// child that is SIGKILLed at a chosen moment.
#ifndef AUTHCORE_TESTS_SUPPORT_PROCESS_SUPPORT_HPP
#define AUTHCORE_TESTS_SUPPORT_PROCESS_SUPPORT_HPP

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>

namespace authcore::test {

/// Writes all of `line` and a newline to `fd` in one write(2), so a reader
/// never sees half a line from a process killed mid-write (PIPE_BUF).
void write_line(int fd, const std::string& line);

/// A start line for a parent and its child: each side's arrive_and_wait()
/// returns only once both have arrived.
class StartGate {
 public:
  StartGate();
  ~StartGate();
  StartGate(const StartGate&) = delete;
  StartGate& operator=(const StartGate&) = delete;

  void arrive_and_wait();
  /// Called in the child right after fork(): from now on this is its side.
  void become_child() noexcept { is_child_ = true; }

 private:
  int child_ready_[2];
  int parent_ready_[2];
  bool is_child_ = false;
};

/// A forked child running `body(gate)`; what `body` returns is sent back to
/// the parent. The child never returns into the test framework: it ends
/// with _exit().
class ChildProcess {
 public:
  explicit ChildProcess(const std::function<std::string(StartGate&)>& body);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  StartGate& gate() noexcept { return gate_; }
  /// Waits for the child to end; returns what its body returned ("" if it
  /// died).
  std::string finish();

 private:
  StartGate gate_;
  int result_pipe_ = -1;
  pid_t pid_ = -1;
};

/// Forks a child running `body(report_fd)` (which must not return), waits
/// for its first report plus `lifetime`, SIGKILLs it, and returns every
/// byte it reported.
std::string run_and_kill(const std::function<void(int report_fd)>& body, std::chrono::milliseconds lifetime);

}  // namespace authcore::test

#endif  // AUTHCORE_TESTS_SUPPORT_PROCESS_SUPPORT_HPP
