"""authcore-server's OpenAPI document and Swagger UI page, against a real
server: every route is exercised with every status a test can reach, and
every response is checked against the document (openapi_checker); every
operation of the document must have been answered 2xx at least once, so a
route cannot be added without being exercised here. Also: the /docs page
(CDN with Subresource Integrity hashes that match the pinned npm package,
or --docs-assets), HEAD, the trailing-slash redirect, --no-docs, and that
the checker itself refuses wrong responses.

Needs $AUTHCORE_SERVER_BINARY and $AUTHCORE_NPM_TOOLS (the node_modules of
tests/support/npm_tools.sh)."""
import base64
import hashlib
import json
import os
import re
import secrets
import unittest

import requests

from openapi_checker import OpenApiChecker
from server_process import ServerProcess

PASSWORD = "correct horse battery"
SWAGGER_UI = os.path.join(os.environ.get("AUTHCORE_NPM_TOOLS", ""), "swagger-ui-dist")


def username(prefix="user"):
    return f"{prefix}-{secrets.token_hex(4)}"


class Client:
    """A requests Session whose every response is checked against the document."""

    def __init__(self, server, checker, docs=True):
        self.server = server
        self.session = requests.Session()
        self.session.hooks["response"].append(checker.requests_hook(docs))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.session.close()

    def __getattr__(self, method):
        return lambda path, **kwargs: self.session.request(method.upper(), self.server.url(path),
                                                           allow_redirects=False, timeout=30, **kwargs)

    def signed_up(self, prefix="user"):
        name = username(prefix)
        assert self.post("/signup", json={"username": name, "password": PASSWORD}).status_code == 201
        tokens = self.post("/token", data={"username": name, "password": PASSWORD})
        assert tokens.status_code == 200, tokens.text
        return name, tokens.json()


class EveryRouteAndStatus(unittest.TestCase):
    """One server with every route on; every response checked."""

    @classmethod
    def setUpClass(cls):
        # Every user may have scope admin here, so that /admin/users is answered 200 too.
        cls.server = ServerProcess("--docs-assets", SWAGGER_UI, "--role-scopes", "user=me,admin")
        cls.checker = OpenApiChecker(cls.server.openapi())
        cls.client = Client(cls.server, cls.checker)

    @classmethod
    def tearDownClass(cls):
        answered = {(("GET" if method == "HEAD" else method), template)
                    for method, template, status in cls.checker.seen if template and 200 <= status < 300}
        missing = cls.checker.operations() - answered
        print(f"openapi_test: {cls.checker.checked} responses checked against the document")
        cls.client.session.close()
        assert cls.server.stop() == 0
        # Every documented operation was exercised successfully at least once.
        assert not missing, f"operations never answered 2xx by these tests: {sorted(missing)}"

    def test_signup(self):
        c = self.client
        name = username("signup")
        created = c.post("/signup", json={"username": name, "password": PASSWORD, "email": f"{name}@example.com"})
        self.assertEqual(created.status_code, 201)
        self.assertEqual(created.json(), {"username": name, "email": f"{name}@example.com"})
        self.assertEqual(c.post("/signup", json={"username": name, "password": PASSWORD}).status_code, 409)
        self.assertEqual(c.post("/signup", data="{not json", headers={"Content-Type": "application/json"})
                         .status_code, 400)
        self.assertEqual(c.post("/signup", data="username=a", headers={"Content-Type": "text/plain"}).status_code,
                         415)
        self.assertEqual(c.post("/signup", json={"username": name, "password": "x" * 70_000}).status_code, 413)
        invalid = [{"username": name}, {"username": 5, "password": "x"}, {"username": "ab", "password": "x"},
                   ["username"], {"username": username(), "password": "x", "email": "not an address"}]
        for body in invalid:
            with self.subTest(body=body):
                refused = c.post("/signup", json=body)
                self.assertEqual(refused.status_code, 422)
                self.assertEqual(refused.json()["detail"][0]["loc"][0], "body")

    def test_password_grant(self):
        c = self.client
        name, _ = c.signed_up("grant")
        form = {"username": name, "password": PASSWORD}
        for extra in ({}, {"grant_type": "password"}, {"scope": ""}, {"client_id": "swagger", "client_secret": ""}):
            with self.subTest(extra=extra):
                tokens = c.post("/token", data={**form, **extra})
                self.assertEqual(tokens.status_code, 200)
                self.assertEqual(tokens.headers["Cache-Control"], "no-store")
        # HTTP Basic client credentials, as Swagger UI sends them by default: ignored.
        self.assertEqual(c.post("/token", data=form, headers={"Authorization": "Basic Og=="}).status_code, 200)
        wrong = c.post("/token", data={"username": name, "password": "wrong"})
        self.assertEqual((wrong.status_code, wrong.json()["error"]), (401, "invalid_grant"))
        self.assertEqual(wrong.headers["WWW-Authenticate"], "Bearer")
        for body in ({"password": "x"}, "username=a&username=b&password=c", "password=%zz"):
            with self.subTest(body=body):
                refused = c.post("/token", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
                self.assertEqual((refused.status_code, refused.json()["error"]), (400, "invalid_request"))
        self.assertEqual(c.post("/token", json=form).json()["error"], "invalid_request")
        unsupported = c.post("/token", data={**form, "grant_type": "client_credentials"})
        self.assertEqual((unsupported.status_code, unsupported.json()["error"]), (400, "unsupported_grant_type"))
        self.assertEqual(c.post("/token", data={"username": name, "password": "x" * 70_000}).status_code, 413)

    def test_refresh_grant_and_refresh(self):
        c = self.client
        _, tokens = c.signed_up("refresh")
        rotated = c.post("/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
        self.assertEqual(rotated.status_code, 200)
        replayed = c.post("/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
        self.assertEqual((replayed.status_code, replayed.json()["error"]), (400, "invalid_grant"))
        _, tokens = c.signed_up("refresh")
        again = c.post("/refresh", json={"refresh_token": tokens["refresh_token"]})
        self.assertEqual(again.status_code, 200)
        self.assertEqual(c.post("/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code, 401)
        self.assertEqual(c.post("/refresh", json={"token": "x"}).status_code, 422)

    def test_login(self):
        c = self.client
        name, _ = c.signed_up("login")
        self.assertEqual(c.post("/login", json={"username": name, "password": PASSWORD}).status_code, 200)
        self.assertEqual(c.post("/login", json={"username": name, "password": "wrong"}).status_code, 401)
        self.assertEqual(c.post("/login", json={"username": name}).status_code, 422)

    def test_sessions_and_logout_scopes(self):
        c = self.client
        name, tokens = c.signed_up("sessions")
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        other = c.post("/login", json={"username": name, "password": PASSWORD}).json()
        listed = c.get("/sessions", headers=bearer)
        self.assertEqual(listed.status_code, 200)
        self.assertEqual(len(listed.json()), 2)
        self.assertEqual(c.head("/sessions", headers=bearer).status_code, 200)
        self.assertEqual(c.get("/sessions").status_code, 401)
        theirs = [s["id"] for s in listed.json() if not s["current"]]
        self.assertEqual(c.delete(f"/sessions/{theirs[0]}", headers=bearer).status_code, 204)
        self.assertEqual(c.delete(f"/sessions/{theirs[0]}", headers=bearer).status_code, 204)  # idempotent
        self.assertEqual(c.delete("/sessions/no-such-session", headers=bearer).status_code, 404)
        self.assertEqual(c.get("/users/me", headers={"Authorization": f"Bearer {other['access_token']}"})
                         .status_code, 401)
        self.assertEqual(c.post("/logout?scope=everyone", headers=bearer).status_code, 400)
        self.assertEqual(c.post("/logout?scope=others", headers=bearer).status_code, 204)
        self.assertEqual(c.post("/logout?scope=global", headers=bearer).status_code, 204)
        self.assertEqual(c.get("/sessions", headers=bearer).status_code, 401)

    def test_bearer_routes_logout_and_revoke(self):
        c = self.client
        name, tokens = c.signed_up("bearer")
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        for path in ("/users/me", "/me"):
            self.assertEqual(c.get(path, headers=bearer).json()["username"], name)
            self.assertEqual(c.head(path, headers=bearer).status_code, 200)
            self.assertEqual(c.get(path).status_code, 401)
        self.assertEqual(c.get("/protected", headers=bearer).json(), {"message": f"Hello, {name}!"})
        self.assertEqual(c.get("/protected", headers={"Authorization": "Bearer nope"}).status_code, 401)
        self.assertEqual(c.post("/logout", headers=bearer).status_code, 204)
        self.assertEqual(c.post("/logout", headers=bearer).status_code, 401)
        self.assertEqual(c.get("/users/me", headers=bearer).status_code, 401)

        _, tokens = c.signed_up("revoke")
        self.assertEqual(c.post("/revoke", data={"token": tokens["refresh_token"],
                                                 "token_type_hint": "refresh_token"}).status_code, 200)
        self.assertEqual(c.get("/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
                         .status_code, 401)
        self.assertEqual(c.post("/revoke", data={"token": "not a token"}).status_code, 200)
        self.assertEqual(c.post("/revoke", data={"token_type_hint": "access_token"}).json()["error"],
                         "invalid_request")

    def test_scopes(self):
        c = self.client
        name, tokens = c.signed_up("scopes")
        self.assertEqual(tokens["scope"], "admin me")
        listed = c.get("/admin/users", headers={"Authorization": f"Bearer {tokens['access_token']}"})
        self.assertEqual(listed.status_code, 200)
        self.assertIn(name, [user["username"] for user in listed.json()])
        narrowed = c.post("/token", data={"username": name, "password": PASSWORD, "scope": "me"}).json()
        self.assertEqual(narrowed["scope"], "me")
        refused = c.get("/admin/users", headers={"Authorization": f"Bearer {narrowed['access_token']}"})
        self.assertEqual((refused.status_code, refused.json()), (403, {"detail": "Not enough permissions"}))
        self.assertEqual(refused.headers["WWW-Authenticate"], 'Bearer error="insufficient_scope", scope="admin"')
        me_only = c.post("/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                         "scope": "me"}).json()
        self.assertEqual(me_only["scope"], "me")
        self.assertEqual(c.post("/refresh", json={"refresh_token": me_only["refresh_token"], "scope": 1})
                         .status_code, 422)

    def test_health_headers_and_unrouted(self):
        c = self.client
        self.assertEqual(c.get("/healthz").json(), {"status": "ok"})
        self.assertEqual(c.head("/healthz").status_code, 200)
        self.assertEqual(c.get("/livez").json(), {"status": "ok"})
        metrics = c.get("/metrics")
        self.assertEqual(metrics.headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        self.assertRegex(metrics.text, r'\nauthcore_http_requests_total\{route="/livez",method="GET",status="200"\} [1-9]')
        self.assertEqual(c.get("/readyz").json(), {"status": "ok", "checks": {"store": "ok", "keys": "ok"}})
        self.assertEqual(c.get("/healthz", headers={"X-Padding": "h" * 10_000}).status_code, 431)
        self.assertEqual(c.get("/nowhere").status_code, 404)
        self.assertEqual(c.delete("/users/me").status_code, 405)
        redirected = c.get("/users/me/?x=1")
        self.assertEqual((redirected.status_code, redirected.headers["Location"]), (307, "/users/me?x=1"))

    def test_docs_routes(self):
        c = self.client
        self.assertEqual(c.get("/openapi.json").json()["openapi"], "3.1.0")
        self.assertIn("/docs/assets/swagger-ui-bundle.js", c.get("/docs").text)
        for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
            with self.subTest(name=name):
                served = c.get(f"/docs/assets/{name}")
                self.assertEqual(served.status_code, 200)
                with open(os.path.join(SWAGGER_UI, name), "rb") as f:
                    self.assertEqual(served.content, f.read())
        for name in ("package.json", "..%2Fpackage.json", "index.html", "swagger-ui.js"):
            with self.subTest(name=name):
                self.assertEqual(c.get(f"/docs/assets/{name}").status_code, 404)


class Throttling(unittest.TestCase):
    def test_429_after_the_free_attempts(self):
        with ServerProcess() as server, Client(server, OpenApiChecker(server.openapi())) as c:
            name, _ = c.signed_up("throttled")
            statuses = [c.post("/token", data={"username": name, "password": "wrong"}).status_code
                        for _ in range(7)]
            self.assertEqual(statuses[:5], [401] * 5)
            self.assertIn(429, statuses)
            throttled = c.post("/login", json={"username": name, "password": "wrong"})
            self.assertEqual(throttled.status_code, 429)
            self.assertGreaterEqual(int(throttled.headers["Retry-After"]), 1)


class DocsPage(unittest.TestCase):
    def sri(self, name):
        with open(os.path.join(SWAGGER_UI, name), "rb") as f:
            return "sha384-" + base64.b64encode(hashlib.sha384(f.read()).digest()).decode()

    def test_cdn_page_pins_the_npm_version_and_its_hashes(self):
        """The default page loads the version the tests install, and each file is
        checked by the hash of that npm package's file (jsDelivr serves them as
        they are), so the two cannot drift apart."""
        with open(os.path.join(SWAGGER_UI, "package.json")) as f:
            version = json.load(f)["version"]
        with ServerProcess() as server, Client(server, OpenApiChecker(server.openapi())) as c:
            page = c.get("/docs").text
        base = f"https://cdn.jsdelivr.net/npm/swagger-ui-dist@{version}/"
        self.assertIn(f'<script src="{base}swagger-ui-bundle.js" integrity="{self.sri("swagger-ui-bundle.js")}" '
                      'crossorigin="anonymous">', page)
        self.assertIn(f'href="{base}swagger-ui.css" integrity="{self.sri("swagger-ui.css")}" '
                      'crossorigin="anonymous">', page)
        self.assertNotIn("/docs/assets/", page)
        self.assertEqual(re.findall(r"url: '([^']*)'", page), ["/openapi.json"])

    def test_no_docs(self):
        with ServerProcess("--no-docs", "--docs-assets", SWAGGER_UI) as server:
            # It serves no document: check against the one of the same server with docs on.
            with ServerProcess("--docs-assets", SWAGGER_UI) as documented:
                checker = OpenApiChecker(documented.openapi())
            with Client(server, checker, docs=False) as c:
                for path in ("/docs", "/openapi.json", "/docs/assets/swagger-ui.css", "/docs/"):
                    with self.subTest(path=path):
                        self.assertEqual(c.get(path).status_code, 404)
                self.assertEqual(c.get("/healthz").status_code, 200)


class CheckerRefusesWrongResponses(unittest.TestCase):
    """The checker can fail: each of these is a response the server must not give."""

    @classmethod
    def setUpClass(cls):
        with ServerProcess() as server:
            cls.checker = OpenApiChecker(server.openapi())

    def refused(self, method, target, status, headers, body, docs=True):
        self.assertTrue(self.checker.problems(method, target, status, headers, body, docs),
                        f"accepted: {method} {target} {status} {headers} {body}")

    def test_wrong_responses(self):
        json_type = {"Content-Type": "application/json"}
        token_headers = {**json_type, "Cache-Control": "no-store", "Pragma": "no-cache"}
        token = {"access_token": "a", "token_type": "bearer", "expires_in": 900, "refresh_token": "r", "scope": "me"}
        self.assertEqual(self.checker.problems("POST", "/token", 200, token_headers, json.dumps(token)), [])
        self.refused("POST", "/token", 200, json_type, json.dumps(token))  # no Cache-Control
        self.refused("POST", "/token", 200, token_headers, json.dumps({**token, "extra": 1}))
        self.refused("POST", "/token", 200, token_headers, json.dumps({**token, "expires_in": "900"}))
        self.refused("POST", "/token", 418, json_type, "{}")  # undocumented status
        self.refused("POST", "/token", 401, token_headers, json.dumps({"detail": "x"}))  # no error, no challenge
        self.refused("GET", "/users/me", 200, json_type, json.dumps({"username": "a"}))  # email missing
        self.refused("GET", "/users/me", 200, {"Content-Type": "text/plain"}, "a")
        self.refused("GET", "/users/me", 422, json_type, json.dumps({"detail": [{"loc": ["body"]}]}))
        self.refused("POST", "/signup", 422, json_type, json.dumps({"detail": "a string, not FastAPI's list"}))
        self.refused("POST", "/logout", 204, {}, "a body")
        self.refused("GET", "/nowhere", 200, json_type, "{}")
        self.refused("GET", "/nowhere", 405, json_type, json.dumps({"detail": "x"}))  # 405 needs a known path
        self.refused("GET", "/docs", 404, json_type, json.dumps({"detail": "Not Found"}))  # docs on: 404 undocumented
        self.assertEqual(self.checker.problems("GET", "/docs", 404, json_type, json.dumps({"detail": "Not Found"}),
                                               docs=False), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
