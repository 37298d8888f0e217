"""Drives examples/httplib (authcore-httplib) over HTTP with Python's standard
library: sign-up, login, /users/me, refresh, a replayed refresh token (which
revokes the session), logout, and the refusals of RFC 6750 §3. Every
response's status, challenge and body is checked exactly.

    service_test.py path/to/authcore-httplib
"""
import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

PROFILE = {"username": "alice", "email": None, "full_name": None, "disabled": False, "roles": ["user"]}
NOT_AUTHENTICATED = (401, "Bearer", {"detail": "Not authenticated"})
INVALID_TOKEN = (401, 'Bearer error="invalid_token"', {"detail": "Could not validate credentials"})
BAD_USERNAME = {"detail": "a username is 3 to 64 characters of A-Z a-z 0-9 . _ - or an e-mail address"}
# Authenticator::refresh()'s message for a token that cannot be spent.
SPENT = {"detail": "the refresh token is spent or unknown, or its session is revoked or expired; the session is revoked"}


class Service:
    """The example, started on a free port; stopped by stop()."""

    def __init__(self, binary):
        self.process = subprocess.Popen([binary, "0"], stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        prefix = "listening on "
        if not line.startswith(prefix):
            self.stop()
            raise SystemExit(f"unexpected first line: {line!r}")
        self.base = line[len(prefix):]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def call(self, method, path, body=None, form=None, token=None, authorization=None):
        """(status, headers, parsed JSON body or None)."""
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        if authorization is not None:
            headers["Authorization"] = authorization
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, parse(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.headers, parse(error.read())


def parse(raw):
    return json.loads(raw) if raw else None


failures = []


def expect(what, got, expected):
    if got != expected:
        failures.append(f"{what}: got {got!r}, expected {expected!r}")


def expect_refusal(what, reply, refusal):
    status, headers, body = reply
    expect(what, (status, headers.get("WWW-Authenticate"), body), refusal)


def expect_tokens(what, reply):
    status, headers, body = reply
    expect(what + " status", status, 200)
    expect(what + " Cache-Control", headers.get("Cache-Control"), "no-store")
    expect(what + " members", sorted(body or {}), ["access_token", "expires_in", "refresh_token", "scope", "token_type"])
    expect(what + " token_type", (body or {}).get("token_type"), "bearer")
    expect(what + " expires_in", (body or {}).get("expires_in"), 900)
    expect(what + " scope", (body or {}).get("scope"), "me")
    return body or {}


def run(service):
    call = service.call
    credentials = {"grant_type": "password", "username": "alice", "password": "correct horse"}

    status, _, body = call("POST", "/signup", body={"username": "alice", "password": "correct horse"})
    expect("signup", (status, body), (201, PROFILE))
    status, _, body = call("POST", "/signup", body={"username": "alice", "password": "another horse"})
    expect("signup of a taken name", (status, body), (409, {"detail": "the username is taken"}))
    status, _, body = call("POST", "/signup", body={"username": 5, "password": "correct horse"})
    expect("signup with a number for a name", (status, body), (422, BAD_USERNAME))
    status, _, body = call("POST", "/signup", body="not an object")
    expect("signup without an object", (status, body), (422, BAD_USERNAME))

    expect_refusal("login with a wrong password",
                   call("POST", "/token", form=dict(credentials, password="wrong horse")),
                   (401, "Bearer", {"detail": "incorrect username or password"}))
    first = expect_tokens("login", call("POST", "/token", form=credentials))

    expect_refusal("/users/me without credentials", call("GET", "/users/me"), NOT_AUTHENTICATED)
    expect_refusal("/users/me with Basic credentials", call("GET", "/users/me", authorization="Basic YWxpY2U6eA=="),
                   NOT_AUTHENTICATED)
    expect_refusal("/users/me with a garbage token", call("GET", "/users/me", token="abc"), INVALID_TOKEN)
    expect_refusal("/users/me with the refresh token", call("GET", "/users/me", token=first.get("refresh_token")),
                   INVALID_TOKEN)
    status, _, body = call("GET", "/users/me", token=first.get("access_token"))
    expect("/users/me", (status, body), (200, PROFILE))

    second = expect_tokens("refresh", call("POST", "/refresh", body={"refresh_token": first.get("refresh_token")}))
    status, _, body = call("GET", "/users/me", token=second.get("access_token"))
    expect("/users/me after the refresh", (status, body), (200, PROFILE))
    expect_refusal("a replayed refresh token",
                   call("POST", "/refresh", body={"refresh_token": first.get("refresh_token")}),
                   (401, 'Bearer error="invalid_token"',
                    SPENT))
    expect_refusal("/users/me once the replay revoked the session",
                   call("GET", "/users/me", token=second.get("access_token")), INVALID_TOKEN)
    expect_refusal("the new refresh token once the replay revoked the session",
                   call("POST", "/refresh", body={"refresh_token": second.get("refresh_token")}),
                   (401, 'Bearer error="invalid_token"', SPENT))

    third = expect_tokens("login again", call("POST", "/token", form=credentials))
    expect_refusal("logout without credentials", call("POST", "/logout"), NOT_AUTHENTICATED)
    status, _, body = call("POST", "/logout", token=third.get("access_token"))
    expect("logout", (status, body), (204, None))
    expect_refusal("/users/me after logout", call("GET", "/users/me", token=third.get("access_token")), INVALID_TOKEN)
    expect_refusal("logout again", call("POST", "/logout", token=third.get("access_token")), INVALID_TOKEN)


def main():
    service = Service(sys.argv[1])
    try:
        run(service)
    finally:
        service.stop()
    if failures:
        print("\n".join(failures))
        return 1
    print("authcore-httplib: every reply as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
