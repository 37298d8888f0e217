// Fuzzes the strict base64url codec. Invariants: decoding never reads or
// writes out of bounds; whatever decodes re-encodes to exactly the input
// (one accepted spelling per byte string); and any bytes round-trip.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "detail/base64url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string decoded;
  if (authcore::detail::base64url_decode(input, decoded) && authcore::detail::base64url_encode(decoded) != input) {
    std::abort();
  }
  const std::string encoded = authcore::detail::base64url_encode(input);
  std::string round_trip;
  if (!authcore::detail::base64url_decode(encoded, round_trip) || round_trip != input) std::abort();
  return 0;
}
