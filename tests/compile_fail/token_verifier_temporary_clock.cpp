// A TokenVerifier keeps a reference to its clock: a clock that outlives it
// compiles, a temporary, destroyed at the end of the declaration, must not
// (check_compile_fail.cmake expects exactly one error, on the marked line).
#include "authcore/token_verifier.hpp"

using namespace authcore;

FixedClock stopped_clock() { return FixedClock(FixedClock::from_unix_seconds(0)); }

void lasting_clock(const HmacKey& key) {
  const FixedClock clock = stopped_clock();
  const TokenVerifier verifier(key, {}, clock);
  static_cast<void>(verifier);
}

void temporary_clock(const HmacKey& key) {
  const TokenVerifier verifier(key, {}, stopped_clock());  // must not compile
  static_cast<void>(verifier);
}
