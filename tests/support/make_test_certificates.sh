#!/usr/bin/env bash
# Makes a throwaway certificate authority and a server certificate for
# 127.0.0.1, ::1 and localhost with the openssl CLI, for the TLS tests (no key
# is ever checked in). Writes into DIR (created; replaced when it exists):
#
#   ca.pem                 the CA certificate (what clients verify against)
#   server.pem, server.key the server's certificate chain and its key
#   other.key              a key that is not the server certificate's
#
#   make_test_certificates.sh DIR
set -euo pipefail

dir=${1:?usage: make_test_certificates.sh DIR}
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
umask 077

# P-256 keys: quick to make, and the ECDHE-ECDSA suites of Mozilla's list.
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key ca.key
openssl req -x509 -new -key ca.key -sha256 -days 2 -subj "/CN=authcore test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.pem

key server.key
openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
cat > server.ext <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
authorityKeyIdentifier = keyid
subjectKeyIdentifier = hash
EXT
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 2 \
  -extfile server.ext -out server.pem 2>/dev/null

key other.key
rm -f server.csr server.ext ca.srl
chmod 644 ca.pem server.pem
