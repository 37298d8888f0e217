// One TokenVerifier and one TokenIssuer shared by 8 threads (run under the
// tsan preset in CI): results are the same as on one thread.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "authcore/token_issuer.hpp"
#include "support/verify_table.hpp"

using namespace authcore;

TEST_CASE("8 threads share one verifier and one issuer", "[concurrency]") {
  FixedClock clock(FixedClock::from_unix_seconds(test::kNow));
  const TokenIssuer issuer(test::test_key(), clock);
  const TokenVerifier verifier(test::test_key(), {}, clock);
  const std::string forged = test::forge(test::kAccessHeader, test::default_payload(), std::string(32, 'x'));

  std::atomic<int> verified{0}, rejected_correctly{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      IssueOptions options;
      options.subject = "user-" + std::to_string(t);
      for (int i = 0; i < 2000; ++i) {
        const auto token = issuer.issue(options);
        if (!token) {
          ++failures;
          continue;
        }
        const auto claims = verifier.verify(*token);
        if (claims && claims->subject() == options.subject) {
          ++verified;
        } else {
          ++failures;
        }
        const auto bad = verifier.verify(forged);
        if (!bad && bad.error().code == ErrorCode::invalid_signature) ++rejected_correctly;
        if (t == 0 && i % 100 == 0) clock.advance(std::chrono::seconds(0));  // a concurrent writer of the clock
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(verified == 8 * 2000);
  CHECK(rejected_correctly == 8 * 2000);
}
