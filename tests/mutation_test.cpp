// 100,000 random edits of a valid token: every one is rejected with one of
// the fourteen token codes, without a crash or an exception.
#include <random>
#include <string>

#include "authcore/token_issuer.hpp"
#include "support/verify_table.hpp"

using namespace authcore;

namespace {

std::string mutate(std::string token, std::mt19937_64& random) {
  const auto pick = [&](std::size_t bound) { return std::uniform_int_distribution<std::size_t>(0, bound)(random); };
  const auto byte = [&] { return static_cast<char>(pick(255)); };
  const std::size_t edits = 1 + pick(2);
  for (std::size_t e = 0; e < edits; ++e) {
    switch (pick(3)) {
      case 0:  // flip one bit
        if (!token.empty()) {
          const std::size_t i = pick(token.size() - 1);
          token[i] = static_cast<char>(token[i] ^ (1 << pick(7)));
        }
        break;
      case 1:  // insert a byte
        token.insert(token.begin() + static_cast<std::ptrdiff_t>(pick(token.size())), byte());
        break;
      case 2:  // delete a byte
        if (!token.empty()) token.erase(pick(token.size() - 1), 1);
        break;
      default:  // truncate
        token.resize(pick(token.size()));
        break;
    }
  }
  return token;
}

}  // namespace

TEST_CASE("100,000 mutations of a valid token are all rejected with a token code", "[mutation]") {
  const FixedClock clock(FixedClock::from_unix_seconds(test::kNow));
  const TokenIssuer issuer(test::test_key(), clock);
  IssueOptions options;
  options.subject = "alice";
  options.issuer = "https://issuer.example";
  options.audience = "api";
  options.custom = {{"role", "admin"}};
  const std::string original = issuer.issue(options).value();
  VerifyOptions verify_options;
  verify_options.issuer = options.issuer;
  verify_options.audience = options.audience;
  const TokenVerifier verifier(test::test_key(), verify_options, clock);
  REQUIRE(verifier.verify(original));

  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 random(seed);
  std::size_t accepted = 0, wrong_code = 0;
  for (int i = 0; i < 100'000; ++i) {
    const std::string mutated = mutate(original, random);
    if (mutated == original) continue;  // a deletion and insertion that undo each other
    const auto result = verifier.verify(mutated);
    if (result) {
      ++accepted;
      UNSCOPED_INFO("accepted: " << mutated);
    } else if (!is_token_error(result.error().code)) {
      ++wrong_code;
    }
  }
  CHECK(accepted == 0);
  CHECK(wrong_code == 0);
}
