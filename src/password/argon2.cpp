#include "password/argon2.hpp"

#include <sodium.h>

#include <cstring>

#include "detail/sodium_init.hpp"
#include "password/mcf_reader.hpp"
#include "password/radix64.hpp"

namespace authcore::detail {
namespace {

static_assert(sizeof(Argon2String) == crypto_pwhash_STRBYTES);
static_assert(kArgon2idSaltBytes == crypto_pwhash_SALTBYTES);

// RFC 9106 §3.1: version 0x13.
constexpr std::uint32_t kArgon2Version = 19;
// RFC 9106 §3.1: at least 8p KiB of memory (two blocks per slice and lane).
constexpr std::uint64_t kMinKibPerLane = 8;

std::optional<Argon2Variant> read_variant(McfReader& in) noexcept {
  if (in.skip("$argon2id$")) return Argon2Variant::argon2id;
  if (in.skip("$argon2i$")) return Argon2Variant::argon2i;
  return std::nullopt;
}

bool within(std::optional<std::size_t> value, std::size_t low, std::size_t high) noexcept {
  return value && *value >= low && *value <= high;
}

bool parameters_allowed(const Argon2Hash& hash, const Argon2Caps& caps) noexcept {
  return hash.time_cost >= 1 && hash.time_cost <= caps.max_time_cost && hash.parallelism >= 1 &&
         hash.parallelism <= caps.max_parallelism && hash.memory_kib <= caps.max_memory_kib &&
         hash.memory_kib >= kMinKibPerLane * hash.parallelism;
}

}  // namespace

std::optional<Argon2Hash> parse_argon2(std::string_view stored, const Argon2Caps& caps) noexcept {
  // Decided before reading a character: also bounds the copy argon2_matches makes.
  if (stored.size() > kMaxArgon2Text) return std::nullopt;
  McfReader in(stored);
  const auto variant = read_variant(in);
  if (!variant || !in.skip("v=") || in.decimal() != kArgon2Version || !in.skip("$m=")) return std::nullopt;
  const auto memory = in.decimal();
  if (!memory || !in.skip(",t=")) return std::nullopt;
  const auto time = in.decimal();
  if (!time || !in.skip(",p=")) return std::nullopt;
  const auto lanes = in.decimal();
  if (!lanes || !in.skip("$")) return std::nullopt;
  const auto salt_bytes = kPhcBase64.decode(in.field());
  if (!in.skip("$")) return std::nullopt;
  const auto hash_bytes = kPhcBase64.decode(in.field());
  if (!in.at_end() || !within(salt_bytes, kMinArgon2SaltBytes, kMaxArgon2SaltBytes) ||
      !within(hash_bytes, kMinArgon2HashBytes, kMaxArgon2HashBytes)) {
    return std::nullopt;
  }
  const Argon2Hash hash{*variant, *memory, *time, *lanes, *salt_bytes, *hash_bytes, stored};
  if (!parameters_allowed(hash, caps)) return std::nullopt;
  return hash;
}

bool argon2_matches(const Argon2Hash& hash, std::string_view password) noexcept {
  ensure_sodium_initialised();
  // libsodium wants a NUL-terminated string; parse_argon2 bounded its length.
  char text[kMaxArgon2Text + 1];
  std::memcpy(text, hash.text.data(), hash.text.size());
  text[hash.text.size()] = '\0';
  return crypto_pwhash_str_verify(text, password.data(), password.size()) == 0;
}

bool argon2id_hash(std::string_view password, std::uint32_t time_cost, std::size_t memory_bytes,
                   Argon2String& out) noexcept {
  ensure_sodium_initialised();
  return crypto_pwhash_str_alg(out.data(), password.data(), password.size(), time_cost, memory_bytes,
                               crypto_pwhash_ALG_ARGON2ID13) == 0;
}

}  // namespace authcore::detail
