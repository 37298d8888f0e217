// Fuzzes TokenVerifier::verify. The first byte picks the mode:
//  - even: the rest is the token, as an attacker would send it (the MAC is
//    almost never valid, so this exercises steps 1-5);
//  - odd: the rest is "header<NUL>payload" JSON, signed here with the
//    verifier's key, so the MAC is valid and the payload and claim checks
//    (steps 6-7) are reached with arbitrary JSON.
// Invariants: no crash, no sanitizer report, every failure a token code, and
// a success only for a correctly signed token.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "authcore/token_verifier.hpp"
#include "detail/base64url.hpp"

namespace {

const std::string kKey = "fuzz-key-0123456789abcdef-0123456789";

const authcore::TokenVerifier& verifier() {
  static const authcore::FixedClock clock(authcore::FixedClock::from_unix_seconds(1'700'000'000));
  static const authcore::TokenVerifier verifier = [] {
    authcore::VerifyOptions options;
    options.leeway = std::chrono::seconds(30);
    options.required_claims = {"sub"};
    return authcore::TokenVerifier(authcore::HmacKey::from_bytes(kKey).value(), options, clock);
  }();
  return verifier;
}

std::string sign(std::string_view header, std::string_view payload) {
  std::string token = authcore::detail::base64url_encode(header) + "." + authcore::detail::base64url_encode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()), reinterpret_cast<const unsigned char*>(token.data()),
       token.size(), mac, &size);
  token += '.';
  authcore::detail::base64url_append(token, {reinterpret_cast<const char*>(mac), size});
  return token;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool signed_mode = (data[0] & 1) != 0;
  std::string token(input);
  if (signed_mode) {
    const auto split = input.find('\0');
    const auto header =
        split == std::string_view::npos ? std::string_view(R"({"alg":"HS256"})") : input.substr(0, split);
    const auto payload = split == std::string_view::npos ? input : input.substr(split + 1);
    token = sign(header, payload);
  }
  const auto result = verifier().verify(token);
  if (!result && !authcore::is_token_error(result.error().code)) std::abort();
  if (result) {
    // Accepted only if an independent HMAC of the signing input, encoded
    // canonically, is exactly the token's signature segment.
    const auto last_dot = token.rfind('.');
    const auto first_dot = token.find('.');
    std::string header_json, payload_json;
    if (!authcore::detail::base64url_decode(std::string_view(token).substr(0, first_dot), header_json) ||
        !authcore::detail::base64url_decode(std::string_view(token).substr(first_dot + 1, last_dot - first_dot - 1),
                                            payload_json) ||
        sign(header_json, payload_json) != token) {
      std::abort();
    }
    // Reading every claim of an accepted token must be safe.
    (void)result->json();
    (void)result->audience();
    (void)result->get<std::string>("sub");
  }
  return 0;
}
