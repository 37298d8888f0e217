#include "authcore/password_hasher.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>

#include "detail/sodium_init.hpp"
#include "password/argon2.hpp"
#include "password/bcrypt.hpp"
#include "password/pbkdf2_sha256.hpp"

namespace authcore {
namespace {

constexpr std::size_t kKiB = 1024;
constexpr std::size_t kMiB = 1024 * kKiB;
// Argon2's m is a 32-bit count of KiB (RFC 9106 §3.1).
constexpr std::size_t kMaxArgon2MemoryBytes = std::size_t{UINT32_MAX} * kKiB;
constexpr std::size_t kMaxPasswordBytesLimit = kMiB;

// The OWASP Password Storage Cheat Sheet's minimum for Argon2id: 19 MiB, t=2.
constexpr std::uint32_t kFloorTimeCost = 2;
constexpr std::size_t kFloorMemoryBytes = 19 * kMiB;
constexpr std::size_t kProbeMemoryBytes = 32 * kMiB;
constexpr int kMaxCalibrationSteps = 8;
// Noise only ever adds time, so the fastest of a few runs is the best
// estimate of a hash's cost on a busy host.
constexpr int kProbeRuns = 3;
constexpr int kCandidateRuns = 2;
// After an overshoot, memory is scaled to the budget with this much to spare.
constexpr double kCalibrationMargin = 0.95;

using FloatSeconds = std::chrono::duration<double>;
using CalibrationProgress = std::function<void(const CalibrationStep&)>;

struct Argon2Cost {
  std::uint32_t time_cost;
  std::size_t memory_bytes;
};

PasswordPolicy preset(std::uint32_t time_cost, std::size_t memory_bytes) noexcept {
  PasswordPolicy policy;
  policy.time_cost = time_cost;
  policy.memory_bytes = memory_bytes;
  return policy;
}

PasswordPolicy clamped(PasswordPolicy policy) noexcept {
  policy.time_cost = std::clamp(policy.time_cost, std::uint32_t{1}, PasswordPolicy::max_time_cost);
  policy.memory_bytes =
      std::clamp(policy.memory_bytes, PasswordPolicy::min_memory_bytes, kMaxArgon2MemoryBytes) / kKiB * kKiB;
  policy.max_memory_bytes = std::clamp(policy.max_memory_bytes, policy.memory_bytes, kMaxArgon2MemoryBytes);
  policy.max_password_bytes = std::clamp(policy.max_password_bytes, std::size_t{1}, kMaxPasswordBytesLimit);
  return policy;
}

std::size_t round_down_to_mib(std::size_t bytes) noexcept { return bytes / kMiB * kMiB; }

// The whole KiB in `bytes`: Argon2id's memory unit (RFC 9106 §3.1, m in KiB).
std::size_t whole_kib(std::size_t bytes) noexcept { return bytes / kKiB; }

// The wall time of the fastest of `runs` Argon2id hashes; "forever" when
// one cannot be computed.
FloatSeconds fastest_hash(int runs, Argon2Cost cost) noexcept {
  FloatSeconds fastest = FloatSeconds::max();
  for (int run = 0; run < runs; ++run) {
    detail::Argon2String out;
    const auto start = std::chrono::steady_clock::now();
    if (!detail::argon2id_hash("calibration", cost.time_cost, cost.memory_bytes, out)) return FloatSeconds::max();
    fastest = std::min<FloatSeconds>(fastest, std::chrono::steady_clock::now() - start);
  }
  return fastest;
}

// How many KiB-passes of Argon2id fit in `target`, from probe hashes
// (Argon2's cost is linear in m * t).
double affordable_kib_passes(FloatSeconds target, std::size_t memory_limit, const CalibrationProgress& progress) {
  const std::size_t probe_bytes = std::min(memory_limit, kProbeMemoryBytes);
  const FloatSeconds probe = fastest_hash(kProbeRuns, {1, probe_bytes});
  if (progress) progress(CalibrationStep{true, 1, probe_bytes, probe, false});
  // A floor of 1 ns keeps the division finite on a clock too coarse to see the probe.
  const double probe_seconds = std::max(probe.count(), 1e-9);
  const double seconds_per_kib_pass = probe_seconds / static_cast<double>(whole_kib(probe_bytes));
  return target.count() / seconds_per_kib_pass;
}

// RFC 9106 §4: as much memory as the budget and the limit allow at the
// floor's passes, then as many passes as the rest of the budget pays for.
Argon2Cost estimated_cost(double kib_passes, std::size_t memory_limit) noexcept {
  const double memory_kib = std::min(kib_passes / kFloorTimeCost, static_cast<double>(whole_kib(memory_limit)));
  const std::size_t memory =
      std::max(round_down_to_mib(static_cast<std::size_t>(std::max(memory_kib, 0.0)) * kKiB), kFloorMemoryBytes);
  const double passes =
      std::min(kib_passes / static_cast<double>(whole_kib(memory)), double{PasswordPolicy::max_time_cost});
  return {std::max(static_cast<std::uint32_t>(std::max(passes, 0.0)), kFloorTimeCost), memory};
}

// The next candidate after `cost` took `measured`, over `budget`: one pass
// fewer, or at the floor's passes memory in proportion to the overshoot.
// std::nullopt at the floor itself.
std::optional<Argon2Cost> cheaper_cost(Argon2Cost cost, FloatSeconds measured, FloatSeconds budget) noexcept {
  if (cost.time_cost > kFloorTimeCost) return Argon2Cost{cost.time_cost - 1, cost.memory_bytes};
  if (cost.memory_bytes <= kFloorMemoryBytes) return std::nullopt;
  const double scale = kCalibrationMargin * budget.count() / measured.count();
  const auto scaled = static_cast<std::size_t>(static_cast<double>(cost.memory_bytes) * scale);
  return Argon2Cost{cost.time_cost, std::max(round_down_to_mib(scaled), kFloorMemoryBytes)};
}

bool password_allowed(std::string_view password, const PasswordPolicy& policy) noexcept {
  return !password.empty() && password.size() <= policy.max_password_bytes;
}

detail::Argon2Caps argon2_caps(const PasswordPolicy& policy) noexcept {
  return {static_cast<std::uint32_t>(policy.max_memory_bytes / kKiB), PasswordPolicy::max_time_cost,
          PasswordPolicy::max_parallelism};
}

// The stored hash is well-formed and within the caps; only now may the
// password cost anything, and only if it obeys the policy.
template <class Hash, class Matches>
PasswordCheck check(const Hash& hash, std::string_view password, const PasswordPolicy& policy,
                    Matches matches) noexcept {
  if (!password_allowed(password, policy)) return PasswordCheck::mismatch;
  return matches(hash, password) ? PasswordCheck::match : PasswordCheck::mismatch;
}

}  // namespace

PasswordPolicy PasswordPolicy::interactive() noexcept { return preset(2, 64 * kMiB); }
PasswordPolicy PasswordPolicy::moderate() noexcept { return preset(3, 256 * kMiB); }
PasswordPolicy PasswordPolicy::sensitive() noexcept { return preset(4, 1024 * kMiB); }

PasswordPolicy PasswordPolicy::custom(std::uint32_t time_cost, std::size_t memory_bytes) noexcept {
  return preset(time_cost, memory_bytes);
}

PasswordPolicy PasswordPolicy::calibrate(std::chrono::milliseconds target, std::size_t memory_limit_bytes) {
  return calibrate(target, memory_limit_bytes, {});
}

PasswordPolicy PasswordPolicy::calibrate(std::chrono::milliseconds target, std::size_t memory_limit_bytes,
                                         const CalibrationProgress& progress) {
  const FloatSeconds budget = target;
  const std::size_t limit = round_down_to_mib(std::max(memory_limit_bytes, kFloorMemoryBytes));
  Argon2Cost cost = estimated_cost(affordable_kib_passes(budget, limit, progress), limit);
  // The estimate is linear, and large memory is slower per KiB than the
  // probe (page faults, caches): measure and step down until it fits.
  for (int step = 0; step < kMaxCalibrationSteps; ++step) {
    const FloatSeconds measured = fastest_hash(kCandidateRuns, cost);
    if (progress) progress(CalibrationStep{false, cost.time_cost, cost.memory_bytes, measured, measured <= budget});
    if (measured <= budget) break;
    const auto next = cheaper_cost(cost, measured, budget);
    if (!next) break;
    cost = *next;
  }
  return custom(cost.time_cost, cost.memory_bytes);
}

std::string_view to_string(PasswordCheck check) noexcept {
  switch (check) {
    case PasswordCheck::match: return "match";
    case PasswordCheck::mismatch: return "mismatch";
    case PasswordCheck::malformed: return "malformed";
  }
  return "unknown";
}

PasswordHasher::PasswordHasher() noexcept : PasswordHasher(PasswordPolicy::interactive()) {}

PasswordHasher::PasswordHasher(PasswordPolicy policy) noexcept : policy_(clamped(policy)) {
  // sodium_init() selects the SIMD Argon2 implementation; without it every
  // hash runs the slower portable code.
  detail::ensure_sodium_initialised();
}

Result<void> PasswordHasher::validate_password(std::string_view password) const {
  if (password.empty()) return Error{ErrorCode::invalid_argument, "the password is empty"};
  if (password.size() > policy_.max_password_bytes) {
    return Error{ErrorCode::invalid_argument,
                 "the password is longer than " + std::to_string(policy_.max_password_bytes) + " bytes"};
  }
  return {};
}

Result<std::string> PasswordHasher::hash(std::string_view password) const {
  if (auto valid = validate_password(password); !valid) return valid.error();
  detail::Argon2String out;
  if (!detail::argon2id_hash(password, policy_.time_cost, policy_.memory_bytes, out)) {
    return Error{ErrorCode::overloaded,
                 "cannot allocate " + std::to_string(policy_.memory_bytes / kKiB) + " KiB for Argon2id",
                 std::chrono::seconds{1}};
  }
  return std::string(out.data());
}

PasswordCheck PasswordHasher::verify(std::string_view password, std::string_view stored) const noexcept {
  if (const auto argon2 = detail::parse_argon2(stored, argon2_caps(policy_))) {
    return check(*argon2, password, policy_, detail::argon2_matches);
  }
  if (const auto bcrypt = detail::parse_bcrypt(stored, PasswordPolicy::max_bcrypt_cost)) {
    return check(*bcrypt, password, policy_, detail::bcrypt_matches);
  }
  if (const auto pbkdf2 = detail::parse_pbkdf2_sha256(stored, PasswordPolicy::max_pbkdf2_rounds)) {
    return check(*pbkdf2, password, policy_, detail::pbkdf2_sha256_matches);
  }
  return PasswordCheck::malformed;
}

bool PasswordHasher::needs_rehash(std::string_view stored) const noexcept {
  const auto hash = detail::parse_argon2(stored, argon2_caps(policy_));
  const bool current = hash && hash->variant == detail::Argon2Variant::argon2id &&
                       hash->time_cost == policy_.time_cost && hash->memory_kib == policy_.memory_bytes / kKiB &&
                       hash->parallelism == 1 && hash->salt_bytes == detail::kArgon2idSaltBytes &&
                       hash->hash_bytes == detail::kArgon2idHashBytes;
  return !current;
}

}  // namespace authcore
