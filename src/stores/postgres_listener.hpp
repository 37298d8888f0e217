// Internal: PostgresUserStore's LISTEN connection, through which it hears
// of other instances' revocations (DESIGN §5, "Fleets").
#ifndef AUTHCORE_STORES_POSTGRES_LISTENER_HPP
#define AUTHCORE_STORES_POSTGRES_LISTENER_HPP

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "authcore/result.hpp"
#include "stores/change_feed.hpp"
#include "stores/postgres_database.hpp"

namespace authcore::detail {

/// The channel every store's triggers notify, with the schema's name as the
/// payload (a channel name is an identifier of at most 63 bytes, too short
/// to hold a prefix and any schema name).
inline constexpr char kChangeChannel[] = "authcore";

/// A dedicated connection that LISTENs on kChangeChannel and moves `feed`
/// for every notification naming `schema`, on a thread of its own (no
/// request thread ever waits on it). When the connection breaks, `feed` is
/// lost (the session cache then asks the database on every request) until
/// a new one LISTENs again, tried every `retry_interval`.
class PostgresListener {
 public:
  using Opener = std::function<Result<std::unique_ptr<PostgresConnection>>()>;

  /// Connects and LISTENs before returning, so that no change after the
  /// store's opening goes unheard; fails when that fails.
  static Result<std::unique_ptr<PostgresListener>> start(Opener open, std::string schema,
                                                         std::chrono::milliseconds retry_interval);

  PostgresListener(const PostgresListener&) = delete;
  PostgresListener& operator=(const PostgresListener&) = delete;

  SessionChanges changes() const noexcept { return feed_.read(); }

 private:
  PostgresListener(Opener open, std::string schema, std::chrono::milliseconds retry_interval,
                   std::unique_ptr<PostgresConnection> connection);

  static Result<std::unique_ptr<PostgresConnection>> listening(const Opener& open);
  void step(const WatcherThread::Pause& pause);
  void reconnect(const WatcherThread::Pause& pause);

  Opener open_;
  std::string schema_;
  std::chrono::milliseconds retry_interval_;
  std::unique_ptr<PostgresConnection> connection_;  ///< the thread's; null while lost
  ChangeFeed feed_;
  WatcherThread thread_{[this](const WatcherThread::Pause& pause) { step(pause); }};
};

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_POSTGRES_LISTENER_HPP
