// authctl's token commands (keygen, issue, verify, decode), the parser's
// exit statuses and --help, by running the built binary (docs/authctl.md).
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "authctl_support.hpp"
#include "support/catch.hpp"

using namespace authcore;
using test::authctl;
using test::check_failure;
using test::check_success;
using test::key_file;

namespace {

const std::string kPyjwtScript = std::string(AUTHCORE_TEST_SOURCE_DIR) + "/support/pyjwt_interop.py";

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

nlohmann::json decoded_part(const std::string& token, const char* part) {
  const auto result = authctl({"decode", token});
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.out).at(part);
}

// A payload with this much life left (negative: expired that long ago).
std::string payload_expiring_in(std::int64_t seconds) {
  return R"({"sub":"alice","iat":)" + std::to_string(now() - 60) + R"(,"exp":)" + std::to_string(now() + seconds) + "}";
}

// `authctl verify --secret-file <key file> <args>`.
test::ProcessResult verify(const std::vector<std::string>& args, std::string_view input = {}) {
  std::vector<std::string> argv{"verify", "--secret-file", key_file().path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return authctl(argv, input);
}

// Strict base64url (RFC 4648 §5, no padding) decoded with OpenSSL, which
// knows only the standard alphabet with padding.
std::string base64url_decode(std::string text) {
  std::replace(text.begin(), text.end(), '-', '+');
  std::replace(text.begin(), text.end(), '_', '/');
  const std::size_t padding = (4 - text.size() % 4) % 4;
  text.append(padding, '=');
  std::string bytes(text.size() / 4 * 3, '\0');
  const int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                   reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  REQUIRE(size >= 0);
  bytes.resize(static_cast<std::size_t>(size) - padding);
  return bytes;
}

struct UsageRow {
  std::string name;
  std::vector<std::string> args;
};

}  // namespace

TEST_CASE("help and version exit 0 and print to stdout, each help with an example", "[cli]") {
  const auto command = GENERATE(as<std::vector<std::string>>{}, std::vector<std::string>{},
                                std::vector<std::string>{"keygen"}, std::vector<std::string>{"hash"},
                                std::vector<std::string>{"verify-password"}, std::vector<std::string>{"issue"},
                                std::vector<std::string>{"verify"}, std::vector<std::string>{"decode"});
  std::vector<std::string> args = command;
  args.emplace_back("--help");
  const auto result = authctl(args);
  INFO("authctl " << (command.empty() ? "" : command.front()) << " --help");
  check_success(result);
  CHECK(result.out.find("Usage: authctl") != std::string::npos);
  CHECK(result.out.find("Example: ") != std::string::npos);

  const auto version = authctl({"--version"});
  check_success(version);
  CHECK_FALSE(version.out.empty());
}

TEST_CASE("every parse error exits 2 with `error: usage:`", "[cli]") {
  const auto row = GENERATE(values<UsageRow>({
      {"no command", {}},
      {"unknown command", {"frobnicate"}},
      {"unknown option", {"keygen", "--bogus"}},
      {"unexpected argument", {"keygen", "extra"}},
      {"issue without --sub", {"issue"}},
      {"--sub without a value", {"issue", "--sub"}},
      {"verify without TOKEN", {"verify"}},
      {"verify with two tokens", {"verify", "a.b.c", "d.e.f"}},
      {"decode without TOKEN", {"decode"}},
      {"verify-password without HASH", {"verify-password"}},
      {"--type neither access nor refresh", {"issue", "--sub", "a", "--type", "admin"}},
      {"--type on verify, misspelt", {"verify", "--type", "Access", "a.b.c"}},
      {"negative --leeway", {"verify", "--leeway=-1", "a.b.c"}},
      {"--leeway over a day", {"verify", "--leeway", "86401", "a.b.c"}},
      {"--leeway with a unit", {"verify", "--leeway", "5s", "a.b.c"}},
      {"--secret-file without a value", {"issue", "--sub", "a", "--secret-file"}},
      {"--secret-file twice", {"--secret-file", "a", "issue", "--sub", "a", "--secret-file", "b"}},
  }));
  INFO(row.name);
  check_failure(authctl(row.args), 2, "usage");
}

TEST_CASE("keygen prints 43 base64url characters that decode to 32 bytes, new each run", "[cli][keygen]") {
  const auto first = authctl({"keygen"});
  check_success(first);
  const std::string key = test::output_line(first);
  CHECK(key.size() == 43);
  CHECK(std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }));
  CHECK(base64url_decode(key).size() == 32);
  CHECK(HmacKey::from_base64url(key));  // canonical: the library's strict decoder agrees

  const auto second = authctl({"keygen"});
  check_success(second);
  CHECK(test::output_line(second) != key);
}

TEST_CASE("keygen output redirected to a file is usable as a secret file", "[cli][keygen]") {
  const auto generated = authctl({"keygen"});
  check_success(generated);
  // What `authctl keygen > key` writes: the 43 characters and a newline.
  const test::TempFile keygen_file(generated.out);
  const auto issued = authctl({"--secret-file", keygen_file.path(), "issue", "--sub", "alice"});
  check_success(issued);
  const std::string token = test::output_line(issued);
  // The key is the 43 characters themselves (docs/authctl.md, SECRETS).
  check_success(authctl({"verify", token}, {}, test::output_line(generated)));
  check_success(authctl({"verify", "--secret-file", keygen_file.path(), token}));
}

TEST_CASE("issue then verify round-trips iss, aud, custom claims and the payload bytes", "[cli][issue][verify]") {
  const std::string token = test::issue_token({"--sub", "alice", "--iss", "https://auth.example.com", "--aud",
                                               "orders-api", "--claim", "role=admin", "--claim", "n=42"});
  const auto result = verify({"--iss", "https://auth.example.com", "--aud", "orders-api", token});
  check_success(result);
  const std::string payload = test::output_line(result);
  CHECK(payload.find('\n') == std::string::npos);
  const auto claims = nlohmann::json::parse(payload);
  CHECK(claims.at("sub") == "alice");
  CHECK(claims.at("iss") == "https://auth.example.com");
  CHECK(claims.at("aud") == "orders-api");
  CHECK(claims.at("role") == "admin");
  CHECK(claims.at("n") == "42");  // --claim values are strings
  CHECK(claims.at("exp").get<std::int64_t>() - claims.at("iat").get<std::int64_t>() == 15 * 60);
  CHECK(claims.at("jti").get<std::string>().size() == 22);
  // The payload segment's own bytes, not a reformatting.
  const auto first_dot = token.find('.');
  CHECK(payload == base64url_decode(token.substr(first_dot + 1, token.rfind('.') - first_dot - 1)));

  SECTION("a wrong or missing expectation is exit 1 with its token code") {
    check_failure(verify({"--iss", "https://auth.example.org", "--aud", "orders-api", token}), 1, "invalid_issuer");
    check_failure(verify({"--iss", "https://auth.example.com", "--aud", "billing", token}), 1, "invalid_audience");
    check_failure(verify({"--iss", "https://auth.example.com", token}), 1, "invalid_audience");
    check_failure(verify({"--aud", "orders-api", "--require", "tenant", token}), 1, "missing_claim");
    check_success(verify({"--aud", "orders-api", "--require", "role", "--require", "n", token}));
  }
  SECTION("--iss and --aud absent from the token are missing_claim") {
    const std::string bare = test::issue_token({"--sub", "alice"});
    check_failure(verify({"--iss", "https://auth.example.com", bare}), 1, "missing_claim");
    check_failure(verify({"--aud", "orders-api", bare}), 1, "missing_claim");
  }
}

TEST_CASE("verify prints the payload exactly as signed: big integers and unicode", "[cli][verify]") {
  const std::string payload = R"({"sub":"Zo\u00eb","name":"Zoë 😀","big":123456789012345678901234567890,"exp":)" +
                              std::to_string(now() + 600) + "}";
  const auto result = verify({test::forge(test::kAccessHeader, payload)});
  check_success(result);
  CHECK(result.out == payload + "\n");
}

TEST_CASE("verify refusals exit 1 with the token code", "[cli][verify]") {
  const std::string token = test::issue_token({"--sub", "alice"});
  std::string tampered = token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  const std::string other_key(32, 'x');
  const auto row = GENERATE_COPY(table<std::string, std::string, std::string>({
      {"tampered signature", tampered, "invalid_signature"},
      {"signed with another key", test::forge(test::kAccessHeader, payload_expiring_in(600), other_key),
       "invalid_signature"},
      {"expired", test::forge(test::kAccessHeader, payload_expiring_in(-10)), "expired"},
      {"no exp", test::forge(test::kAccessHeader, R"({"sub":"alice"})"), "missing_claim"},
      {"not a JWS", "not-a-token", "malformed"},
      {"bad base64url", "eyJ!.eyJ.sig", "malformed"},
      {"alg none", test::forge(R"({"alg":"none"})", payload_expiring_in(600)), "algorithm_not_allowed"},
      {"jwk in the header", test::forge(R"({"alg":"HS256","jwk":{}})", payload_expiring_in(600)), "unknown_key"},
      {"duplicate claim", test::forge(test::kAccessHeader, R"({"sub":"a","sub":"b","exp":9999999999})"),
       "invalid_claim"},
      {"not yet valid", test::forge(test::kAccessHeader, R"({"sub":"a","exp":9999999999,"nbf":9999999000})"),
       "not_yet_valid"},
      {"issued in the future", test::forge(test::kAccessHeader, R"({"sub":"a","exp":9999999999,"iat":9999999000})"),
       "issued_in_future"},
      {"over 8192 bytes", std::string(9000, 'a'), "token_too_large"},
  }));
  INFO(std::get<0>(row));
  check_failure(verify({std::get<1>(row)}), 1, std::get<2>(row));
}

TEST_CASE("verify --leeway tolerates that much clock skew and no more", "[cli][verify]") {
  const std::string token = test::forge(test::kAccessHeader, payload_expiring_in(-30));
  check_failure(verify({token}), 1, "expired");
  check_failure(verify({"--leeway", "10", token}), 1, "expired");
  check_success(verify({"--leeway", "120", token}));
}

TEST_CASE("issue and verify --type: refresh and access tokens are not interchangeable", "[cli][issue][verify]") {
  const std::string refresh = test::issue_token({"--sub", "alice", "--type", "refresh"});
  const std::string access = test::issue_token({"--sub", "alice", "--type", "access"});
  CHECK(decoded_part(refresh, "header").at("typ") == "rt+jwt");
  CHECK(decoded_part(access, "header").at("typ") == "at+jwt");
  check_failure(verify({refresh}), 1, "wrong_token_type");
  check_failure(verify({"--type", "access", refresh}), 1, "wrong_token_type");
  check_failure(verify({"--type", "refresh", access}), 1, "wrong_token_type");
  check_success(verify({"--type", "refresh", refresh}));
  check_success(verify({access}));
}

TEST_CASE("issue --kid names the key in the header", "[cli][issue]") {
  const std::string token = test::issue_token({"--sub", "alice", "--kid", "2026-01"});
  CHECK(decoded_part(token, "header") == nlohmann::json{{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", "2026-01"}});
  check_success(verify({token}));
}

TEST_CASE("issue --ttl accepts seconds and s, m, h, d, and 15 minutes by default", "[cli][issue][ttl]") {
  const auto [ttl, seconds] = GENERATE(table<std::string, std::int64_t>({
      {"", 900},
      {"900", 900},
      {"1", 1},
      {"45s", 45},
      {"15m", 900},
      {"1h", 3600},
      {"2d", 172800},
  }));
  INFO("--ttl " << ttl);
  std::vector<std::string> args{"--sub", "alice"};
  if (!ttl.empty()) args.insert(args.end(), {"--ttl", ttl});
  const auto payload = decoded_part(test::issue_token(args), "payload");
  CHECK(payload.at("exp").get<std::int64_t>() - payload.at("iat").get<std::int64_t>() == seconds);
}

TEST_CASE("issue refuses a bad --ttl with exit 2 and no token", "[cli][issue][ttl]") {
  const auto ttl = GENERATE(as<std::string>{}, "0", "0m", "-5", "+5", "1h30", "15 m", " 15m", "15m ", "m", "", "1.5h",
                            "15M", "15min", "0x10", "1e3", "99999999999999999999",  // over 2^64
                            "106751991167301d",                                     // seconds over 2^63
                            "9223372036854775807");                                 // fits, but iat + ttl does not
  INFO("--ttl '" << ttl << "'");
  check_failure(authctl({"issue", "--secret-file", key_file().path(), "--sub", "alice", "--ttl=" + ttl}), 2, "usage");
}

TEST_CASE("issue --claim: string values, and the refused forms", "[cli][issue][claim]") {
  SECTION("values are strings, may be empty and may contain '='") {
    const auto payload = decoded_part(
        test::issue_token({"--sub", "a", "--claim", "n=42", "--claim", "e=", "--claim", "q=a=b"}), "payload");
    CHECK(payload.at("n") == "42");
    CHECK(payload.at("e") == "");
    CHECK(payload.at("q") == "a=b");
  }
  SECTION("refused with exit 2") {
    const auto claim = GENERATE(as<std::string>{}, "role", "=admin", "sub=bob", "exp=1", "iat=1", "nbf=1", "iss=x",
                                "aud=x", "jti=x", "sid=x",
                                "line\nbreak",  // quoted in the message, which must stay one line
                                "k=\xff");      // not UTF-8
    INFO("--claim " << claim);
    check_failure(authctl({"issue", "--secret-file", key_file().path(), "--sub", "alice", "--claim", claim}), 2,
                  "usage");
  }
  SECTION("the same name twice is refused, not last-one-wins") {
    check_failure(authctl({"issue", "--secret-file", key_file().path(), "--sub", "alice", "--claim", "role=a",
                           "--claim", "role=b"}),
                  2, "usage");
  }
}

TEST_CASE("issue refuses an empty --sub", "[cli][issue]") {
  check_failure(authctl({"issue", "--secret-file", key_file().path(), "--sub", ""}), 2, "usage");
}

TEST_CASE("verify and decode read TOKEN from stdin when it is -", "[cli][verify][decode]") {
  const std::string token = test::issue_token({"--sub", "alice"});
  check_success(verify({"-"}, token));
  check_success(verify({"-"}, token + "\n"));
  check_failure(verify({"-"}, token + "\n\n"), 1, "malformed");  // only one newline is stripped
  check_failure(verify({"-"}, std::string(100'000, 'a')), 1, "token_too_large");
  check_failure(verify({"-"}), 1, "malformed");

  const auto decoded = authctl({"decode", "-"}, token + "\n");
  CHECK(decoded.exit_code == 0);
  CHECK(decoded.out == authctl({"decode", token}).out);
}

TEST_CASE("decode prints header and payload as one JSON object, and warns that nothing was verified", "[cli][decode]") {
  const std::string header = R"({"alg":"HS256","typ":"at+jwt"})";
  const std::string payload = R"({"sub":"alice","exp":1,"big":123456789012345678901234567890})";
  // Expired and signed with another key: decode does not care.
  const auto result = authctl({"decode", test::forge(header, payload, std::string(32, 'x'))});
  CHECK(result.exit_code == 0);
  CHECK(result.out == R"({"header":)" + header + R"(,"payload":)" + payload + "}\n");
  CHECK(result.err.rfind("warning: ", 0) == 0);
  CHECK(result.err.find("NOT verified") != std::string::npos);
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

TEST_CASE("decode still refuses oversize and non-base64url input, with exit 1", "[cli][decode]") {
  check_failure(authctl({"decode", std::string(8193, 'a')}), 1, "token_too_large");
  check_failure(authctl({"decode", "eyJ=.eyJ.c2ln"}), 1, "malformed");
  check_failure(authctl({"decode", "only.two"}), 1, "malformed");
  check_failure(authctl({"decode", test::b64("{}") + "." + test::b64("[1]") + ".c2ln"}), 1, "malformed");
}

TEST_CASE("a token issued by authctl verifies in PyJWT", "[cli][interop]") {
  const std::string token = test::issue_token(
      {"--sub", "alice", "--iss", "https://issuer.example", "--aud", "api", "--kid", "k1", "--claim", "role=admin"});
  const auto result =
      test::run_python(kPyjwtScript, {"verify", test::hex(test::kKeyBytes), "https://issuer.example", "api"}, token);
  REQUIRE(result.exit_code == 0);
  const auto decoded = nlohmann::json::parse(result.out);
  CHECK(decoded.at("header") == nlohmann::json{{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", "k1"}});
  CHECK(decoded.at("claims").at("sub") == "alice");
  CHECK(decoded.at("claims").at("role") == "admin");
}

TEST_CASE("output that cannot be written is `error: io:` with exit 2", "[cli]") {
  test::ProcessOptions options;
  options.stdout_path = "/dev/full";
  check_failure(test::run_process({AUTHCTL_PATH, "keygen"}, options), 2, "io");
}
