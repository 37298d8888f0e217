#include "stores/postgres_listener.hpp"

#include <utility>

namespace authcore::detail {

namespace {

constexpr char kListen[] = "LISTEN authcore";

/// How long one wait for notifications lasts: the bound on how long
/// destroying the store waits for the thread.
constexpr std::chrono::milliseconds kWaitSlice{25};

}  // namespace

static_assert(std::string_view(kListen).substr(7) == kChangeChannel);

Result<std::unique_ptr<PostgresListener>> PostgresListener::start(Opener open, std::string schema,
                                                                  std::chrono::milliseconds retry_interval) {
  auto connection = listening(open);
  if (!connection) return connection.error();
  return std::unique_ptr<PostgresListener>(
      new PostgresListener(std::move(open), std::move(schema), retry_interval, std::move(*connection)));
}

PostgresListener::PostgresListener(Opener open, std::string schema, std::chrono::milliseconds retry_interval,
                                   std::unique_ptr<PostgresConnection> connection)
    : open_(std::move(open)),
      schema_(std::move(schema)),
      retry_interval_(retry_interval),
      connection_(std::move(connection)) {}

Result<std::unique_ptr<PostgresConnection>> PostgresListener::listening(const Opener& open) {
  auto connection = open();
  if (!connection) return connection.error();
  if (auto listened = (*connection)->execute_script(kListen); !listened) return listened.error();
  return connection;
}

void PostgresListener::step(const WatcherThread::Pause& pause) {
  if (!connection_) return reconnect(pause);
  const auto payloads = connection_->await_notifications(kWaitSlice);
  if (!payloads) {
    connection_.reset();
    feed_.lost();
    return;
  }
  for (const auto& payload : *payloads) {
    if (payload == schema_) feed_.changed();
  }
}

// Whatever was notified while no connection listened is unknown: the feed
// counts the reconnection as a change (ChangeFeed::restored()).
void PostgresListener::reconnect(const WatcherThread::Pause& pause) {
  if (!pause(retry_interval_)) return;
  auto connection = listening(open_);
  if (!connection) return;
  connection_ = std::move(*connection);
  feed_.restored();
}

}  // namespace authcore::detail
