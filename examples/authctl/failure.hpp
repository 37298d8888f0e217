// authctl/failure.hpp: how authctl ends: one of three exit statuses and, on
// failure, one stderr line `error: <kind>: <message>` (docs/authctl.md).
#ifndef AUTHCTL_FAILURE_HPP
#define AUTHCTL_FAILURE_HPP

#include <stdexcept>
#include <string>
#include <string_view>

#include <authcore/result.hpp>

namespace authctl {

/// The only exit statuses authctl has; scripts depend on them.
enum class Exit : int {
  ok = 0,        ///< done; for verify-password, the password matches
  rejected = 1,  ///< the answer is no: a token refused, a password mismatch, a user taken or missing
  error = 2,     ///< the command could not run: usage, key, input, store or I/O trouble
};

/// The kinds of failure that are not token codes.
namespace kind {
inline constexpr std::string_view usage = "usage";  ///< the command line is wrong
inline constexpr std::string_view key = "key";      ///< no usable secret
inline constexpr std::string_view input = "input";  ///< stdin or an argument's content is unusable
inline constexpr std::string_view io = "io";        ///< reading, writing or the system failed
}  // namespace kind

/// A failure that ends the command. Thrown by the command code and caught
/// once, in main(), which reports it and exits with status().
class Failure : public std::runtime_error {
 public:
  /// Exits with `status`; `kind` is a token code or one of authctl::kind.
  Failure(Exit status, std::string_view kind, const std::string& message);
  /// A failure of one of the authctl::kind kinds: always Exit::error.
  Failure(std::string_view kind, const std::string& message);

  Exit status() const noexcept { return status_; }
  const std::string& kind() const noexcept { return kind_; }

 private:
  Exit status_;
  std::string kind_;
};

/// The Failure for an authcore error: a token code, and a refusal by the
/// data (conflict, not_found, account_disabled, ...), is Exit::rejected
/// under its own name; a store failure is Exit::error under its own name
/// (store_unavailable, ...); invalid_key is `key`; invalid_argument is
/// `argument_kind` (usage or input, depending on where the argument came
/// from); anything else (e.g. no memory for Argon2) is `io`.
Failure failure_from(const authcore::Error& error, std::string_view argument_kind);

/// Writes `error: <kind>: <message>` to stderr as exactly one line: any
/// line break or control character in the message (which may quote user
/// input) becomes a space.
void report(const Failure& failure);

}  // namespace authctl

#endif  // AUTHCTL_FAILURE_HPP
