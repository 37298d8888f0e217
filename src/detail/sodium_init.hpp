// Internal: libsodium must be initialised once before its RNG is used.
#ifndef AUTHCORE_DETAIL_SODIUM_INIT_HPP
#define AUTHCORE_DETAIL_SODIUM_INIT_HPP

namespace authcore::detail {

/// Calls sodium_init() once per process (thread-safe); aborts if libsodium
/// cannot initialise, since no secret could then be generated safely.
void ensure_sodium_initialised() noexcept;

}  // namespace authcore::detail

#endif
