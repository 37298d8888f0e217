"""Headless Chromium for the browser tests (Debian's chromium and
chromium-driver, driven by python3-selenium), with a new empty profile and
the flags this machine needs: no sandbox (root), no GPU, no QUIC, and
nothing that phones home; a window tall enough for Swagger UI's
responses."""
import shutil
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,1800"]


class HeadlessChromium:
    """A browser in its own throwaway profile; close() ends it and removes
    the profile."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="authcore-chromium.")
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in CHROMIUM_FLAGS + [f"--user-data-dir={self.profile}"]:
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

    def close(self):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
