// The Authenticator on PostgreSQL while the database goes away: login,
// refresh and authenticate fail closed with store_unavailable (never a
// success on a session that could not be checked) and work again, in the
// same process, once the database is back. Stops the shared test server,
// so ctest runs it alone (RUN_SERIAL).
#include <string>

#include "authcore/authenticator.hpp"
#include "support/catch.hpp"
#include "support/postgres_support.hpp"
#include "support/test_support.hpp"

using namespace authcore;

TEST_CASE("Authenticator on PostgreSQL: an outage fails closed and recovers", "[authenticator][postgres][outage]") {
  const auto url = test::postgres_url_or_skip();
  if (!url) return;
  const auto script = test::postgres_control_or_skip();
  if (!script) return;
  const test::TestSchema schema(*url, "auth_outage");
  auto store = test::open_postgres_store(*url, schema.options());
  AuthenticatorOptions options;
  options.password_policy = PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes);
  options.session_cache_staleness = std::chrono::milliseconds{0};  // ask the database every time
  Authenticator auth(*store, test::test_key(), options);
  REQUIRE(auth.signup("alice", "correct horse"));
  const auto pair = auth.login("alice", "correct horse");
  REQUIRE(pair);
  REQUIRE(auth.authenticate(pair->access_token));

  test::ServerControl server(*script);
  server.stop();
  const auto login = auth.login("alice", "correct horse");
  REQUIRE_FALSE(login);
  CHECK(login.error().code == ErrorCode::store_unavailable);
  const auto unknown = auth.login("nobody", "whatever");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::store_unavailable);  // not invalid_credentials: nothing was checked
  const auto authenticated = auth.authenticate(pair->access_token);
  REQUIRE_FALSE(authenticated);
  CHECK(authenticated.error().code == ErrorCode::store_unavailable);
  const auto refreshed = auth.refresh(pair->refresh_token);
  REQUIRE_FALSE(refreshed);
  CHECK(refreshed.error().code == ErrorCode::store_unavailable);
  server.start();

  CHECK(auth.authenticate(pair->access_token));
  CHECK(auth.refresh(pair->refresh_token));  // nothing was spent during the outage
  CHECK(auth.login("alice", "correct horse"));
}
