#include "detail/sodium_init.hpp"

#include <sodium.h>

#include <cstdlib>

namespace authcore::detail {

void ensure_sodium_initialised() noexcept {
  // A function-local static runs sodium_init() exactly once, even when
  // several threads arrive together (C++11 [stmt.dcl]/4).
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) std::abort();
}

}  // namespace authcore::detail
