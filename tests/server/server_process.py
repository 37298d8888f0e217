"""A real authcore-server for the Python tests: started on 127.0.0.1 on a
free port with a fresh SQLite database and a random key, its stderr kept,
stopped with SIGTERM.

The binary is $AUTHCORE_SERVER_BINARY; the test certificates of the TLS
tests (made by tests/support/make_test_certificates.sh) are in
$AUTHCORE_TEST_TLS_DIR. CTest sets both."""
import json
import os
import secrets
import shutil
import ssl
import subprocess
import tempfile
import urllib.request


def server_binary():
    binary = os.environ.get("AUTHCORE_SERVER_BINARY", "")
    if not os.access(binary, os.X_OK):
        raise RuntimeError(f"AUTHCORE_SERVER_BINARY is not an executable: {binary!r}")
    return binary


def tls_file(name):
    """A file of the test certificate directory: ca.pem, server.pem, server.key, other.key."""
    path = os.path.join(os.environ.get("AUTHCORE_TEST_TLS_DIR", ""), name)
    if not os.path.isfile(path):
        raise RuntimeError(f"no {name} in AUTHCORE_TEST_TLS_DIR ({path!r})")
    return path


def tls_flags():
    return ["--tls-cert", tls_file("server.pem"), "--tls-key", tls_file("server.key")]


class ServerProcess:
    """authcore-server with `flags` after --port 0 --db <fresh>; `quiet`
    adds --quiet (no access log)."""

    def __init__(self, *flags, quiet=True):
        self.work = tempfile.mkdtemp(prefix="authcore-server-py.")
        self.db = os.path.join(self.work, "auth.db")
        self.stderr_path = os.path.join(self.work, "server.err")
        self.stopped_errors = None
        argv = [server_binary(), "--port", "0", "--db", self.db, *(["--quiet"] if quiet else []), *flags]
        with open(self.stderr_path, "w") as stderr:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                                            text=True, env=dict(os.environ, AUTHCORE_SECRET=secrets.token_urlsafe(32)))
        line = self.process.stdout.readline()
        if "listening on" not in line:
            errors = self.errors()
            self.stop()
            raise RuntimeError(f"authcore-server did not start: {line!r} {errors!r}")
        self.scheme = line.split("listening on ")[1].split("://")[0]
        self.port = int(line.split("127.0.0.1:")[1].split()[0])
        self.base = f"{self.scheme}://127.0.0.1:{self.port}"

    def url(self, path):
        return self.base + path

    def openapi(self):
        context = ssl.create_default_context(cafile=tls_file("ca.pem")) if self.scheme == "https" else None
        with urllib.request.urlopen(self.url("/openapi.json"), timeout=30, context=context) as response:
            return json.load(response)

    def errors(self):
        """What the server wrote to stderr, also after stop()."""
        if self.stopped_errors is not None:
            return self.stopped_errors
        with open(self.stderr_path) as f:
            return f.read()

    def stop(self):
        """SIGTERM, then removes the work directory (errors() stays
        readable); returns the exit status."""
        if self.stopped_errors is not None:
            return self.process.returncode
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.stopped_errors = self.errors()
        shutil.rmtree(self.work, ignore_errors=True)
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
