// RFC 6750 bearer credentials (authcore/bearer.hpp): every case of taking
// the token out of an Authorization header, the WWW-Authenticate challenge
// of each refusal, the status of each ErrorCode, and authenticate_header()
// on a real Authenticator.
#include "authcore/bearer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "support/faulty_store.hpp"
#include "support/test_support.hpp"

using namespace authcore;
using namespace std::chrono_literals;

namespace {

const std::string kToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

struct HeaderRow {
  std::string name;
  std::string header;
  BearerProblem problem;
  std::string token;  ///< expected when problem is none
};

std::vector<HeaderRow> header_rows() {
  const std::string ten_kb(10 * 1024, 'a');
  return {
      {"a token", "Bearer " + kToken, BearerProblem::none, kToken},
      {"scheme in lower case", "bearer " + kToken, BearerProblem::none, kToken},
      {"scheme in mixed case", "BeArEr " + kToken, BearerProblem::none, kToken},
      {"two spaces (1*SP)", "Bearer  " + kToken, BearerProblem::none, kToken},
      {"surrounding whitespace (OWS)", " \tBearer " + kToken + " \t", BearerProblem::none, kToken},
      {"padding at the end", "Bearer abc==", BearerProblem::none, "abc=="},
      {"every b64token character", "Bearer aZ09-._~+/=", BearerProblem::none, "aZ09-._~+/="},
      {"a 10 KB token (its size is the verifier's business)", "Bearer " + ten_kb, BearerProblem::none, ten_kb},
      {"no header", "", BearerProblem::missing, ""},
      {"only whitespace", "  \t ", BearerProblem::missing, ""},
      {"Basic credentials", "Basic dXNlcjpwYXNz", BearerProblem::wrong_scheme, ""},
      {"another scheme", "Token " + kToken, BearerProblem::wrong_scheme, ""},
      {"a bare token", kToken, BearerProblem::wrong_scheme, ""},
      {"a scheme that starts like Bearer", "Bearerx " + kToken, BearerProblem::wrong_scheme, ""},
      {"a tab instead of the space", "Bearer\t" + kToken, BearerProblem::wrong_scheme, ""},
      {"the scheme alone", "Bearer", BearerProblem::malformed, ""},
      {"the scheme and a space", "Bearer ", BearerProblem::malformed, ""},
      {"a second word", "Bearer " + kToken + " extra", BearerProblem::malformed, ""},
      {"a second scheme after a comma", "Bearer " + kToken + ", Basic dXNlcjpwYXNz", BearerProblem::malformed, ""},
      {"two headers combined", "Bearer abc, Bearer def", BearerProblem::malformed, ""},
      {"a comma", "Bearer abc,def", BearerProblem::malformed, ""},
      {"padding in the middle", "Bearer abc=def", BearerProblem::malformed, ""},
      {"only padding", "Bearer ==", BearerProblem::malformed, ""},
      {"a quoted token", "Bearer \"" + kToken + "\"", BearerProblem::malformed, ""},
      {"an auth-param instead", "Bearer token=\"" + kToken + "\"", BearerProblem::malformed, ""},
      {"a tab inside", "Bearer abc\tdef", BearerProblem::malformed, ""},
      {"a NUL byte", std::string("Bearer abc\0def", 14), BearerProblem::malformed, ""},
      {"non-ASCII", "Bearer abc\xC3\xA9", BearerProblem::malformed, ""},
  };
}

const char* name_of(BearerProblem problem) {
  switch (problem) {
    case BearerProblem::none: return "none";
    case BearerProblem::missing: return "missing";
    case BearerProblem::wrong_scheme: return "wrong_scheme";
    case BearerProblem::malformed: return "malformed";
  }
  return "?";
}

}  // namespace

TEST_CASE("bearer_token takes the token out of an Authorization header exactly as RFC 6750 §2.1 says", "[bearer]") {
  const auto row = GENERATE(from_range(header_rows()));
  INFO("row: " << row.name);
  const BearerToken found = bearer_token(row.header);
  INFO("got: " << name_of(found.problem));
  CHECK(found.problem == row.problem);
  CHECK(static_cast<bool>(found) == (row.problem == BearerProblem::none));
  CHECK(found.token == row.token);
}

TEST_CASE("the challenge names the error RFC 6750 §3.1 gives each refusal", "[bearer]") {
  struct Row {
    ErrorCode code;
    std::string realm;
    ScopeSet scopes;
    std::string expected;
  };
  const auto row = GENERATE(values<Row>({
      {ErrorCode::expired, "", {}, R"(Bearer error="invalid_token")"},
      {ErrorCode::invalid_signature, "", {}, R"(Bearer error="invalid_token")"},
      {ErrorCode::token_too_large, "", {}, R"(Bearer error="invalid_token")"},
      {ErrorCode::wrong_token_type, "", {}, R"(Bearer error="invalid_token")"},
      {ErrorCode::revoked, "api", {}, R"(Bearer realm="api", error="invalid_token")"},
      {ErrorCode::not_found, "", {}, R"(Bearer error="invalid_token")"},
      {ErrorCode::insufficient_scope, "", {"admin"}, R"(Bearer error="insufficient_scope", scope="admin")"},
      {ErrorCode::insufficient_scope,
       "a \"quoted\" \\ realm",
       {"me", "admin"},
       R"(Bearer realm="a \"quoted\" \\ realm", error="insufficient_scope", scope="admin me")"},
      {ErrorCode::invalid_credentials, "", {}, "Bearer"},
      {ErrorCode::invalid_credentials, "api", {}, R"(Bearer realm="api")"},
      {ErrorCode::store_unavailable, "", {}, ""},
      {ErrorCode::too_many_attempts, "", {}, ""},
      {ErrorCode::overloaded, "api", {}, ""},
      {ErrorCode::account_disabled, "", {}, ""},
  }));
  INFO("code: " << to_string(row.code));
  CHECK(challenge(Error{row.code, "message"}, row.realm, row.scopes) == row.expected);
}

TEST_CASE("a request without usable credentials gets a challenge without an error code", "[bearer]") {
  CHECK(challenge() == "Bearer");
  CHECK(challenge("my api") == R"(Bearer realm="my api")");
}

TEST_CASE("every ErrorCode has the status docs/errors.md gives it", "[bearer]") {
  struct Row {
    ErrorCode code;
    int status;
  };
  const auto row = GENERATE(values<Row>({
      {ErrorCode::malformed, 401},
      {ErrorCode::algorithm_not_allowed, 401},
      {ErrorCode::invalid_signature, 401},
      {ErrorCode::unknown_key, 401},
      {ErrorCode::expired, 401},
      {ErrorCode::not_yet_valid, 401},
      {ErrorCode::issued_in_future, 401},
      {ErrorCode::invalid_issuer, 401},
      {ErrorCode::invalid_audience, 401},
      {ErrorCode::missing_claim, 401},
      {ErrorCode::invalid_claim, 401},
      {ErrorCode::wrong_token_type, 401},
      {ErrorCode::revoked, 401},
      {ErrorCode::token_too_large, 401},
      {ErrorCode::invalid_key, 503},
      {ErrorCode::invalid_argument, 422},
      {ErrorCode::invalid_credentials, 401},
      {ErrorCode::conflict, 409},
      {ErrorCode::not_found, 404},
      {ErrorCode::too_many_attempts, 429},
      {ErrorCode::overloaded, 503},
      {ErrorCode::store_unavailable, 503},
      {ErrorCode::store_busy, 503},
      {ErrorCode::store_full, 503},
      {ErrorCode::store_error, 503},
      {ErrorCode::account_disabled, 400},
      {ErrorCode::insufficient_scope, 403},
  }));
  INFO("code: " << to_string(row.code));
  CHECK(http_status(row.code) == row.status);
}

TEST_CASE("the status table covers every code", "[bearer]") {
  for (int value = 1; value <= static_cast<int>(ErrorCode::insufficient_scope); ++value) {
    const int status = http_status(static_cast<ErrorCode>(value));
    INFO("code " << value);
    CHECK(status >= 400);
    CHECK(status != 500);
  }
}

namespace {

// alice (role `user`, scope `me`) logged in on an in-memory store that rows
// can make fail, at a clock they can move.
struct LoggedIn {
  FixedClock clock{FixedClock::from_unix_seconds(test::kNow)};
  test::FaultyStore store;
  Authenticator auth{store, test::test_key(), fast_options(), clock};
  TokenPair tokens = logged_in();

  static AuthenticatorOptions fast_options() {
    AuthenticatorOptions options;
    options.password_policy = PasswordPolicy::custom(1, PasswordPolicy::min_memory_bytes);
    return options;
  }

  TokenPair logged_in() {
    REQUIRE(auth.signup("alice", "correct horse"));
    auto pair = auth.login("alice", "correct horse");
    REQUIRE(pair);
    return std::move(pair).value();
  }
};

// What the fixture goes through before the request.
enum class Before : std::uint8_t {
  nothing,
  expiry,
  logout,
  store_outage,     ///< session lookups fail with store_unavailable
  user_gone_error,  ///< session lookups fail with not_found (the token's user is gone)
};

struct Refusal {
  int status;
  std::string challenge;
  std::string detail;
  ErrorCode code;
  BearerProblem problem;
};

struct AuthenticateRow {
  std::string name;
  std::string header;              ///< "{access}" and "{refresh}" stand for alice's tokens
  std::optional<Refusal> refusal;  ///< none: authenticated
  ScopeSet required_scopes = {};
  std::string realm = {};
  Before before = Before::nothing;
};

Refusal not_authenticated(BearerProblem problem, std::string challenge = "Bearer") {
  return {401, std::move(challenge), "Not authenticated", ErrorCode::invalid_credentials, problem};
}

Refusal invalid_token(ErrorCode code, std::string challenge = R"(Bearer error="invalid_token")") {
  return {401, std::move(challenge), "Could not validate credentials", code, BearerProblem::none};
}

Refusal insufficient_scope(std::string challenge) {
  return {403, std::move(challenge), "Not enough permissions", ErrorCode::insufficient_scope, BearerProblem::none};
}

std::vector<AuthenticateRow> authenticate_rows() {
  using P = BearerProblem;
  const std::string ten_kb(10 * 1024, 'a');
  return {
      {"a valid token", "Bearer {access}", {}},
      {"a valid token with the scope the route needs", "Bearer {access}", {}, {"me"}},
      {"two spaces after the scheme (1*SP)", "Bearer  {access}", {}},
      {"no header", "", not_authenticated(P::missing)},
      {"no header, with a realm", "", not_authenticated(P::missing, R"(Bearer realm="api")"), {}, "api"},
      {"Basic credentials", "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==", not_authenticated(P::wrong_scheme)},
      {"a bare token", "{access}", not_authenticated(P::wrong_scheme)},
      {"a comma after the token", "Bearer {access},", not_authenticated(P::malformed)},
      {"a second scheme", "Bearer {access}, Basic YWxpY2U6eA==", not_authenticated(P::malformed)},
      {"the token twice (two headers combined)", "Bearer {access}, Bearer {access}", not_authenticated(P::malformed)},
      {"= padding in the middle of the token", "Bearer eyJ=hbGciOiJIUzI1NiJ9.e30.c2ln",
       not_authenticated(P::malformed)},
      {"a 10 KB header (refused before decoding)", "Bearer " + ten_kb, invalid_token(ErrorCode::token_too_large)},
      {"a 10 KB header of a token and junk", "Bearer {access} " + ten_kb, not_authenticated(P::malformed)},
      {"not a JWT", "Bearer abc", invalid_token(ErrorCode::malformed)},
      {"the refresh token", "Bearer {refresh}", invalid_token(ErrorCode::wrong_token_type)},
      {"an expired token", "Bearer {access}", invalid_token(ErrorCode::expired), {}, "", Before::expiry},
      {"a token after logout",
       "Bearer {access}",
       invalid_token(ErrorCode::revoked, R"(Bearer realm="api", error="invalid_token")"),
       {},
       "api",
       Before::logout},
      {"a store that does not answer (fails closed)",
       "Bearer {access}",
       Refusal{503, "", "Service temporarily unavailable", ErrorCode::store_unavailable, P::none},
       {},
       "",
       Before::store_outage},
      {"not_found for a token's user: 401, not 404",
       "Bearer {access}",
       invalid_token(ErrorCode::not_found),
       {},
       "",
       Before::user_gone_error},
      {"a token without the scope the route needs",
       "Bearer {access}",
       insufficient_scope(R"(Bearer error="insufficient_scope", scope="admin")"),
       {"admin"}},
      {"a token without one of two scopes, with a realm",
       "Bearer {access}",
       insufficient_scope(R"(Bearer realm="api", error="insufficient_scope", scope="admin me")"),
       {"me", "admin"},
       "api"},
  };
}

// `text` with every `placeholder` replaced by `value`.
std::string replaced(std::string text, std::string_view placeholder, const std::string& value) {
  for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size())) {
    text.replace(at, placeholder.size(), value);
  }
  return text;
}

// Puts the fixture in the row's state and returns its Authorization value.
std::string prepared(LoggedIn& f, const AuthenticateRow& row) {
  switch (row.before) {
    case Before::nothing: break;
    case Before::expiry: f.clock.advance(f.tokens.expires_in + 1s); break;
    case Before::logout: REQUIRE(f.auth.logout(f.tokens.access_token)); break;
    case Before::store_outage: f.store.session_error = ErrorCode::store_unavailable; break;
    case Before::user_gone_error: f.store.session_error = ErrorCode::not_found; break;
  }
  return replaced(replaced(row.header, "{access}", f.tokens.access_token), "{refresh}", f.tokens.refresh_token);
}

}  // namespace

TEST_CASE("authenticate_header answers each request with the claims or the exact refusal", "[bearer]") {
  const auto row = GENERATE(from_range(authenticate_rows()));
  INFO("row: " << row.name);
  LoggedIn f;
  const std::string header = prepared(f, row);
  const BearerAuthentication result = authenticate_header(f.auth, header, row.required_scopes, row.realm);
  if (!row.refusal) {
    REQUIRE(result);
    CHECK(result->subject() == "alice");
    CHECK(result.claims().session_id().has_value());
    CHECK_THROWS_AS(result.refusal(), BadResultAccess);
    return;
  }
  REQUIRE_FALSE(result);
  const BearerRefusal& refusal = result.refusal();
  INFO("code: " << to_string(refusal.code) << ", problem: " << name_of(refusal.problem));
  CHECK(refusal.status == row.refusal->status);
  CHECK(refusal.challenge == row.refusal->challenge);
  CHECK(refusal.detail == row.refusal->detail);
  CHECK(refusal.code == row.refusal->code);
  CHECK(refusal.problem == row.refusal->problem);
  CHECK_THROWS_AS(result.claims(), BadResultAccess);
}

TEST_CASE("authenticate_header hands the claims out by move", "[bearer]") {
  LoggedIn f;
  const Claims claims = authenticate_header(f.auth, "Bearer " + f.tokens.access_token).claims();
  CHECK(claims.subject() == "alice");
}
