#include "maintenance.hpp"

#include <algorithm>
#include <exception>
#include <iostream>
#include <utility>

#include <boost/asio/post.hpp>

namespace authcore_server {

Maintenance::Maintenance(boost::asio::io_context& io) : strand_(boost::asio::make_strand(io)), timer_(strand_) {}

void Maintenance::every(std::chrono::milliseconds interval, std::string name, std::function<void()> task) {
  tasks_.push_back(Task{std::move(name), interval, std::move(task), {}});
}

void Maintenance::start() {
  boost::asio::post(strand_, [this] {
    const auto now = std::chrono::steady_clock::now();
    for (auto& task : tasks_) task.due = now + task.interval;
    schedule();
  });
}

void Maintenance::stop() {
  boost::asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

// The timer sleeps until the earliest task is due.
void Maintenance::schedule() {
  if (stopped_ || tasks_.empty()) return;
  const auto next =
      std::min_element(tasks_.begin(), tasks_.end(), [](const Task& a, const Task& b) { return a.due < b.due; });
  timer_.expires_at(next->due);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    run_due_tasks();
    schedule();
  });
}

void Maintenance::run_due_tasks() {
  const auto now = std::chrono::steady_clock::now();
  for (auto& task : tasks_) {
    if (task.due > now) continue;
    task.due = now + task.interval;
    try {
      task.run();
    } catch (const std::exception& error) {
      std::cerr << "error: maintenance: " << task.name << ": " << error.what() << '\n';
    }
  }
}

}  // namespace authcore_server
