// Internal: unguessable identifiers (token ids, session ids).
#ifndef AUTHCORE_DETAIL_RANDOM_ID_HPP
#define AUTHCORE_DETAIL_RANDOM_ID_HPP

#include <string>

namespace authcore::detail {

/// 128 random bits from the operating system's CSPRNG, base64url without
/// padding (22 characters): enough that ids never collide or can be guessed.
std::string random_id();

}  // namespace authcore::detail

#endif
