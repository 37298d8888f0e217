"""authcore-server's access log (stderr, one line per request:
CLIENT METHOD PATH STATUS DURATIONus): the client is the peer, unless the
peer is a trusted proxy (--trusted-proxy), whose Forwarded or
X-Forwarded-For names it; a forged header from an untrusted peer changes
nothing. Repeated flags can come from a --config file as arrays."""
import os
import re
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from server_process import ServerProcess


def get(server, path, headers):
    request = urllib.request.Request(server.base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def log_lines(server, count):
    """The first `count` access-log lines (the server writes each as the
    response goes out, so wait for them a bounded time)."""
    deadline = time.monotonic() + 10
    while True:
        lines = [line for line in server.errors().splitlines() if re.search(r" \d{3} \d+us$", line)]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines


class AccessLogTest(unittest.TestCase):
    def test_a_trusted_proxy_names_the_client(self):
        with ServerProcess("--trusted-proxy", "127.0.0.0/8", quiet=False) as server:
            self.assertEqual(get(server, "/livez", {"Forwarded": "for=192.0.2.60;proto=https"}), 200)
            self.assertEqual(get(server, "/nowhere?q=1", {"X-Forwarded-For": "203.0.113.7, 127.0.0.1"}), 404)
            self.assertEqual(get(server, "/livez", {"Forwarded": "for=\"[2001:db8::1]:80\""}), 200)
            self.assertEqual(get(server, "/livez", {"Forwarded": "for=not-valid"}), 200)  # malformed: the peer
            lines = log_lines(server, 4)
        self.assertEqual(len(lines), 4, lines)
        self.assertRegex(lines[0], r"^192\.0\.2\.60 GET /livez 200 \d+us$")
        self.assertRegex(lines[1], r"^203\.0\.113\.7 GET /nowhere 404 \d+us$")
        self.assertRegex(lines[2], r"^2001:db8::1 GET /livez 200 \d+us$")
        self.assertRegex(lines[3], r"^127\.0\.0\.1 GET /livez 200 \d+us$")

    def test_repeated_flags_come_from_a_config_file_as_arrays(self):
        with tempfile.TemporaryDirectory(prefix="authcore-config.") as work:
            config = os.path.join(work, "server.toml")
            with open(config, "w") as f:
                f.write('trusted-proxy = ["10.0.0.0/8", "127.0.0.1"]\n'
                        'cors-origin = ["https://a.example", "https://b.example"]\n')
            with ServerProcess("--config", config, quiet=False) as server:
                self.assertEqual(get(server, "/livez", {"X-Forwarded-For": "192.0.2.70"}), 200)
                lines = log_lines(server, 1)
                request = urllib.request.Request(server.base + "/livez", headers={"Origin": "https://b.example"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    self.assertEqual(response.headers["Access-Control-Allow-Origin"], "https://b.example")
        self.assertRegex(lines[0], r"^192\.0\.2\.70 GET /livez 200 \d+us$")

    def test_headers_from_an_untrusted_peer_are_ignored(self):
        with ServerProcess("--trusted-proxy", "10.0.0.0/8", quiet=False) as server:
            self.assertEqual(get(server, "/livez", {"X-Forwarded-For": "192.0.2.60"}), 200)
            self.assertEqual(get(server, "/livez", {"Forwarded": "for=192.0.2.61"}), 200)
            lines = log_lines(server, 2)
        self.assertEqual(len(lines), 2, lines)
        for line in lines:
            self.assertRegex(line, r"^127\.0\.0\.1 GET /livez 200 \d+us$")


if __name__ == "__main__":
    unittest.main(verbosity=2)
