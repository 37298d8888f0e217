// authcore/postgres_login_throttle.hpp: failed-login counters in
// PostgreSQL (target authcore::postgres), shared by every instance of a
// fleet.
#ifndef AUTHCORE_POSTGRES_LOGIN_THROTTLE_HPP
#define AUTHCORE_POSTGRES_LOGIN_THROTTLE_HPP

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "authcore/clock.hpp"
#include "authcore/login_throttle.hpp"
#include "authcore/postgres_export.hpp"
#include "authcore/postgres_user_store.hpp"
#include "authcore/result.hpp"

namespace authcore {

/// A LoginThrottle whose counters live in PostgreSQL (table
/// `login_failures` of the store's schema), so that every instance sharing
/// the database counts the same failures: an attacker who spreads guesses
/// over N instances is throttled after as many as on one (DESIGN §5,
/// "Fleets"). The policy and its semantics are InMemoryLoginThrottle's,
/// per username and per client address; each failure is one short
/// transaction that locks the two counters it updates, so concurrent
/// failures on any instances are all counted.
///
/// The table stays bounded: every 64 failures an instance records, it
/// deletes the counters that neither lock nor remember anything (older
/// than forget_after), and, when more than `max_tracked` remain, all but
/// the newest max_tracked / 2 (so at most max_tracked + 64 × instances
/// rows exist between two trims).
///
/// The LoginThrottle calls cannot fail. When the database does not answer,
/// this instance's own counters (kept in memory alongside, every failure
/// and success of this instance) decide: throttling is then that of
/// InMemoryLoginThrottle on one instance, never none.
/// Calls run on the Authenticator's login path, which waits for the
/// database anyway.
class AUTHCORE_POSTGRES_API PostgresLoginThrottle final : public LoginThrottle {
 public:
  /// Connects with `conninfo` (as PostgresUserStore::open()) to the schema
  /// of `connection` (the store's, whose migrations create the table; the
  /// throttle runs them too, so either may open first), with `policy`.
  /// Fails as PostgresUserStore::open() does.
  static Result<std::unique_ptr<PostgresLoginThrottle>> open(const std::string& conninfo,
                                                             const PostgresUserStoreOptions& connection = {},
                                                             LoginThrottleOptions policy = {});
  ~PostgresLoginThrottle() override;
  PostgresLoginThrottle(const PostgresLoginThrottle&) = delete;
  PostgresLoginThrottle& operator=(const PostgresLoginThrottle&) = delete;

  std::chrono::seconds check(std::string_view username, std::string_view client, Clock::time_point now) override;
  void record_failure(std::string_view username, std::string_view client, Clock::time_point now) override;
  void record_success(std::string_view username, std::string_view client, Clock::time_point now) override;

 private:
  class Impl;
  explicit PostgresLoginThrottle(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace authcore

#endif  // AUTHCORE_POSTGRES_LOGIN_THROTTLE_HPP
