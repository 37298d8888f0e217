"""authcore-server over TLS (--tls-cert, --tls-key), with real TLS clients:
curl and Python's ssl module verifying the test CA. A full exchange (sign-up,
token, /users/me) with HSTS on every response; TLS 1.2 and 1.3 negotiated
with Mozilla "intermediate" suites; TLS 1.1 refused (each refusal with a
control showing the same client speaks TLS 1.1 to a server that allows it);
plain HTTP, garbage and a silent client on the TLS port closed without an
HTTP response; 100-continue, the 413 linger, close_notify and SIGTERM
over TLS; bad TLS files refused at start."""
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import warnings

from server_process import ServerProcess, server_binary, tls_file, tls_flags

# TLS 1.1 is used on purpose here, to see it refused.
warnings.filterwarnings("ignore", "ssl.TLSVersion.TLSv1_1 is deprecated", DeprecationWarning)

PASSWORD = "correct horse battery"
HSTS = "max-age=63072000"
# Mozilla "intermediate" (guidelines 5.7), as OpenSSL names them.
MOZILLA_INTERMEDIATE = {
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384", "DHE-RSA-CHACHA20-POLY1305",
}


def client_context(minimum=None, maximum=None):
    """A client context that verifies the server against the test CA."""
    context = ssl.create_default_context(cafile=tls_file("ca.pem"))
    if minimum:
        context.minimum_version = minimum
    if maximum:
        context.maximum_version = maximum
    return context


def tls11_client_context():
    """A client that speaks TLS 1.1 and nothing else: OpenSSL 3 allows it
    only at security level 0."""
    context = client_context(ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_1)
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


class Tls11Server:
    """The control for the TLS 1.1 refusals: a server on the same
    certificate that accepts TLS 1.1 and answers one HTTP request."""

    def __init__(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.load_cert_chain(tls_file("server.pem"), tls_file("server.key"))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, args=(context,), daemon=True)
        self.thread.start()

    def serve(self, context):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(connection, server_side=True) as tls:
                    tls.recv(4096)
                    tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            except (ssl.SSLError, OSError):
                pass

    def close(self):
        self.listener.close()


def curl(*args):
    """Runs curl; returns (exit status, HTTP status, headers lower-cased, body)."""
    result = subprocess.run(["curl", "-sS", "--max-time", "30", "-D", "-", "-o", "/dev/stderr", *args],
                            capture_output=True, text=True)
    lines = result.stdout.splitlines()  # text mode: "\r\n" arrives as "\n"
    status, headers = 0, {}
    for line in lines:
        if line.startswith("HTTP/"):
            status, headers = int(line.split()[1]), {}  # the last response wins (after a 100)
        elif ": " in line:
            name, value = line.split(": ", 1)
            headers[name.lower()] = value
    return result.returncode, status, headers, result.stderr


def read_until_closed(sock, limit_seconds):
    """Everything `sock` receives until the peer closes; raises
    AssertionError if that takes longer than `limit_seconds`."""
    sock.settimeout(limit_seconds)
    received = b""
    deadline = time.monotonic() + limit_seconds
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return received
        except socket.timeout:
            raise AssertionError(f"still open after {limit_seconds} s")
        if not chunk:
            return received
        received += chunk
        if time.monotonic() > deadline:
            raise AssertionError(f"still open after {limit_seconds} s")


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ServerProcess(*tls_flags())

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, f"the server exited {code}"

    def connection(self, context=None):
        return http.client.HTTPSConnection("127.0.0.1", self.server.port, context=context or client_context(),
                                           timeout=30)

    def test_listens_with_https(self):
        self.assertEqual(self.server.scheme, "https")

    def test_full_exchange_with_curl(self):
        base = self.server.base
        username = f"curl{os.getpid()}"
        ca = ["--cacert", tls_file("ca.pem")]
        code, status, headers, body = curl(*ca, "-H", "Content-Type: application/json",
                                           "--data", json.dumps({"username": username, "password": PASSWORD}),
                                           base + "/signup")
        self.assertEqual((code, status), (0, 201), body)
        self.assertEqual(headers["strict-transport-security"], HSTS)
        code, status, headers, body = curl(*ca, "--data-urlencode", f"username={username}",
                                           "--data-urlencode", f"password={PASSWORD}", base + "/token")
        self.assertEqual((code, status), (0, 200), body)
        self.assertEqual(headers["strict-transport-security"], HSTS)
        access = json.loads(body)["access_token"]
        code, status, headers, body = curl(*ca, "-H", f"Authorization: Bearer {access}", base + "/users/me")
        self.assertEqual((code, status), (0, 200), body)
        self.assertEqual(json.loads(body)["username"], username)
        self.assertEqual(headers["strict-transport-security"], HSTS)
        # Without the CA, curl refuses the certificate: the verification is real.
        code, status, _, _ = curl(base + "/livez")
        self.assertEqual((code, status), (60, 0))  # CURLE_PEER_FAILED_VERIFICATION

    def test_full_exchange_with_python_ssl_on_one_keep_alive_connection(self):
        connection = self.connection()
        username = f"py{os.getpid()}"
        connection.request("POST", "/signup", json.dumps({"username": username, "password": PASSWORD}),
                           {"Content-Type": "application/json"})
        signup = connection.getresponse()
        self.assertEqual(signup.status, 201, signup.read())
        self.assertEqual(signup.getheader("Strict-Transport-Security"), HSTS)
        signup.read()
        connection.request("POST", "/token", f"username={username}&password=correct+horse+battery",
                           {"Content-Type": "application/x-www-form-urlencoded"})
        token = connection.getresponse()
        self.assertEqual(token.status, 200)
        access = json.loads(token.read())["access_token"]
        connection.request("GET", "/users/me", headers={"Authorization": f"Bearer {access}"})
        me = connection.getresponse()
        self.assertEqual(me.status, 200)
        self.assertEqual(json.loads(me.read())["username"], username)
        self.assertEqual(me.getheader("Strict-Transport-Security"), HSTS)
        # Errors carry it too (RFC 6797 §8.1: every response over TLS).
        for method, path, status in [("GET", "/users/me", 401), ("GET", "/nowhere", 404), ("DELETE", "/token", 405)]:
            connection.request(method, path)
            reply = connection.getresponse()
            reply.read()
            self.assertEqual(reply.status, status)
            self.assertEqual(reply.getheader("Strict-Transport-Security"), HSTS, path)
        connection.close()

    def test_tls_12_and_13_with_mozilla_intermediate_suites(self):
        for version, name in [(ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")]:
            with self.subTest(name):
                context = client_context(version, version)
                with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
                    with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                        self.assertEqual(tls.version(), name)
                        self.assertIn(tls.cipher()[0], MOZILLA_INTERMEDIATE)
                        self.assertIsNone(tls.compression())

    def test_a_weak_tls_12_suite_is_refused(self):
        context = client_context(ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_2)
        context.set_ciphers("ECDHE-ECDSA-AES128-SHA")  # CBC with SHA-1: not in Mozilla's list
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
            with self.assertRaisesRegex(ssl.SSLError, "HANDSHAKE_FAILURE|NO_SHARED_CIPHER|handshake failure"):
                context.wrap_socket(raw, server_hostname="127.0.0.1")

    def test_tls_11_is_refused_by_python_ssl(self):
        control = Tls11Server()
        try:
            with socket.create_connection(("127.0.0.1", control.port), timeout=30) as raw:
                with tls11_client_context().wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                    self.assertEqual(tls.version(), "TLSv1.1")  # the client can speak TLS 1.1
        finally:
            control.close()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
            with self.assertRaisesRegex(ssl.SSLError, "PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|protocol version"):
                tls11_client_context().wrap_socket(raw, server_hostname="127.0.0.1")

    def test_tls_11_is_refused_by_curl(self):
        tls11 = ["--tlsv1.1", "--tls-max", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0", "--cacert", tls_file("ca.pem")]
        control = Tls11Server()
        try:
            code, status, _, body = curl(*tls11, f"https://127.0.0.1:{control.port}/")
            self.assertEqual((code, status, body), (0, 200, "ok"))  # curl can speak TLS 1.1
        finally:
            control.close()
        code, status, _, body = curl(*tls11, self.server.base + "/livez")
        self.assertEqual((code, status), (35, 0), body)  # CURLE_SSL_CONNECT_ERROR
        self.assertRegex(body, "protocol version|unsupported protocol")

    def test_plain_http_on_the_tls_port_gets_no_http_response(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
            raw.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            received = read_until_closed(raw, 5)
        self.assertNotIn(b"HTTP/", received)

    def test_garbage_and_silent_clients_are_closed(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
            raw.sendall(os.urandom(3000))
            self.assertNotIn(b"HTTP/", read_until_closed(raw, 5))
        # Half a TLS record header, then nothing: the handshake timeout (10 s).
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
            raw.sendall(b"\x16\x03\x01")
            self.assertEqual(read_until_closed(raw, 15), b"")
        self.assertGreater(time.monotonic() - started, 8)
        # The server is unharmed.
        connection = self.connection()
        connection.request("GET", "/livez")
        self.assertEqual(connection.getresponse().status, 200)

    def test_100_continue_over_tls(self):
        context = client_context()
        body = json.dumps({"username": f"cont{os.getpid()}", "password": PASSWORD}).encode()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
            with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                tls.sendall(b"POST /signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            b"Expect: 100-continue\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
                interim = tls.recv(4096)
                self.assertTrue(interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim)
                tls.sendall(body)
                final = tls.recv(65536)
                self.assertTrue(final.startswith(b"HTTP/1.1 201 "), final)
        code, status, _, _ = curl("--cacert", tls_file("ca.pem"), "-H", "Expect: 100-continue", "-H",
                                  "Content-Type: application/json", "--data",
                                  json.dumps({"username": f"curlcont{os.getpid()}", "password": PASSWORD}),
                                  self.server.base + "/signup")
        self.assertEqual((code, status), (0, 201))

    def test_an_oversize_body_is_answered_413_then_closed(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
            with client_context().wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                tls.sendall(b"POST /signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 100000\r\n\r\n" + b"x" * 50000)
                reply = read_until_closed(tls, 10)
        self.assertTrue(reply.startswith(b"HTTP/1.1 413 "), reply[:200])
        self.assertIn(b"Strict-Transport-Security: " + HSTS.encode(), reply)
        self.assertIn(b"Connection: close", reply)
        big = os.path.join(self.server.work, "big.json")
        with open(big, "wb") as f:
            f.write(b"x" * 100_000)
        code, status, _, _ = curl("--cacert", tls_file("ca.pem"), "-H", "Content-Type: application/json",
                                  "--data-binary", "@" + big, self.server.base + "/signup")
        self.assertEqual((code, status), (0, 413))

    def test_connection_close_ends_with_close_notify(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
            tls = client_context().wrap_socket(raw, server_hostname="127.0.0.1", suppress_ragged_eofs=False)
            tls.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            received = b""
            while True:
                chunk = tls.recv(65536)  # SSLEOFError were the TCP closed without close_notify
                if not chunk:
                    break
                received += chunk
            self.assertTrue(received.startswith(b"HTTP/1.1 200 "), received)
            tls.close()


class TlsShutdownTest(unittest.TestCase):
    def test_sigterm_lets_a_login_in_flight_over_tls_finish(self):
        server = ServerProcess(*tls_flags())
        try:
            username = f"late{os.getpid()}"
            connection = http.client.HTTPSConnection("127.0.0.1", server.port, context=client_context(), timeout=30)
            connection.request("POST", "/signup", json.dumps({"username": username, "password": PASSWORD}),
                               {"Content-Type": "application/json"})
            self.assertEqual(connection.getresponse().status, 201)
            connection.close()
            outcome = {}

            def log_in():
                login = http.client.HTTPSConnection("127.0.0.1", server.port, context=client_context(), timeout=30)
                login.request("POST", "/login", json.dumps({"username": username, "password": PASSWORD}),
                              {"Content-Type": "application/json"})
                response = login.getresponse()
                outcome["status"], outcome["body"] = response.status, response.read()

            thread = threading.Thread(target=log_in)
            thread.start()
            time.sleep(0.05)  # inside the Argon2id hash of the login
            server.process.send_signal(signal.SIGTERM)
            thread.join(30)
            self.assertEqual(outcome.get("status"), 200, outcome)
            self.assertEqual(server.process.wait(30), 0)
        finally:
            server.stop()


class TlsStartTest(unittest.TestCase):
    def start_fails(self, cert, key):
        result = subprocess.run([server_binary(), "--host", "192.0.2.1", "--port", "0", "--db", ":memory:",
                                 "--tls-cert", cert, "--tls-key", key], stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 2, result.stderr)
        return result.stderr

    def test_a_key_that_is_not_the_certificates_stops_the_server(self):
        err = self.start_fails(tls_file("server.pem"), tls_file("other.key"))
        self.assertIn("error: tls: ", err)
        self.assertRegex(err, "is not the key of|key values mismatch")

    def test_an_encrypted_key_stops_the_server_without_asking_for_a_passphrase(self):
        with tempfile.TemporaryDirectory(prefix="authcore-tls.") as work:
            encrypted = os.path.join(work, "encrypted.key")
            subprocess.run(["openssl", "pkey", "-in", tls_file("server.key"), "-aes256", "-passout", "pass:secret",
                            "-out", encrypted], check=True)
            err = self.start_fails(tls_file("server.pem"), encrypted)
        self.assertIn(f"error: tls: cannot use the private key '{encrypted}'", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
