#include "authcore/login_throttle.hpp"

#include <string>

#include "support/catch.hpp"

using namespace authcore;
using namespace std::chrono_literals;

namespace {

const Clock::time_point kStart = FixedClock::from_unix_seconds(1'700'000'000);

LoginThrottleOptions small_options() {
  LoginThrottleOptions options;
  options.free_attempts = 2;
  options.base_delay = 1s;
  options.max_delay = 8s;
  options.forget_after = 60s;
  return options;
}

}  // namespace

TEST_CASE("delays double after the free attempts and stop at the cap", "[login_throttle]") {
  InMemoryLoginThrottle throttle(small_options());
  auto now = kStart;
  CHECK(throttle.check("alice", "", now) == 0s);
  throttle.record_failure("alice", "", now);
  throttle.record_failure("alice", "", now);
  CHECK(throttle.check("alice", "", now) == 0s);  // two free attempts
  const std::chrono::seconds expected[] = {1s, 2s, 4s, 8s, 8s, 8s};
  for (const auto delay : expected) {
    throttle.record_failure("alice", "", now);
    CHECK(throttle.check("alice", "", now) == delay);
    now += delay;
    CHECK(throttle.check("alice", "", now) == 0s);
  }
  CHECK(throttle.check("bob", "", now) == 0s);  // other usernames are unaffected
}

TEST_CASE("retry-after rounds up to whole seconds", "[login_throttle]") {
  InMemoryLoginThrottle throttle(small_options());
  for (int i = 0; i < 4; ++i) throttle.record_failure("alice", "", kStart);  // locked 2 s
  CHECK(throttle.check("alice", "", kStart + 500ms) == 2s);
  CHECK(throttle.check("alice", "", kStart + 1500ms) == 1s);
  CHECK(throttle.check("alice", "", kStart + 2s) == 0s);
}

TEST_CASE("success forgets the username, not the client", "[login_throttle]") {
  InMemoryLoginThrottle throttle(small_options());
  for (int i = 0; i < 3; ++i) throttle.record_failure("alice", "10.0.0.1", kStart);
  CHECK(throttle.check("alice", "10.0.0.2", kStart) == 1s);
  CHECK(throttle.check("bob", "10.0.0.1", kStart) == 1s);
  throttle.record_success("alice", "10.0.0.1", kStart + 1s);
  CHECK(throttle.check("alice", "10.0.0.2", kStart + 1s) == 0s);
  throttle.record_failure("bob", "10.0.0.1", kStart + 1s);  // the client's 4th failure
  CHECK(throttle.check("carol", "10.0.0.1", kStart + 1s) == 2s);
}

TEST_CASE("old failures are forgotten", "[login_throttle]") {
  InMemoryLoginThrottle throttle(small_options());
  for (int i = 0; i < 2; ++i) throttle.record_failure("alice", "", kStart);
  throttle.record_failure("alice", "", kStart + 61s);  // the earlier two are forgotten
  CHECK(throttle.check("alice", "", kStart + 61s) == 0s);
}

TEST_CASE("memory stays bounded under a flood of names", "[login_throttle]") {
  auto options = small_options();
  options.max_tracked = 100;
  options.free_attempts = 0;
  InMemoryLoginThrottle throttle(options);
  for (int i = 0; i < 10'000; ++i) {
    throttle.record_failure("user" + std::to_string(i), "", kStart + std::chrono::milliseconds(i));
  }
  // The newest names are still locked.
  CHECK(throttle.check("user9999", "", kStart + 10s) == 1s);
  // user0 was dropped to make room: a new failure is its first again (1 s),
  // not its second (2 s), although forget_after has not passed.
  throttle.record_failure("user0", "", kStart + 10s);
  CHECK(throttle.check("user0", "", kStart + 10s) == 1s);
}
