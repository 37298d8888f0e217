// Internal: the failed-login policy of LoginThrottleOptions, shared by the
// in-memory and the PostgreSQL throttles so that both count alike.
#ifndef AUTHCORE_DETAIL_THROTTLE_POLICY_HPP
#define AUTHCORE_DETAIL_THROTTLE_POLICY_HPP

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "authcore/clock.hpp"
#include "authcore/login_throttle.hpp"

namespace authcore::detail {

/// The failures remembered for one username or client address.
struct ThrottleRecord {
  std::uint32_t failures = 0;
  Clock::time_point last_failure{};
  Clock::time_point locked_until{};
};

/// Keys of the two kinds share one namespace, told apart by a prefix byte
/// that cannot start a username or an address.
inline std::string username_key(std::string_view username) { return "u" + std::string(username); }
inline std::string client_key(std::string_view client) { return "c" + std::string(client); }

inline std::chrono::seconds whole_seconds_until(Clock::time_point until, Clock::time_point now) {
  if (until <= now) return std::chrono::seconds{0};
  return std::chrono::ceil<std::chrono::seconds>(until - now);
}

/// base_delay × 2^(failures beyond the free ones − 1), capped at max_delay.
inline std::chrono::seconds delay_after(std::uint32_t failures, const LoginThrottleOptions& options) {
  const std::uint32_t doublings = failures - options.free_attempts - 1;
  constexpr std::uint32_t kMaxDoublings = 30;  // 2^30 s is past any sane cap
  const auto delay = options.base_delay * (std::int64_t{1} << std::min(doublings, kMaxDoublings));
  return std::min(delay, options.max_delay);
}

/// `record` after one more failure at `now`: failures older than
/// forget_after are forgotten first; past the free attempts, each failure
/// locks the key for the back-off delay.
inline void count_failure(ThrottleRecord& record, Clock::time_point now, const LoginThrottleOptions& options) {
  if (now - record.last_failure > options.forget_after) record.failures = 0;
  ++record.failures;
  record.last_failure = now;
  if (record.failures > options.free_attempts) record.locked_until = now + delay_after(record.failures, options);
}

/// True when `record` neither locks nor remembers anything at `now`.
inline bool is_stale(const ThrottleRecord& record, Clock::time_point now, const LoginThrottleOptions& options) {
  return record.locked_until <= now && now - record.last_failure > options.forget_after;
}

}  // namespace authcore::detail

#endif  // AUTHCORE_DETAIL_THROTTLE_POLICY_HPP
