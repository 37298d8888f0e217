// authcore/login_throttle.hpp: throttling of failed logins.
#ifndef AUTHCORE_LOGIN_THROTTLE_HPP
#define AUTHCORE_LOGIN_THROTTLE_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "authcore/clock.hpp"
#include "authcore/export.hpp"

namespace authcore {

/// Decides when a login may be attempted, from the failures seen so far for
/// the username and for the client address. The Authenticator asks check()
/// before any password work and reports each outcome. Implementations must
/// be thread-safe; subclass it to keep the counters elsewhere (a shared
/// cache, so that several instances throttle together).
class AUTHCORE_API LoginThrottle {
 public:
  virtual ~LoginThrottle();

  /// Zero when a login for `username` from `client` may proceed at `now`;
  /// otherwise how long to wait (ErrorCode::too_many_attempts carries it as
  /// retry_after). `client` may be empty (unknown).
  virtual std::chrono::seconds check(std::string_view username, std::string_view client, Clock::time_point now) = 0;
  /// A failed attempt: wrong password or unknown user.
  virtual void record_failure(std::string_view username, std::string_view client, Clock::time_point now) = 0;
  /// A successful login: the username's failures are forgotten (the
  /// client's are not, or one's own account would reset an attacker's
  /// counter between guesses at others).
  virtual void record_success(std::string_view username, std::string_view client, Clock::time_point now) = 0;

 protected:
  LoginThrottle() = default;
};

/// The policy of InMemoryLoginThrottle. Every field documents its default.
struct LoginThrottleOptions {
  /// Failures allowed before any delay. Default 5.
  std::uint32_t free_attempts = 5;
  /// The delay after the first failure beyond the free ones; it doubles with
  /// each further failure (exponential back-off). Default 1 s.
  std::chrono::seconds base_delay{1};
  /// The longest delay. Default 15 minutes.
  std::chrono::seconds max_delay{15 * 60};
  /// Failures older than this are forgotten. Default 1 hour.
  std::chrono::seconds forget_after{60 * 60};
  /// The most usernames and client addresses tracked at once; beyond it the
  /// stalest entries are dropped (memory stays bounded under a flood of
  /// names, at the cost of forgetting them). Default 100,000.
  std::size_t max_tracked = 100'000;
};

/// LoginThrottle with counters in this process's memory, per username and
/// per client address, each throttled on its own: after free_attempts
/// failures, every further failure locks that key for base_delay × 2^k
/// (capped at max_delay), and check() returns the longer of the two locks.
class AUTHCORE_API InMemoryLoginThrottle final : public LoginThrottle {
 public:
  /// A throttle with `options` (see LoginThrottleOptions for the defaults).
  explicit InMemoryLoginThrottle(LoginThrottleOptions options = {});
  ~InMemoryLoginThrottle() override;

  std::chrono::seconds check(std::string_view username, std::string_view client, Clock::time_point now) override;
  void record_failure(std::string_view username, std::string_view client, Clock::time_point now) override;
  void record_success(std::string_view username, std::string_view client, Clock::time_point now) override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace authcore

#endif  // AUTHCORE_LOGIN_THROTTLE_HPP
