#include "detail/random_id.hpp"

#include <sodium.h>

#include "detail/base64url.hpp"
#include "detail/sodium_init.hpp"

namespace authcore::detail {

std::string random_id() {
  ensure_sodium_initialised();
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  std::string id;
  base64url_append(id, {reinterpret_cast<const char*>(bytes), sizeof bytes});
  return id;
}

}  // namespace authcore::detail
