"""Fixtures in the style of the best Flask suites: one app per session, built by the migrations,
one connection per test rolled back at the end, a real SMTP server, factories and a login helper."""

import time

import pytest
from argon2 import PasswordHasher
from flask_migrate import upgrade

from portal import create_app
from portal.accounts import clock as portal_clock
from portal.accounts import passwords
from portal.core.db import db
from tests.support.client import PortalClient
from tests.support.database import TEST_DATABASE_URL, drop_database, empty_database, fresh_database_url
from tests.support.factories import PASSWORD, make_organisation, make_project, make_public, make_theme, make_user
from tests.support.smtp import start_smtp_server
from tests.support.totp import TOTP_SECRET, portal_code


def pytest_configure(config):
    """Argon2id at its lowest cost for the whole run: the same algorithm and code path, but a test login
    costs 2 ms instead of the 100-400 ms a real one is meant to cost, which would make most of the
    suite's time. The production parameters are the library's own (portal.accounts.passwords)."""
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session")
def smtp():
    controller, mailbox = start_smtp_server()
    yield controller, mailbox
    controller.stop()


@pytest.fixture(scope="session")
def app(tmp_path_factory, smtp):
    controller, _ = smtp
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.sqlite'}"
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "secret-for-tests-only",
        "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": controller.port,
        "SERVER_NAME": "passerelle.test",
    })
    app.test_client_class = PortalClient
    empty_database(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _rollback_each_test(request):
    """Every test that uses the app runs inside one outer transaction that is rolled back; its
    commits become savepoints. Tests with an app of their own (fresh databases) are left alone."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield
        finally:
            db.session.remove()
            db.session.session_factory.kw.pop("join_transaction_mode", None)
            engines[None] = engine
            transaction.rollback()
            connection.close()


@pytest.fixture
def fresh_apps(tmp_path):
    """Builds apps on new, empty databases (real commits, other processes), dropped after the test.

    ``fresh_apps(migrate=True)`` also brings the schema up to date; extra settings go in ``config``.
    """
    made = []

    def make(migrate: bool = False, **config):
        url = fresh_database_url(tmp_path)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k", **config})
        made.append((app, url))
        if migrate:
            with app.app_context():
                upgrade()
        return app

    yield make
    for app, url in made:
        with app.app_context():
            db.engine.dispose()
        drop_database(url)


@pytest.fixture
def client(app) -> PortalClient:
    return app.test_client()


@pytest.fixture
def mailbox(smtp):
    _, box = smtp
    box.clear()
    return box


class MovableClock:
    """The portal's clock (session lifetimes, one-time codes) moved forward by tests."""

    def __init__(self):
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def code(self, secret: str = TOTP_SECRET) -> str:
        """The one-time code an authenticator app shows at the moved time."""
        return portal_code(secret)


@pytest.fixture
def clock(monkeypatch) -> MovableClock:
    moved = MovableClock()
    monkeypatch.setattr(portal_clock, "now", moved.now)
    return moved


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories, in an app context so the objects can be used right away."""

    class Factories:
        organisation = staticmethod(make_organisation)
        user = staticmethod(make_user)
        project = staticmethod(make_project)
        theme = staticmethod(make_theme)
        public = staticmethod(make_public)

    return Factories


@pytest.fixture
def login(client):
    """Log ``client`` in as ``user``, typing the one-time code when the account has a second factor
    (the factories' TOTP_SECRET; the replay memory is reset so the same code may serve again)."""

    def log_in(user, password: str = PASSWORD, with_client=None):
        browser = with_client or client
        response = browser.post("/connexion", data={"email": user.email, "password": password})
        if response.headers.get("Location", "").endswith("/connexion/verification"):
            user.totp_last_step = None
            db.session.flush()
            response = browser.post("/connexion/verification", data={"code": portal_code()})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return log_in
