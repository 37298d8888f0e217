// authcore/password_hasher.hpp: Argon2id password hashing, and verification
// of Argon2, bcrypt and passlib PBKDF2 hashes.
#ifndef AUTHCORE_PASSWORD_HASHER_HPP
#define AUTHCORE_PASSWORD_HASHER_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "authcore/export.hpp"
#include "authcore/result.hpp"

namespace authcore {

struct CalibrationStep;

/// How new passwords are hashed (Argon2id, RFC 9106) and what a stored hash
/// may cost to verify. A plain struct: start from a preset and adjust. The
/// PasswordHasher clamps it (see PasswordHasher::policy()).
///
/// The presets are libsodium's (crypto_pwhash_OPSLIMIT_* / MEMLIMIT_*);
/// docs/passwords.md lists what each costs on a typical server.
struct AUTHCORE_API PasswordPolicy {
  /// Caps on a stored hash, checked before any hashing: a stored hash is
  /// untrusted input, and without them "t=4294967295" would hang a worker.
  /// Over a cap, verify() returns PasswordCheck::malformed at once.
  static constexpr std::uint32_t max_time_cost = 16;              ///< Argon2 t
  static constexpr std::uint32_t max_parallelism = 8;             ///< Argon2 p
  static constexpr std::uint32_t max_bcrypt_cost = 16;            ///< bcrypt log2(rounds)
  static constexpr std::uint32_t max_pbkdf2_rounds = 10'000'000;  ///< PBKDF2 iterations
  /// libsodium's smallest Argon2id memory (crypto_pwhash_argon2id_MEMLIMIT_MIN).
  static constexpr std::size_t min_memory_bytes = std::size_t{8} * 1024;

  /// Argon2id passes (t) for new hashes. Default 2. Clamped to [1, max_time_cost].
  std::uint32_t time_cost = 2;
  /// Argon2id memory (m) for new hashes, in bytes; a multiple of 1 KiB.
  /// Default 64 MiB. Each concurrent hash holds this much memory.
  std::size_t memory_bytes = std::size_t{64} << 20;
  /// The largest Argon2 memory a stored hash may ask for. Default 1 GiB.
  /// Raised to memory_bytes when smaller, so a policy always verifies its own
  /// hashes.
  std::size_t max_memory_bytes = std::size_t{1} << 30;
  /// The longest password accepted, in bytes. Default 4096. Longer is
  /// refused (ErrorCode::invalid_argument), never truncated. Clamped to
  /// [1, 1 MiB].
  std::size_t max_password_bytes = 4096;

  /// t=2, 64 MiB: interactive logins (the default).
  static PasswordPolicy interactive() noexcept;
  /// t=3, 256 MiB.
  static PasswordPolicy moderate() noexcept;
  /// t=4, 1 GiB: rare, high-value secrets (seconds per hash).
  static PasswordPolicy sensitive() noexcept;
  /// t and m chosen by the caller; the other fields keep their defaults.
  static PasswordPolicy custom(std::uint32_t time_cost, std::size_t memory_bytes) noexcept;

  /// Measures Argon2id on this machine and returns the strongest policy whose
  /// hash takes at most `target`, using at most `memory_limit_bytes` per hash
  /// (default 256 MiB). Following RFC 9106 §4, memory is raised first and
  /// then passes: probe hashes at t=1 (32 MiB or the limit) estimate the
  /// cost per KiB and pass, the estimate is turned into (t, m) with t >= 2,
  /// and then the candidate is timed (the faster of two hashes), stepping
  /// down (t first, then m in proportion to the overshoot) until it fits.
  /// Calibration takes about two to four times `target` plus the probes; run
  /// it once at deployment and persist the result, since timings vary
  /// between runs.
  /// Never returns less than t=2,
  /// 19 MiB (the OWASP Password Storage Cheat Sheet minimum for Argon2id),
  /// even when that exceeds `target`.
  static PasswordPolicy calibrate(std::chrono::milliseconds target,
                                  std::size_t memory_limit_bytes = std::size_t{256} << 20);
  /// As above, calling `progress` on this thread after each hash it timed
  /// (the probes, then each candidate), so that a tool can show what it is
  /// doing during the seconds this takes (`authctl calibrate`). An exception
  /// `progress` throws ends the calibration and propagates.
  static PasswordPolicy calibrate(std::chrono::milliseconds target, std::size_t memory_limit_bytes,
                                  const std::function<void(const CalibrationStep&)>& progress);

  /// Equal when every field is.
  friend bool operator==(const PasswordPolicy& a, const PasswordPolicy& b) noexcept {
    return a.time_cost == b.time_cost && a.memory_bytes == b.memory_bytes && a.max_memory_bytes == b.max_memory_bytes &&
           a.max_password_bytes == b.max_password_bytes;
  }
  /// Not equal when any field differs.
  friend bool operator!=(const PasswordPolicy& a, const PasswordPolicy& b) noexcept { return !(a == b); }
};

/// One timing PasswordPolicy::calibrate() made, reported to its `progress`.
struct CalibrationStep {
  /// True for the probe (t = 1), which estimates the cost of one pass over
  /// one KiB; false for a candidate policy.
  bool probe = false;
  std::uint32_t time_cost = 0;              ///< t of the hash timed
  std::size_t memory_bytes = 0;             ///< m of the hash timed
  std::chrono::duration<double> took{0.0};  ///< the fastest of its runs, in seconds
  /// A candidate that took at most the target, so calibrate() returns it.
  /// Always false for the probe.
  bool fits = false;
};

/// The outcome of PasswordHasher::verify(). The enumerator is the wire string.
enum class PasswordCheck : std::uint8_t {
  match,      ///< the password is the one the stored hash was made from
  mismatch,   ///< a well-formed hash of another password (or a password outside the policy's rules)
  malformed,  ///< the stored string is no supported hash, or exceeds a cost cap
};

/// "match", "mismatch" or "malformed".
AUTHCORE_API std::string_view to_string(PasswordCheck check) noexcept;

/// Hashes passwords with Argon2id (libsodium) and verifies stored hashes:
///  - `$argon2id$` and `$argon2i$` PHC strings, version 19 (libsodium,
///    argon2-cffi, the reference implementation), p up to 8;
///  - bcrypt `$2a$`, `$2b$`, `$2y$` (libxcrypt crypt_rn);
///  - passlib's `$pbkdf2-sha256$` (OpenSSL).
/// Passwords are bytes: compared exactly, NUL allowed and significant,
/// never normalised or truncated (legacy bcrypt hashes excepted: bcrypt
/// itself reads only 72 bytes). Nothing here wipes the caller's copy; the
/// hasher's own copies are wiped.
///
/// Immutable after construction and safe to share between threads. Each call
/// to hash() or verify() blocks for the full cost of the hash and holds its
/// memory: run them on a HashGate.
class AUTHCORE_API PasswordHasher {
 public:
  /// PasswordPolicy::interactive().
  PasswordHasher() noexcept;
  /// `policy`, clamped (see policy()).
  explicit PasswordHasher(PasswordPolicy policy) noexcept;

  /// A new Argon2id PHC string, `$argon2id$v=19$m=M,t=T,p=1$SALT$HASH`, with
  /// a random 16-byte salt and a 32-byte hash. Fails with
  /// ErrorCode::invalid_argument for an empty password or one longer than
  /// max_password_bytes (checked before any hashing), and with
  /// ErrorCode::overloaded (retry_after 1 s) when the memory cannot be had.
  Result<std::string> hash(std::string_view password) const;

  /// Checks `password` against `stored`. The stored string is parsed and its
  /// cost checked against the caps first: anything unsupported or over a cap
  /// is PasswordCheck::malformed, in microseconds. Then an empty password,
  /// or one longer than max_password_bytes, is PasswordCheck::mismatch
  /// without hashing (no hash of huge input is ever computed). Otherwise the
  /// hash is recomputed and compared in constant time. A failure to compute
  /// it (out of memory) is mismatch: errors never match. Never throws.
  [[nodiscard]] PasswordCheck verify(std::string_view password, std::string_view stored) const noexcept;

  /// True unless `stored` is an Argon2id hash exactly as hash() would write it
  /// now: t and m of the current policy, p = 1, 16-byte salt, 32-byte hash.
  /// So bcrypt, PBKDF2, Argon2i, other parameters (weaker or stronger) and
  /// malformed strings all need a rehash; the Authenticator rehashes after a
  /// successful login.
  [[nodiscard]] bool needs_rehash(std::string_view stored) const noexcept;

  /// The password rules alone: ErrorCode::invalid_argument for an empty
  /// password or one longer than max_password_bytes. hash() applies them;
  /// call this to refuse a sign-up before queuing any work.
  Result<void> validate_password(std::string_view password) const;

  /// The policy in force, after clamping: time_cost to [1, max_time_cost],
  /// memory_bytes down to a multiple of 1 KiB and to at least
  /// min_memory_bytes, max_memory_bytes to at least memory_bytes (and at most
  /// Argon2's 2^32 - 1 KiB), max_password_bytes to [1, 1 MiB].
  const PasswordPolicy& policy() const noexcept { return policy_; }

 private:
  PasswordPolicy policy_;
};

}  // namespace authcore

#endif  // AUTHCORE_PASSWORD_HASHER_HPP
