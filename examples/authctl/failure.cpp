#include "failure.hpp"

#include <unistd.h>

#include <authcore/error.hpp>

#include "io.hpp"

namespace authctl {

Failure::Failure(Exit status, std::string_view kind, const std::string& message)
    : std::runtime_error(message), status_(status), kind_(kind) {}

Failure::Failure(std::string_view kind, const std::string& message) : Failure(Exit::error, kind, message) {}

Failure failure_from(const authcore::Error& error, std::string_view argument_kind) {
  if (authcore::is_token_error(error.code)) {
    return Failure(Exit::rejected, authcore::to_string(error.code), error.message);
  }
  switch (error.code) {
    case authcore::ErrorCode::invalid_key: return Failure(kind::key, error.message);
    case authcore::ErrorCode::invalid_argument: return Failure(argument_kind, error.message);
    default: return Failure(kind::io, error.message);
  }
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
