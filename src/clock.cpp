#include "authcore/clock.hpp"

#include <time.h>  // NOLINT(modernize-deprecated-headers): POSIX clock_gettime, not in <ctime>

namespace authcore {

Clock::~Clock() = default;

std::int64_t Clock::unix_seconds() const noexcept {
  using std::chrono::floor;
  using std::chrono::seconds;
  return floor<seconds>(now().time_since_epoch()).count();
}

Clock::time_point SystemClock::now() const noexcept { return std::chrono::system_clock::now(); }

std::int64_t SystemClock::unix_seconds() const noexcept {
  timespec now{};
  if (::clock_gettime(CLOCK_REALTIME_COARSE, &now) != 0) return Clock::unix_seconds();
  return static_cast<std::int64_t>(now.tv_sec);
}

const SystemClock& SystemClock::instance() noexcept {
  static const SystemClock clock;
  return clock;
}

FixedClock::FixedClock(time_point at) noexcept : ticks_(at.time_since_epoch().count()) {}

Clock::time_point FixedClock::from_unix_seconds(std::int64_t seconds) noexcept {
  return time_point(std::chrono::seconds(seconds));
}

Clock::time_point FixedClock::now() const noexcept {
  return time_point(std::chrono::system_clock::duration(ticks_.load(std::memory_order_acquire)));
}

void FixedClock::set(time_point at) noexcept { ticks_.store(at.time_since_epoch().count(), std::memory_order_release); }

void FixedClock::advance(std::chrono::system_clock::duration by) noexcept {
  ticks_.fetch_add(by.count(), std::memory_order_acq_rel);
}

}  // namespace authcore
