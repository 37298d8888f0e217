#include "authcore/clock.hpp"

#include <chrono>

#include "support/catch.hpp"

using authcore::FixedClock;

TEST_CASE("FixedClock stays where it is put", "[clock]") {
  FixedClock clock(FixedClock::from_unix_seconds(1'700'000'000));
  CHECK(clock.unix_seconds() == 1'700'000'000);
  clock.advance(std::chrono::seconds(5));
  CHECK(clock.unix_seconds() == 1'700'000'005);
  clock.set(FixedClock::from_unix_seconds(42));
  CHECK(clock.unix_seconds() == 42);
}

TEST_CASE("unix_seconds rounds down, also before 1970", "[clock]") {
  FixedClock clock(FixedClock::from_unix_seconds(10) + std::chrono::milliseconds(999));
  CHECK(clock.unix_seconds() == 10);
  clock.set(FixedClock::from_unix_seconds(-10) + std::chrono::milliseconds(500));
  CHECK(clock.unix_seconds() == -10);
  clock.set(FixedClock::from_unix_seconds(-10) - std::chrono::milliseconds(1));
  CHECK(clock.unix_seconds() == -11);
}

TEST_CASE("SystemClock reads the wall clock", "[clock]") {
  const auto before = std::chrono::system_clock::now();
  const auto now = authcore::SystemClock::instance().now();
  CHECK(now >= before);
  CHECK(now - before < std::chrono::seconds(5));
}
