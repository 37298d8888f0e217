#include "support/process_support.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <stdexcept>

namespace authcore::test {

namespace {

void make_pipe(int (&ends)[2]) {
  if (::pipe(ends) != 0) throw std::runtime_error("pipe failed");
}

void close_pipe(int (&ends)[2]) noexcept {
  for (int& end : ends) {
    if (end >= 0) ::close(end);
    end = -1;
  }
}

void write_byte(int fd) {
  const char byte = 1;
  while (::write(fd, &byte, 1) < 0 && errno == EINTR) {
  }
}

void read_byte(int fd) {
  char byte = 0;
  while (::read(fd, &byte, 1) < 0 && errno == EINTR) {
  }
}

/// Reads what is available on `fd` into `out`, waiting at most `timeout`;
/// false at end of file.
bool read_some(int fd, std::string& out, std::chrono::milliseconds timeout) {
  pollfd ready{fd, POLLIN, 0};
  if (::poll(&ready, 1, static_cast<int>(timeout.count())) <= 0) return true;
  std::array<char, 4096> buffer;
  const ssize_t got = ::read(fd, buffer.data(), buffer.size());
  if (got < 0) return errno == EINTR;
  out.append(buffer.data(), static_cast<std::size_t>(got));
  return got > 0;
}

std::string read_to_end(int fd) {
  std::string out;
  while (read_some(fd, out, std::chrono::milliseconds(-1))) {
  }
  return out;
}

pid_t fork_or_throw() {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  return pid;
}

void wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

void write_line(int fd, const std::string& line) {
  const std::string data = line + "\n";
  while (::write(fd, data.data(), data.size()) < 0 && errno == EINTR) {
  }
}

StartGate::StartGate() {
  make_pipe(child_ready_);
  make_pipe(parent_ready_);
}

StartGate::~StartGate() {
  close_pipe(child_ready_);
  close_pipe(parent_ready_);
}

void StartGate::arrive_and_wait() {
  if (is_child_) {
    write_byte(child_ready_[1]);
    read_byte(parent_ready_[0]);
  } else {
    write_byte(parent_ready_[1]);
    read_byte(child_ready_[0]);
  }
}

ChildProcess::ChildProcess(const std::function<std::string(StartGate&)>& body) {
  int result[2];
  make_pipe(result);
  pid_ = fork_or_throw();
  if (pid_ == 0) {
    ::close(result[0]);
    gate_.become_child();
    write_line(result[1], body(gate_));
    ::_exit(0);
  }
  ::close(result[1]);
  result_pipe_ = result[0];
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    wait_for(pid_);
  }
  if (result_pipe_ >= 0) ::close(result_pipe_);
}

std::string ChildProcess::finish() {
  std::string out = read_to_end(result_pipe_);
  wait_for(pid_);
  pid_ = -1;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string run_and_kill(const std::function<void(int report_fd)>& body, std::chrono::milliseconds lifetime) {
  int report[2];
  make_pipe(report);
  const pid_t pid = fork_or_throw();
  if (pid == 0) {
    ::close(report[0]);
    body(report[1]);
    ::_exit(0);
  }
  ::close(report[1]);
  std::string out;
  // Kill only once the child has acknowledged something: the point is to
  // interrupt writes in flight, not a process still opening the file.
  while (out.empty() && read_some(report[0], out, std::chrono::milliseconds(-1))) {
  }
  const auto deadline = std::chrono::steady_clock::now() + lifetime;
  for (auto now = std::chrono::steady_clock::now(); now < deadline; now = std::chrono::steady_clock::now()) {
    read_some(report[0], out, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
  }
  ::kill(pid, SIGKILL);
  wait_for(pid);
  out += read_to_end(report[0]);
  ::close(report[0]);
  return out;
}

}  // namespace authcore::test
