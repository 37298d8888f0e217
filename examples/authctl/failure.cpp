#include "failure.hpp"

#include <unistd.h>

#include <authcore/error.hpp>

#include "io.hpp"

namespace authctl {

Failure::Failure(Exit status, std::string_view kind, const std::string& message)
    : std::runtime_error(message), status_(status), kind_(kind) {}

Failure::Failure(std::string_view kind, const std::string& message) : Failure(Exit::error, kind, message) {}

// No default: a new ErrorCode does not compile (-Werror) until its exit
// status is decided here.
Failure failure_from(const authcore::Error& error, std::string_view argument_kind) {
  using authcore::ErrorCode;
  const std::string_view code = authcore::to_string(error.code);
  switch (error.code) {
    // The answer is no: a token refused, or the data refuses the change.
    case ErrorCode::malformed:
    case ErrorCode::algorithm_not_allowed:
    case ErrorCode::invalid_signature:
    case ErrorCode::unknown_key:
    case ErrorCode::expired:
    case ErrorCode::not_yet_valid:
    case ErrorCode::issued_in_future:
    case ErrorCode::invalid_issuer:
    case ErrorCode::invalid_audience:
    case ErrorCode::missing_claim:
    case ErrorCode::invalid_claim:
    case ErrorCode::wrong_token_type:
    case ErrorCode::revoked:
    case ErrorCode::token_too_large:
    case ErrorCode::invalid_credentials:
    case ErrorCode::conflict:
    case ErrorCode::not_found:
    case ErrorCode::account_disabled:
    case ErrorCode::insufficient_scope: return Failure(Exit::rejected, code, error.message);
    case ErrorCode::invalid_key: return Failure(kind::key, error.message);
    case ErrorCode::invalid_argument: return Failure(argument_kind, error.message);
    // The database could not do it: named by its code, worth a look.
    case ErrorCode::store_unavailable:
    case ErrorCode::store_busy:
    case ErrorCode::store_full:
    case ErrorCode::store_error: return Failure(Exit::error, code, error.message);
    // Only the system can be short of something here (memory for Argon2).
    case ErrorCode::too_many_attempts:
    case ErrorCode::overloaded: return Failure(kind::io, error.message);
  }
  return Failure(kind::io, error.message);
}

void report(const Failure& failure) {
  std::string line = "error: " + failure.kind() + ": " + failure.what();
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  line += '\n';
  // A failure to write the report has nowhere left to be reported.
  static_cast<void>(write_all(STDERR_FILENO, line));
}

}  // namespace authctl
