// The smallest useful authcore program: issue an access token, verify it,
// and watch a tampered copy be refused with a stable error code.
//
//     issue_and_verify [KEY_FILE]
//
// signs with the key in KEY_FILE (e.g. `authctl keygen > key`), or with a
// random key when none is named.
#include <authcore/authcore.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  // [keys]
  // The key file's bytes, without one trailing newline, are the key: the 43
  // characters `authctl keygen > key` writes, used as they are, as authctl
  // and authcore-server read --secret-file. Without a file, a random
  // 256-bit key (tokens then die with the process).
  const authcore::Result<authcore::HmacKey> key =
      argc > 1 ? authcore::HmacKey::from_file(argv[1], "2026-01") : authcore::HmacKey::generate("2026-01");
  if (!key) {  // invalid_key: unreadable, over 64 KiB, or under 32 bytes
    std::cerr << "key: " << key.error().message << '\n';
    return EXIT_FAILURE;
  }
  // [keys]

  // [issue]
  const authcore::TokenIssuer issuer(*key);
  authcore::IssueOptions options;
  options.subject = "alice";
  options.issuer = "https://auth.example.com";
  options.audience = "orders-api";
  options.custom = {{"role", "admin"}};
  const authcore::Result<std::string> token = issuer.issue(options);
  if (!token) {
    std::cerr << "issue failed: " << token.error().message << '\n';
    return EXIT_FAILURE;
  }
  // [issue]
  std::cout << "token:    " << *token << "\n";

  // [verify]
  authcore::VerifyOptions expected;
  expected.issuer = "https://auth.example.com";
  expected.audience = "orders-api";
  const authcore::TokenVerifier verifier(*key, expected);

  const authcore::Result<authcore::Claims> claims = verifier.verify(*token);
  if (!claims) {
    std::cerr << "rejected: " << authcore::to_string(claims.error().code) << '\n';
    return EXIT_FAILURE;
  }
  std::cout << "subject:  " << *claims->subject() << "\n"
            << "role:     " << claims->get<std::string>("role").value_or("none") << "\n";
  // [verify]

  // [reject]
  std::string tampered = *token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  const auto refused = verifier.verify(tampered);
  switch (refused ? authcore::ErrorCode{} : refused.error().code) {
    case authcore::ErrorCode::invalid_signature: std::cout << "tampered: rejected (invalid_signature)\n"; break;
    default: std::cerr << "tampered token was not refused as expected\n"; return EXIT_FAILURE;
  }
  // [reject]
  return EXIT_SUCCESS;
}
