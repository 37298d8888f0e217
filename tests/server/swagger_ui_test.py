"""Swagger UI at /docs in a real headless Chromium (Debian's chromium and
chromium-driver, driven by python3-selenium), as a FastAPI user does it:
open /docs, click Authorize, log in through the OAuth2 password flow, close
the dialog, expand GET /users/me, Try it out, Execute, and read 200 and the
username in the response panel. Swagger UI's files come from the npm
package the tests install (--docs-assets), so nothing leaves the machine.
Every step waits on the page's own elements, never on a fixed delay. The
screenshot of the final page is saved to $AUTHCORE_SCREENSHOT.

Needs $AUTHCORE_SERVER_BINARY and $AUTHCORE_NPM_TOOLS."""
import os
import secrets
import unittest

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from headless_chromium import HeadlessChromium
from openapi_checker import OpenApiChecker
from server_process import ServerProcess

PASSWORD = "correct horse battery"
SWAGGER_UI = os.path.join(os.environ.get("AUTHCORE_NPM_TOOLS", ""), "swagger-ui-dist")
SCREENSHOT = os.environ.get("AUTHCORE_SCREENSHOT", "swagger_ui.png")
TIMEOUT = 60  # seconds any one element may take to appear


class SwaggerUi(unittest.TestCase):
    def setUp(self):
        self.server = ServerProcess("--docs-assets", SWAGGER_UI)
        self.username = f"browser-{secrets.token_hex(4)}"
        with requests.Session() as session:
            session.hooks["response"].append(OpenApiChecker(self.server.openapi()).requests_hook())
            created = session.post(self.server.url("/signup"),
                                   json={"username": self.username, "password": PASSWORD}, timeout=30)
        self.assertEqual(created.status_code, 201)
        self.chromium = HeadlessChromium()
        self.browser = self.chromium.driver
        self.wait = WebDriverWait(self.browser, TIMEOUT)

    def tearDown(self):
        self.chromium.close()
        self.assertEqual(self.server.stop(), 0)

    def click(self, css):
        self.wait.until(ready.element_to_be_clickable((By.CSS_SELECTOR, css))).click()

    def type_into(self, css, text):
        field = self.wait.until(ready.visibility_of_element_located((By.CSS_SELECTOR, css)))
        field.clear()
        field.send_keys(text)

    def test_authorize_then_try_users_me(self):
        self.browser.get(self.server.url("/docs"))
        self.wait.until(ready.title_contains("Swagger UI"))

        # Authorize: the OAuth2 password flow of the security scheme, which posts to /token.
        self.click(".auth-wrapper .authorize")
        self.type_into("#oauth_username", self.username)
        self.type_into("#oauth_password", PASSWORD)
        self.click(".auth-btn-wrapper .modal-btn.authorize")
        # Authorized: the dialog now offers Logout instead of Authorize.
        self.wait.until(ready.element_to_be_clickable(
            (By.XPATH, "//div[contains(@class,'auth-btn-wrapper')]/button[normalize-space()='Logout']")))
        self.click(".auth-btn-wrapper .btn-done")
        self.wait.until(ready.invisibility_of_element_located((By.CSS_SELECTOR, ".dialog-ux")))

        # GET /users/me: expand, Try it out, Execute.
        operation = "#operations-users-read_users_me_users_me_get"
        self.click(f"{operation} .opblock-summary-control")
        self.click(f"{operation} .try-out__btn")
        self.click(f"{operation} .execute")
        status = self.wait.until(ready.visibility_of_element_located(
            (By.CSS_SELECTOR, f"{operation} .live-responses-table .response .response-col_status")))
        body = self.wait.until(ready.visibility_of_element_located(
            (By.CSS_SELECTOR, f"{operation} .live-responses-table .response .response-col_description pre")))
        self.browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", status)
        self.browser.save_screenshot(SCREENSHOT)
        self.assertEqual(status.text.strip(), "200")
        self.assertIn(f'"username": "{self.username}"', body.text)
        print(f"swagger_ui_test: screenshot saved to {os.path.abspath(SCREENSHOT)}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
