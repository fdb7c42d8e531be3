"""A headless Chromium (Debian's `chromium` + `chromedriver`) for the browser tests.

Without the browser or the driver the tests are skipped with the reason, except in CI
(CI=true), where that is a failure: `make test` installs them (scripts/browser-deps.sh).
"""

import os
import shutil

import pytest
from django.test import Client

WINDOW = (1400, 1000)


def _missing():
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    if not (shutil.which("chromium") or os.path.exists("/usr/bin/chromium")):
        return "chromium is not installed (apt-get install chromium)"
    if not shutil.which("chromedriver"):
        return "chromedriver is not installed (apt-get install chromium-driver)"
    return None


@pytest.fixture(scope="session")
def browser():
    missing = _missing()
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"Browser tests must run in CI: {missing}; run scripts/browser-deps.sh")
    if missing:
        pytest.skip(f"{missing}; scripts/browser-deps.sh installs both")
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ):
        options.add_argument(argument)
    service = webdriver.ChromeService(shutil.which("chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def one_request_at_a_time():
    """The live server shares the test's in-memory SQLite connection with its request
    threads, and two requests at once fail ("database table is locked"). Served one
    after the other instead (a non-threaded server: Django closes each connection after
    its answer, so a kept-alive connection never blocks the next request)."""
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SerialServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)  # the thread already uses those connections

    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = SerialServer
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture
def login(one_request_at_a_time, browser, live_server):
    """login(user): the browser carries that user's admin session on the live server."""

    from selenium.webdriver.support.ui import WebDriverWait

    def login_as(user):
        client = Client()
        client.force_login(user)
        browser.get(f"{live_server.url}/admin/login/")
        browser.delete_all_cookies()
        browser.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value})
        # the nav sidebar folded away: more room for the field
        browser.execute_script("localStorage.setItem('django.admin.navSidebarIsOpen', 'false')")
        return browser

    yield login_as
    # Leave nothing running on the live server before the database is flushed.
    settled = (
        "return (!window.fieldEditorIdle || window.fieldEditorIdle())"
        " && [...document.images].every((image) => image.complete)"
    )
    try:
        WebDriverWait(browser, 10).until(lambda b: b.execute_script(settled))
    finally:
        browser.get("about:blank")
