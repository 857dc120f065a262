"""A real portal served over HTTP on a fresh database, and Debian's Chromium driven by Playwright."""

import contextlib
import os
import shutil
import threading

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from portal import create_app
from portal.core.db import db, write_intent
from tests.support.database import drop_database, fresh_database_url
from tests.support.smtp import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def chromium_or_skip():
    """Chromium is required in CI (PORTAL_REQUIRE_BROWSER=1); elsewhere its absence skips the test."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.environ.get("PORTAL_REQUIRE_BROWSER"):
        pytest.fail(f"Chromium is required for browser tests and was not found at {CHROMIUM}")
    pytest.skip("Chromium is not installed")


@contextlib.contextmanager
def served_portal(tmp_path, load=None, **config):
    """The portal on a fresh database (``load(app)`` fills it), served on a free port; yields the base URL."""
    url = fresh_database_url(tmp_path)
    port = free_port()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "browser-tests", "TESTING": True,
                      "SERVER_NAME": f"127.0.0.1:{port}", **config})
    with app.app_context():
        upgrade()
        if load:
            with write_intent():
                load(app)
                db.session.commit()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
        drop_database(url)


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
