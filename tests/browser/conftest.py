"""Browser tests: Debian's Chromium driven by Playwright against the portal served for real.

What every browser test gets:

- ``live_server`` (session): the portal served by werkzeug's threaded WSGI server on 127.0.0.1, on a
  fresh database migrated from nothing (a SQLite file, or a new PostgreSQL database when
  ``PORTAL_TEST_DATABASE_URL`` is set), sending its mail to the test SMTP server (the ``mailbox``
  fixture reads it). The database is shared by the whole session and really committed: create what a
  test needs with unique names, inside ``with live_server.database():`` (commits on exit; the objects
  stay readable afterwards)::

      with live_server.database():
          coordinator = make_user(role=Role.COORDINATOR)
      login_as(page, coordinator)

- ``page``: a fresh browser context (no cookies, French locale, Paris time) whose relative URLs go to
  the live server (``page.goto("/compte")``); ``new_page()`` opens another one, for a second person.
  When the test ends, a screenshot of each last page is saved under
  ``test-output/screenshots/<test name>[-n].png``, and the test fails if a page logged a
  console error (a Content-Security-Policy violation is one), threw, opened an ``alert``/``prompt``
  dialog (``confirm`` dialogs are accepted) or received a 5xx answer. A test that expects such
  problems empties ``browser_problems`` before it ends.

Helpers (``tests/browser/helpers.py``): ``login_as(page, user)``, ``assert_no_serious_violations(page)``
(axe-core), ``tab_to(page, selector)`` / ``press_on(page, selector)`` for keyboard-only journeys.

Chromium is ``/usr/bin/chromium`` (or ``chromium`` on the PATH, or ``PORTAL_CHROMIUM``), headless and
kept off the network.
Without it, or without Playwright, these tests are skipped, except when ``PORTAL_REQUIRE_BROWSER=1``
(CI), where they fail. Every test under this folder gets the ``browser`` marker.
"""

import contextlib
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import WSGIRequestHandler, make_server

from portal import create_app
from portal.core.db import db
from tests.support.database import drop_database, fresh_database_url

HERE = Path(__file__).resolve().parent
# CI runs the SQLite and PostgreSQL suites side by side: each names its own folder (PORTAL_TEST_OUTPUT).
SCREENSHOTS = Path(os.environ.get("PORTAL_TEST_OUTPUT", HERE.parent.parent / "test-output")) / "screenshots"

# Headless, no GPU, and nothing that phones home: the tests must not depend on (or reach) the network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-default-apps", "--disable-extensions",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str):
    """Skip where a developer has no Chromium; fail where the environment says browsers are required."""
    if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required (PORTAL_REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    """``PORTAL_CHROMIUM`` when set (another path, or one that does not exist to try the skip), else
    Debian's /usr/bin/chromium, else ``chromium`` on the PATH."""
    wanted = os.environ.get("PORTAL_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        # launch() gives the browser a fresh temporary profile (user-data-dir) of its own, deleted on close.
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class LiveServer:
    app: Flask
    url: str

    @contextlib.contextmanager
    def database(self):
        """An app context on the served database whose work is committed on exit. Objects created
        inside stay readable after it (their loaded attributes; lazy relationships are not loaded)."""
        with self.app.app_context():
            db.session().expire_on_commit = False
            yield db.session
            db.session.commit()


class QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # one line per request would drown the test report
        pass


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, smtp):
    controller, _ = smtp
    url = fresh_database_url(tmp_path_factory.mktemp("live"))
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "secret-for-browser-tests-only",
        "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": controller.port,
    })
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-portal", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(10)
        with app.app_context():
            db.engine.dispose()
        drop_database(url)


@dataclass
class BrowserProblems:
    """What a person would notice or an attacker would want: errors, dialogs, server failures."""

    messages: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.messages.clear()

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"uncaught exception: {error}"))
        page.on("response", self._response)
        page.on("dialog", self._dialog)

    def _console(self, message) -> None:
        # A failed load is judged by _response, which knows whether it was the page itself (a 404 page
        # a test asked for) or one of its resources (a missing stylesheet).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.messages.append(f"console error: {message.text}")

    def _response(self, response) -> None:
        is_page = response.request.resource_type == "document"
        if response.status >= 500 or (response.status >= 400 and not is_page):
            self.messages.append(f"HTTP {response.status} for {response.url}")

    def _dialog(self, dialog) -> None:
        if dialog.type in ("confirm", "beforeunload"):
            dialog.accept()
            return
        self.messages.append(f"{dialog.type} dialog opened: {dialog.message!r}")
        dialog.dismiss()


@pytest.fixture
def browser_problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture
def new_page(browser, live_server, browser_problems, request):
    """Opens a page in a browser context of its own: a second person in the same test (a coordinator
    and the partner they invite) gets ``new_page()`` while the first keeps ``page``."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris",
                                      viewport={"width": 1280, "height": 900})
        contexts.append(context)
        opened = context.new_page()
        opened.set_default_timeout(10_000)
        browser_problems.watch(opened)
        return opened

    yield open_page
    for number, context in enumerate(contexts):
        for opened in context.pages:
            _screenshot(opened, request.node.name + (f"-{number + 1}" if number else ""))
        context.close()
    assert browser_problems.messages == [], "the browser noticed problems:\n" + "\n".join(browser_problems.messages)


@pytest.fixture
def page(new_page):
    return new_page()


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", name).strip("_")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
