#include "authcore/result.hpp"

#include <string>

#include "support/catch.hpp"

using authcore::BadResultAccess;
using authcore::Error;
using authcore::ErrorCode;
using authcore::Result;

TEST_CASE("Result holds a value or an error", "[result]") {
  const Result<std::string> ok = std::string("value");
  REQUIRE(ok);
  CHECK(ok.has_value());
  CHECK(*ok == "value");
  CHECK(ok->size() == 5);
  CHECK_THROWS_AS(ok.error(), BadResultAccess);

  const Result<std::string> failed = Error{ErrorCode::expired, "token expired"};
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == ErrorCode::expired);
  CHECK(failed.error().message == "token expired");
  CHECK(failed.error().retry_after.count() == 0);
  CHECK_THROWS_AS(failed.value(), BadResultAccess);
}

TEST_CASE("Result moves its value out", "[result]") {
  Result<std::string> ok = std::string(100, 'x');
  const std::string taken = std::move(ok).value();
  CHECK(taken.size() == 100);
}

TEST_CASE("Result<void> is success or an error", "[result]") {
  const Result<void> ok;
  CHECK(ok);
  CHECK_THROWS_AS(ok.error(), BadResultAccess);
  const Result<void> failed = Error{ErrorCode::conflict, "taken"};
  CHECK_FALSE(failed);
  CHECK(failed.error().code == ErrorCode::conflict);
}
