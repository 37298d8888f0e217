// The process's periodic work (DESIGN §7: returning freed memory, purging
// expired sessions) on one timer of the io_context.
#ifndef AUTHCORE_SERVER_MAINTENANCE_HPP
#define AUTHCORE_SERVER_MAINTENANCE_HPP

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

namespace authcore_server {

/// Runs each registered task every `interval`, on an io_context thread, all
/// from one timer. A task that blocks (a store call) must hand its work to
/// another thread itself. Tasks are registered before start(); they run one at
/// a time (the timer has its own strand); an exception a task throws is
/// reported on stderr and the task runs again next time.
class Maintenance {
 public:
  explicit Maintenance(boost::asio::io_context& io);
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  /// Runs `task` every `interval` (the first time one interval after start()).
  void every(std::chrono::milliseconds interval, std::string name, std::function<void()> task);
  void start();
  /// Cancels the timer: once the strand has run the cancellation (at once,
  /// or after a task already running), no task starts again.
  void stop();

 private:
  struct Task {
    std::string name;
    std::chrono::milliseconds interval;
    std::function<void()> run;
    std::chrono::steady_clock::time_point due;
  };

  void schedule();
  void run_due_tasks();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  std::vector<Task> tasks_;
  bool stopped_ = false;
};

}  // namespace authcore_server

#endif
