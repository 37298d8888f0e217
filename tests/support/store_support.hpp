// Helpers for the UserStore tests: assertions on Results that name the
// error they got, a start line for racing threads, and a private temporary
// directory.
#ifndef AUTHCORE_TESTS_SUPPORT_STORE_SUPPORT_HPP
#define AUTHCORE_TESTS_SUPPORT_STORE_SUPPORT_HPP

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "authcore/result.hpp"
#include "support/catch.hpp"

namespace authcore::test {

/// "success", or "<code>: <message>".
template <class T>
std::string describe(const Result<T>& result) {
  if (result) return "success";
  return std::string(to_string(result.error().code)) + ": " + result.error().message;
}

/// What one call ended with: nullopt for success, else the error code.
template <class T>
std::optional<ErrorCode> outcome(const Result<T>& result) {
  if (result) return std::nullopt;
  return result.error().code;
}

/// Runs `body(i)` for i in [0, threads) on that many threads, all released
/// at the same moment so that they really race. `body` must not use Catch2
/// assertions (they are not thread-safe in Catch2 v2): record, then check.
template <class Body>
void run_together(int threads, Body body) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> running;
  running.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    running.emplace_back([&, i] {
      ++ready;
      while (!go.load()) std::this_thread::yield();
      body(i);
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  go = true;
  for (auto& thread : running) thread.join();
}

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents
/// when this goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const noexcept { return path_; }
  /// path() + "/" + name
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace authcore::test

/// Requires a Result to hold a value; on failure prints the error it holds.
#define REQUIRE_STORE_OK(...)                                                  \
  do {                                                                         \
    const auto& authcore_result_ = (__VA_ARGS__);                              \
    INFO(#__VA_ARGS__ " -> " << ::authcore::test::describe(authcore_result_)); \
    REQUIRE(authcore_result_.has_value());                                     \
  } while (false)

/// Requires a Result to hold an error with exactly this ErrorCode.
#define REQUIRE_STORE_ERROR(expected_code, ...)                                \
  do {                                                                         \
    const auto& authcore_result_ = (__VA_ARGS__);                              \
    INFO(#__VA_ARGS__ " -> " << ::authcore::test::describe(authcore_result_)); \
    REQUIRE_FALSE(authcore_result_.has_value());                               \
    REQUIRE(authcore_result_.error().code == (expected_code));                 \
  } while (false)

#endif  // AUTHCORE_TESTS_SUPPORT_STORE_SUPPORT_HPP
