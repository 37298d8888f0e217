// The smallest useful authcore program: issue an access token, verify it,
// and watch a tampered copy be refused with a stable error code.
#include <authcore/authcore.hpp>

#include <cstdlib>
#include <iostream>

int main() {
  // [keys]
  // A random 256-bit key. In a service, load the key from your secret store
  // with HmacKey::from_bytes: for instance the 43 characters `authctl keygen`
  // prints, used as they are, as authctl and authcore-server use them.
  const authcore::HmacKey key = authcore::HmacKey::generate("2026-01");
  // [keys]

  // [issue]
  const authcore::TokenIssuer issuer(key);
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
  const authcore::TokenVerifier verifier(key, expected);

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
