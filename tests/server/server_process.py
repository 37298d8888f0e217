"""A real authcore-server for the Python tests: started on 127.0.0.1 on a
free port with a fresh SQLite database and a test key, stopped with SIGTERM.

The binary is $AUTHCORE_SERVER_BINARY (CTest sets it)."""
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import urllib.request


def server_binary():
    binary = os.environ.get("AUTHCORE_SERVER_BINARY", "")
    if not os.access(binary, os.X_OK):
        raise RuntimeError(f"AUTHCORE_SERVER_BINARY is not an executable: {binary!r}")
    return binary


class ServerProcess:
    """authcore-server with `flags` added to --port 0 --db <fresh> --quiet."""

    def __init__(self, *flags):
        binary = server_binary()
        self.work = tempfile.mkdtemp(prefix="authcore-server-py.")
        self.stderr = open(os.path.join(self.work, "server.err"), "w+")
        env = dict(os.environ, AUTHCORE_SECRET=secrets.token_urlsafe(32))
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--db", os.path.join(self.work, "auth.db"), "--quiet", *flags],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=env)
        line = self.process.stdout.readline()
        if "listening on" not in line:
            errors = self.errors()
            self.stop()
            raise RuntimeError(f"authcore-server did not start: {line!r} {errors!r}")
        self.port = int(line.split("127.0.0.1:")[1].split()[0])
        self.base = f"http://127.0.0.1:{self.port}"

    def url(self, path):
        return self.base + path

    def openapi(self):
        with urllib.request.urlopen(self.url("/openapi.json"), timeout=30) as response:
            return json.load(response)

    def errors(self):
        self.stderr.seek(0)
        return self.stderr.read()

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
        self.stderr.close()
        shutil.rmtree(self.work, ignore_errors=True)
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
