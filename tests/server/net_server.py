"""authcore-server for the Python tests of its network flags (TLS, trusted
proxies, CORS): started on 127.0.0.1 on a free port with a fresh SQLite
database and a random key, its stderr kept in a file, stopped with SIGTERM.

The binary is $AUTHCORE_SERVER_BINARY; the test certificates (made by
tests/support/make_test_certificates.sh) are in $AUTHCORE_TEST_TLS_DIR.
CTest sets both."""
import base64
import os
import shutil
import subprocess
import tempfile


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


class Server:
    """authcore-server with `flags` after --port 0 --db <fresh>; `quiet`
    adds --quiet (no access log)."""

    def __init__(self, *flags, quiet=True):
        self.work = tempfile.mkdtemp(prefix="authcore-net.")
        self.db = os.path.join(self.work, "auth.db")
        self.stderr_path = os.path.join(self.work, "server.err")
        key = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
        argv = [server_binary(), "--port", "0", "--db", self.db, *(["--quiet"] if quiet else []), *flags]
        with open(self.stderr_path, "w") as stderr:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                                            text=True, env=dict(os.environ, AUTHCORE_SECRET=key))
        line = self.process.stdout.readline()
        if "listening on" not in line:
            self.stop()
            raise RuntimeError(f"authcore-server did not start: {line!r} {self.errors()!r}")
        self.scheme = line.split("listening on ")[1].split("://")[0]
        self.port = int(line.split("127.0.0.1:")[1].split()[0])
        self.base = f"{self.scheme}://127.0.0.1:{self.port}"

    def errors(self):
        with open(self.stderr_path) as f:
            return f.read()

    def stop(self):
        """SIGTERM; returns the exit status."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        return self.process.returncode

    def remove(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        self.remove()
