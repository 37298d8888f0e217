// authcore/result.hpp: Result<T>, a value or an Error, returned instead of
// throwing by every fallible authcore API.
#ifndef AUTHCORE_RESULT_HPP
#define AUTHCORE_RESULT_HPP

#include <chrono>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "authcore/error.hpp"

namespace authcore {

/// What went wrong: a code to `switch` on and a message for people.
struct Error {
  ErrorCode code;       ///< what failed; stable, for `switch`
  std::string message;  ///< what failed, for people; may change between releases
  /// For ErrorCode::too_many_attempts and ErrorCode::overloaded: how long the
  /// caller should wait before trying again (zero when not applicable).
  std::chrono::seconds retry_after{0};
};

/// Thrown only by Result::value() / Result::error() when called on the wrong
/// alternative: a programming error, never a run-time condition.
class BadResultAccess : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Either a T or an Error. Test it before use:
///
///     auto claims = verifier.verify(token);
///     if (!claims) return reject(claims.error().code);
///     use(claims->subject());
template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Error>, "Result<Error> is ambiguous");

 public:
  /// A success holding `value`.
  Result(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  /// Constructs the value in place from `args`.
  template <class... Args>
  explicit Result(std::in_place_t, Args&&... args) : storage_(std::in_place_index<0>, std::forward<Args>(args)...) {}
  /// A failure.
  Result(Error error) : storage_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  /// True on success.
  bool has_value() const noexcept { return storage_.index() == 0; }
  /// True on success.
  explicit operator bool() const noexcept { return has_value(); }

  /// The value; throws BadResultAccess when this holds an Error.
  T& value() & {
    require_value();
    return std::get<0>(storage_);
  }
  /// The value; throws BadResultAccess when this holds an Error.
  const T& value() const& {
    require_value();
    return std::get<0>(storage_);
  }
  /// The value, moved out; throws BadResultAccess when this holds an Error.
  T&& value() && {
    require_value();
    return std::get<0>(std::move(storage_));
  }

  /// value()
  T& operator*() & { return value(); }
  /// value()
  const T& operator*() const& { return value(); }
  /// &value()
  T* operator->() { return &value(); }
  /// &value()
  const T* operator->() const { return &value(); }

  /// The error; throws BadResultAccess when this holds a value.
  const Error& error() const {
    if (has_value()) throw BadResultAccess("authcore::Result::error() called on a value");
    return std::get<1>(storage_);
  }

 private:
  void require_value() const {
    if (!has_value()) throw BadResultAccess("authcore::Result::value() called on an error");
  }

  std::variant<T, Error> storage_;
};

/// Success without a value, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  /// Success.
  Result() = default;
  /// A failure.
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design

  /// True on success.
  bool has_value() const noexcept { return !failed_; }
  /// True on success.
  explicit operator bool() const noexcept { return has_value(); }

  /// The error; throws BadResultAccess on success.
  const Error& error() const {
    if (!failed_) throw BadResultAccess("authcore::Result<void>::error() called on success");
    return error_;
  }

 private:
  Error error_{};
  bool failed_ = false;
};

}  // namespace authcore

#endif  // AUTHCORE_RESULT_HPP
