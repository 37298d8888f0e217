"""Real OAuth2 client libraries, used as their documentation says and not
changed, against a real authcore-server over HTTP: Debian's
python3-requests-oauthlib (OAuth2Session with LegacyApplicationClient, the
password grant) and python3-authlib (authlib's requests OAuth2Session).
Password grant with and without client_id and scope, Bearer calls through
the session, refresh through the library's own call, automatic refresh of an
expired access token, revocation through the library (RFC 7009), and a
wrong password or a replayed refresh token raising the library's
invalid_grant error. Every response is also checked against the server's
OpenAPI document.

Needs $AUTHCORE_SERVER_BINARY."""
import os
import secrets
import time
import unittest

import requests
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from authlib.integrations.requests_client import OAuthError
from oauthlib.oauth2 import LegacyApplicationClient
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError
from requests_oauthlib import OAuth2Session as OAuthlibSession

from openapi_checker import OpenApiChecker
from server_process import ServerProcess

# oauthlib refuses http:// URLs; the server is on loopback, where nothing
# travels over a network.
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"

PASSWORD = "correct horse battery"
ACCESS_TTL = 2  # seconds, for the automatic refresh tests


class Server:
    """One server per test class; every response of a session it hands out
    is checked against the server's document."""

    def __init__(self, *flags):
        self.process = ServerProcess(*flags)
        self.checker = OpenApiChecker(self.process.openapi())
        self.plain = self.checked(requests.Session())  # for what the tests do without a library
        self.token_url = self.process.url("/token")
        self.revoke_url = self.process.url("/revoke")
        self.me_url = self.process.url("/users/me")

    def checked(self, session):
        session.hooks["response"].append(self.checker.requests_hook())
        return session

    def new_user(self):
        name = f"client-{secrets.token_hex(4)}"
        created = self.plain.post(self.process.url("/signup"), json={"username": name, "password": PASSWORD},
                                  timeout=30)
        assert created.status_code == 201, created.text
        return name

    def access_refused(self, access_token):
        reply = self.plain.get(self.me_url, headers={"Authorization": f"Bearer {access_token}"}, timeout=30)
        return reply.status_code == 401

    def wait_until_refused(self, access_token, within=10.0):
        """Polls until the server refuses `access_token` (it has expired)."""
        deadline = time.monotonic() + within
        while not self.access_refused(access_token):
            if time.monotonic() > deadline:
                raise AssertionError(f"the access token still works after {within} s")
            time.sleep(0.1)

    def stop(self):
        self.plain.close()
        assert self.process.stop() == 0


class LibraryTest(unittest.TestCase):
    """What the tests of both libraries share: a server of their own, a Bearer
    call through the library's session, and the shape of the automatic
    refresh test. Subclasses make the sessions."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--access-ttl", str(ACCESS_TTL))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def me(self, session):
        reply = session.get(self.server.me_url, timeout=30)
        self.assertEqual(reply.status_code, 200, reply.text)
        return reply.json()["username"]

    def log_in(self, session):
        name = self.server.new_user()
        return name, session.fetch_token(self.server.token_url, username=name, password=PASSWORD)

    def check_password_grant(self, session):
        name, token = self.log_in(session)
        self.assertEqual(token["token_type"], "bearer")
        self.assertIn("refresh_token", token)
        self.assertEqual(self.me(session), name)
        return token

    def check_automatic_refresh(self, session, updates):
        """Waits until the server refuses the access token (it has expired),
        then calls through the session, which must refresh it first."""
        name, first = self.log_in(session)
        self.server.wait_until_refused(first["access_token"])
        self.assertEqual(self.me(session), name)
        self.assertEqual(len(updates), 1)
        self.assertNotEqual(updates[0]["access_token"], first["access_token"])


class RequestsOAuthlib(LibraryTest):
    def session(self, client_id=None, scope=None, **kwargs):
        client = LegacyApplicationClient(client_id=client_id)
        return self.server.checked(OAuthlibSession(client=client, scope=scope, **kwargs))

    def test_password_grant_without_client_id(self):
        with self.session() as session:
            self.check_password_grant(session)

    def test_password_grant_with_client_id_and_scope(self):
        # requests-oauthlib sends the client_id as HTTP Basic by default, or in the body.
        for include_client_id in (None, True):
            with self.subTest(include_client_id=include_client_id), \
                    self.session(client_id="tutorial-client", scope=["me"]) as session:
                name = self.server.new_user()
                token = session.fetch_token(self.server.token_url, username=name, password=PASSWORD,
                                            include_client_id=include_client_id)
                # Granted as requested: the response's scope, or none (RFC 6749 §5.1: then as requested).
                self.assertEqual(token.scopes, ["me"])
                self.assertFalse(token.scope_changed)
                self.assertEqual(self.me(session), name)

    def test_refresh_and_replay(self):
        with self.session() as session:
            _, first = self.log_in(session)
            second = session.refresh_token(self.server.token_url)
            self.assertNotEqual(second["refresh_token"], first["refresh_token"])
            with self.assertRaises(InvalidGrantError):
                session.refresh_token(self.server.token_url, refresh_token=first["refresh_token"])
            # Reuse detection revoked the whole session, the new tokens too.
            self.assertTrue(self.server.access_refused(second["access_token"]))
            with self.assertRaises(InvalidGrantError):
                session.refresh_token(self.server.token_url, refresh_token=second["refresh_token"])

    def test_automatic_refresh_of_an_expired_token(self):
        updates = []
        # Inside: TokenExpiredError, the refresh, token_updater, the call again.
        with self.session(auto_refresh_url=self.server.token_url, token_updater=updates.append) as session:
            self.check_automatic_refresh(session, updates)

    def test_wrong_password(self):
        name = self.server.new_user()
        with self.session() as session, self.assertRaises(InvalidGrantError) as raised:
            session.fetch_token(self.server.token_url, username=name, password="not the password")
        self.assertEqual(raised.exception.description, "Incorrect username or password")

    def test_revocation(self):
        """requests-oauthlib has no revoke call; oauthlib's client prepares the RFC 7009 request."""
        with self.session() as session:
            _, token = self.log_in(session)
            url, headers, body = session._client.prepare_token_revocation_request(
                self.server.revoke_url, token["refresh_token"], token_type_hint="refresh_token")
            self.assertEqual(session.post(url, data=body, headers=headers, timeout=30).status_code, 200)
            self.assertTrue(self.server.access_refused(token["access_token"]))
            with self.assertRaises(InvalidGrantError):
                session.refresh_token(self.server.token_url)


class Authlib(LibraryTest):
    def session(self, **kwargs):
        return self.server.checked(AuthlibSession(token_endpoint=self.server.token_url, **kwargs))

    def test_password_grant_without_client_id(self):
        with self.session() as session:
            self.check_password_grant(session)

    def test_password_grant_with_client_id_and_scope(self):
        # A public client (client_id in the body), and one with a secret (HTTP Basic).
        for credentials in ({"client_id": "tutorial-client"},
                            {"client_id": "tutorial-client", "client_secret": "ignored"}):
            with self.subTest(credentials=credentials), self.session(scope="me", **credentials) as session:
                self.check_password_grant(session)

    def test_refresh_and_replay(self):
        with self.session() as session:
            _, first = self.log_in(session)
            second = session.refresh_token(self.server.token_url)
            self.assertNotEqual(second["refresh_token"], first["refresh_token"])
            with self.assertRaises(OAuthError) as raised:
                session.refresh_token(self.server.token_url, refresh_token=first["refresh_token"])
            self.assertEqual(raised.exception.error, "invalid_grant")
            self.assertTrue(self.server.access_refused(second["access_token"]))

    def test_automatic_refresh_of_an_expired_token(self):
        updates = []
        # Inside: ensure_active_token() sees the token expired and refreshes it first.
        with self.session(update_token=lambda token, **kwargs: updates.append(token)) as session:
            self.check_automatic_refresh(session, updates)

    def test_wrong_password(self):
        name = self.server.new_user()
        with self.session() as session, self.assertRaises(OAuthError) as raised:
            session.fetch_token(self.server.token_url, username=name, password="not the password")
        self.assertEqual(raised.exception.error, "invalid_grant")

    def test_revocation(self):
        for hint in ("refresh_token", "access_token"):
            with self.subTest(hint=hint), self.session() as session:
                _, token = self.log_in(session)
                revoked = session.revoke_token(self.server.revoke_url, token=token[hint], token_type_hint=hint)
                self.assertEqual(revoked.status_code, 200)
                self.assertTrue(self.server.access_refused(token["access_token"]))
                with self.assertRaises(OAuthError) as raised:
                    session.refresh_token(self.server.token_url)
                self.assertEqual(raised.exception.error, "invalid_grant")


if __name__ == "__main__":
    unittest.main(verbosity=2)
