// authcore-server's TLS settings (DESIGN §7, docs/security.md "TLS"): an
// OpenSSL context for Boost.Beast's ssl_stream that speaks TLS 1.2 and 1.3
// only, with Mozilla's "intermediate" cipher suites.
#ifndef AUTHCORE_SERVER_TLS_CONTEXT_HPP
#define AUTHCORE_SERVER_TLS_CONTEXT_HPP

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace authcore_server {

/// Where the server's certificate and key are (PEM files).
struct TlsFiles {
  std::string certificate_chain;  ///< the server certificate first, then its intermediates
  std::string private_key;        ///< the key of the server certificate (not encrypted)
};

/// A server context for `files`: TLS 1.2 and 1.3 only; Mozilla's
/// "intermediate" suites (ECDHE and DHE with AES-GCM or ChaCha20-Poly1305,
/// forward secret only), the client's preference among them; no
/// compression, no renegotiation, no session resumption (neither tickets
/// nor a session cache). Throws
/// std::runtime_error naming the file and OpenSSL's reason when a file
/// cannot be read or parsed, or the key is not the certificate's.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const TlsFiles& files);

}  // namespace authcore_server

#endif
