"""CORS in a real browser: a page served from another origin (a second local
HTTP server, on another port) calls authcore-server with fetch(): POST
/token with a form, then GET /users/me with the bearer token (which makes the
browser send a preflight). From the origin given to --cors-origin both
succeed; from another origin (the same page as http://localhost:PORT instead
of http://127.0.0.1:PORT) the browser blocks both (fetch rejects with a
TypeError), also when the page already holds a valid token."""
import functools
import http.server
import json
import os
import tempfile
import threading
import unittest
import urllib.parse
import urllib.request

from selenium.webdriver.support.ui import WebDriverWait

from headless_chromium import HeadlessChromium
from server_process import ServerProcess

PASSWORD = "correct horse battery"

# Each step's outcome lands in window.outcome, which the test waits for.
PAGE = """<!doctype html>
<meta charset="utf-8">
<title>CORS client</title>
<script>
const query = new URLSearchParams(location.search);
const api = query.get("api");
async function step(run) {
  try { return await run(); } catch (error) { return error.name + ": " + error.message; }
}
async function main() {
  let token = query.get("token");
  const login = await step(async () => {
    const response = await fetch(api + "/token", {method: "POST", body: new URLSearchParams(
        {username: query.get("username"), password: query.get("password")})});
    const body = await response.json();
    token = body.access_token;
    return response.status + " " + body.token_type;
  });
  const me = await step(async () => {
    const response = await fetch(api + "/users/me", {headers: {Authorization: "Bearer " + token}});
    return response.status + " " + (await response.json()).username;
  });
  window.outcome = {login, me};
}
main();
</script>
"""


class PageServer:
    """Serves PAGE as /page.html from a thread, on its own port."""

    def __init__(self):
        self.directory = tempfile.TemporaryDirectory(prefix="authcore-cors-page.")
        with open(os.path.join(self.directory.name, "page.html"), "w") as f:
            f.write(PAGE)
        handler = functools.partial(QuietHandler, directory=self.directory.name)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.directory.cleanup()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class CorsBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.page = PageServer()
        cls.allowed_origin = f"http://127.0.0.1:{cls.page.port}"
        cls.server = ServerProcess("--cors-origin", cls.allowed_origin)
        cls.username = f"browser{os.getpid()}"
        request = urllib.request.Request(cls.server.base + "/signup", method="POST",
                                         data=json.dumps({"username": cls.username, "password": PASSWORD}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201
        cls.browser = HeadlessChromium()

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        code = cls.server.stop()
        cls.page.close()
        assert code == 0, f"the server exited {code}"

    def token(self):
        form = urllib.parse.urlencode({"username": self.username, "password": PASSWORD}).encode()
        with urllib.request.urlopen(self.server.base + "/token", data=form, timeout=30) as response:
            return json.load(response)["access_token"]

    def outcome_of_page(self, page_host, token=""):
        query = urllib.parse.urlencode({"api": self.server.base, "username": self.username, "password": PASSWORD,
                                        "token": token})
        driver = self.browser.driver
        driver.get(f"http://{page_host}:{self.page.port}/page.html?{query}")
        return WebDriverWait(driver, 30).until(lambda d: d.execute_script("return window.outcome"))

    def test_the_allowed_origin_logs_in_and_reads_users_me(self):
        outcome = self.outcome_of_page("127.0.0.1")
        self.assertEqual(outcome, {"login": "200 bearer", "me": f"200 {self.username}"})

    def test_another_origin_is_blocked_by_the_browser(self):
        # The same page from http://localhost:PORT: another origin, not allowed.
        outcome = self.outcome_of_page("localhost", token=self.token())
        self.assertEqual(outcome["login"], "TypeError: Failed to fetch")
        self.assertEqual(outcome["me"], "TypeError: Failed to fetch")  # its preflight got no CORS headers


if __name__ == "__main__":
    unittest.main(verbosity=2)
