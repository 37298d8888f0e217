// authctl/stdin_password.hpp: a password read from standard input, for
// hash, verify-password, user add and user passwd.
#ifndef AUTHCTL_STDIN_PASSWORD_HPP
#define AUTHCTL_STDIN_PASSWORD_HPP

#include <unistd.h>

#include <string_view>

#include <authcore/password_hasher.hpp>

#include "failure.hpp"
#include "io.hpp"

namespace authctl {

/// The password: standard input to end of file, without one trailing '\n'
/// (so `echo pw |` and `printf pw |` mean the same), wiped when done.
/// Throws Failure(input) when it is empty or longer than the policy allows,
/// before any hashing.
class StdinPassword {
 public:
  explicit StdinPassword(const authcore::PasswordHasher& hasher)
      : input_(STDIN_FILENO, hasher.policy().max_password_bytes, "the password from standard input", kind::io) {
    // A too_long() input holds a prefix that is itself over the limit, so
    // the hasher's own rule refuses it.
    if (auto valid = hasher.validate_password(input_.text()); !valid) throw failure_from(valid.error(), kind::input);
  }
  std::string_view view() const noexcept { return input_.text(); }

 private:
  InputText input_;
};

}  // namespace authctl

#endif  // AUTHCTL_STDIN_PASSWORD_HPP
