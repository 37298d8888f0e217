// An Authenticator keeps a reference to its clock: a clock that outlives it
// compiles, a temporary, destroyed at the end of the declaration, must not
// (check_compile_fail.cmake expects exactly one error, on the marked line).
#include "authcore/authenticator.hpp"

using namespace authcore;

FixedClock stopped_clock() { return FixedClock(FixedClock::from_unix_seconds(0)); }

void lasting_clock(UserStore& store, const HmacKey& key) {
  const FixedClock clock = stopped_clock();
  const Authenticator authenticator(store, key, {}, clock);
  static_cast<void>(authenticator);
}

void temporary_clock(UserStore& store, const HmacKey& key) {
  const Authenticator authenticator(store, key, {}, stopped_clock());  // must not compile
  static_cast<void>(authenticator);
}
