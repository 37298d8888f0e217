#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace authcore_server {
namespace {

namespace ssl = boost::asio::ssl;

// Mozilla Server Side TLS, "intermediate" configuration (guidelines 5.7):
// forward-secret AEAD suites only, for clients of the last five years or so.
// TLS 1.2 cipher list, in Mozilla's order:
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
// TLS 1.3 suites (RFC 8446 §9.1 makes the first mandatory):
constexpr const char* kTls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kGroups = "X25519:prime256v1:secp384r1";

// OpenSSL's reason for the failure just seen (the last error queued), and
// the queue emptied so it cannot be blamed on a later call.
std::string openssl_reason() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

void require(long result, const std::string& what) {
  if (result != 1) throw std::runtime_error(what + ": " + openssl_reason());
}

// An encrypted key would make OpenSSL ask for its passphrase on the
// terminal, which a service must never do: it fails instead.
int no_passphrase(char*, int, int, void*) { return 0; }

void use_protocol_settings(SSL_CTX* context) {
  require(SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION), "cannot require TLS 1.2");
  // No compression (CRIME), no renegotiation (RFC 8446 removed it; in 1.2 it
  // is a denial-of-service lever).
  SSL_CTX_set_options(context, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // No session resumption: no tickets (Mozilla: their key would live as
  // long as the process, defeating forward secrecy) and no session cache,
  // whose entries (up to 20,480 of them, kept 5 minutes) anyone can fill by
  // handshaking. Clients keep their connections alive instead; a full
  // handshake costs one ECDHE and one signature.
  SSL_CTX_set_options(context, SSL_OP_NO_TICKET);
  require(SSL_CTX_set_num_tickets(context, 0), "cannot turn TLS 1.3 session tickets off");
  SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
  // Mozilla "intermediate": every suite offered is strong, so the client
  // picks (it knows whether it has AES hardware).
  SSL_CTX_clear_options(context, SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Idle keep-alive connections give their read and write buffers back.
  SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
  require(SSL_CTX_set_cipher_list(context, kTls12Ciphers), "cannot set the TLS 1.2 ciphers");
  require(SSL_CTX_set_ciphersuites(context, kTls13Suites), "cannot set the TLS 1.3 suites");
  require(SSL_CTX_set1_groups_list(context, kGroups), "cannot set the key-exchange groups");
  // The DHE suites use a well-known group of the key's strength (RFC 7919).
  require(SSL_CTX_set_dh_auto(context, 1), "cannot enable the DHE groups");
}

void use_files(SSL_CTX* context, const TlsFiles& files) {
  SSL_CTX_set_default_passwd_cb(context, no_passphrase);
  require(SSL_CTX_use_certificate_chain_file(context, files.certificate_chain.c_str()),
          "cannot use the certificate chain '" + files.certificate_chain + "'");
  require(SSL_CTX_use_PrivateKey_file(context, files.private_key.c_str(), SSL_FILETYPE_PEM),
          "cannot use the private key '" + files.private_key + "' (PEM, not encrypted)");
  require(SSL_CTX_check_private_key(context),
          "the private key '" + files.private_key + "' is not the key of '" + files.certificate_chain + "'");
}

}  // namespace

std::unique_ptr<ssl::context> make_tls_context(const TlsFiles& files) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  ERR_clear_error();
  use_protocol_settings(context->native_handle());
  use_files(context->native_handle(), files);
  return context;
}

}  // namespace authcore_server
