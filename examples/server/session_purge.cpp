#include "session_purge.hpp"

#include <exception>
#include <string>
#include <utility>

#include "authcore/clock.hpp"
#include "log_line.hpp"

namespace authcore_server {

SessionPurge::SessionPurge(authcore::UserStore& store, BlockingExecutor blocking, Metrics& metrics,
                           std::chrono::seconds inactivity_timeout)
    : store_(store), blocking_(std::move(blocking)), metrics_(metrics), inactivity_timeout_(inactivity_timeout) {}

void SessionPurge::start() {
  if (running_.exchange(true)) return;
  try {
    blocking_([this] { purge(); });
  } catch (const std::exception& error) {  // the pool is shutting down
    running_ = false;
    log_line(std::string("error: purge: ") + error.what());
  }
}

void SessionPurge::purge() {
  const auto purged = store_.purge_expired(authcore::SystemClock::instance().unix_seconds(), inactivity_timeout_);
  if (!purged) {
    log_line("error: purge: " + std::string(authcore::to_string(purged.error().code)) + ": " + purged.error().message);
  } else if (*purged > 0) {
    metrics_.count_purged(*purged);
    log_line("purged " + std::to_string(*purged) + " expired session" + (*purged == 1 ? "" : "s"));
  }
  running_ = false;
}

}  // namespace authcore_server
