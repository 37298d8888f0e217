// authcore/clock.hpp: the only source of "now" in authcore.
#ifndef AUTHCORE_CLOCK_HPP
#define AUTHCORE_CLOCK_HPP

#include <atomic>
#include <chrono>
#include <cstdint>

#include "authcore/export.hpp"

namespace authcore {

/// Where authcore reads the current time. Nothing in the library calls the
/// system clock directly, so tests can pin time with FixedClock.
/// Implementations must be thread-safe.
class AUTHCORE_API Clock {
 public:
  /// A point on the system clock.
  using time_point = std::chrono::system_clock::time_point;

  virtual ~Clock();
  /// The current time.
  virtual time_point now() const noexcept = 0;

  /// now() as whole seconds since the Unix epoch, rounded down. This is what
  /// token checks read; a clock may serve it more cheaply than now().
  virtual std::int64_t unix_seconds() const noexcept;
};

/// The system's wall clock (std::chrono::system_clock).
class AUTHCORE_API SystemClock final : public Clock {
 public:
  /// std::chrono::system_clock::now().
  time_point now() const noexcept override;
  /// From the coarse real-time clock (CLOCK_REALTIME_COARSE, a few
  /// milliseconds of resolution): ample for one-second NumericDates and
  /// several times cheaper than a precise read on the verify path.
  std::int64_t unix_seconds() const noexcept override;
  /// A process-wide instance, the default wherever a Clock is optional.
  static const SystemClock& instance() noexcept;
};

/// A clock that stays where it is put: for tests and for replaying events.
/// set() and advance() may be called while other threads read now().
class AUTHCORE_API FixedClock final : public Clock {
 public:
  /// A clock stopped at `at`.
  explicit FixedClock(time_point at) noexcept;
  /// Convenience: a clock at `seconds` since the Unix epoch.
  static time_point from_unix_seconds(std::int64_t seconds) noexcept;

  /// Where the clock was last put.
  time_point now() const noexcept override;
  /// Moves the clock to `at` (forwards or backwards).
  void set(time_point at) noexcept;
  /// Moves the clock by `by` (negative goes back).
  void advance(std::chrono::system_clock::duration by) noexcept;

 private:
  std::atomic<std::chrono::system_clock::rep> ticks_;
};

}  // namespace authcore

#endif  // AUTHCORE_CLOCK_HPP
