"""The security tests' fixtures (access matrix, hostile input): the network is built once for the whole
folder, inside one outer transaction rolled back at the end; each test (one actor, one table) works in a
savepoint of it, and each request in a savepoint of that, so nothing a row does is seen by the next.

This folder replaces the suite's per-test rollback (``_rollback_each_test``) with that arrangement."""

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, update

from portal.accounts.models import User
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests.security.access.matrix import outcome, tables
from tests.security.access.network import ACTORS, Network, build_network
from tests.support.factories import PASSWORD
from tests.support.totp import portal_code


@dataclass
class Shared:
    network: Network
    connection: object


@pytest.fixture(scope="package")
def shared(app):
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        db.session.configure(join_transaction_mode="create_savepoint")
        try:
            tables()  # every blueprint's table module, so their network extensions are registered
            network = build_network()
            db.session.commit()
            db.session.close()
            yield Shared(network, connection)
        finally:
            db.session.remove()
            db.session.session_factory.kw.pop("join_transaction_mode", None)
            engines[None] = engine
            transaction.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def _rollback_each_test(shared):
    savepoint = shared.connection.begin_nested()
    yield
    savepoint.rollback()


class Visitor:
    """One actor's browser: logged in (or not), then playing rows without letting them change its cookies."""

    def __init__(self, client, shared: Shared, actor: str):
        self.client, self.network, self.connection, self.actor = client, shared.network, shared.connection, actor

    def log_in(self) -> None:
        if self.actor == "anonymous":
            return
        response = self.client.post("/connexion", data={"email": self.network.emails[self.actor],
                                                        "password": PASSWORD})
        if response.headers.get("Location", "").endswith("/connexion/verification"):
            response = self.client.post("/connexion/verification", data={"code": portal_code()})
        assert response.status_code == 302, f"{self.actor} could not log in"
        if self.actor == "deactivated":
            # Deactivated after logging in, keeping its cookie: the session must no longer count.
            self.connection.execute(update(User).where(User.id == self.network.user_ids["deactivated"])
                                    .values(active=False))

    def refusals(self) -> int:
        return self.connection.scalar(select(func.count()).select_from(AuditEvent)
                                      .where(AuditEvent.action == "access.refused"))

    def play(self, method: str, url: str, data: dict, audited: bool = False) -> str:
        """The answer to one request, undone afterwards. ``audited``: the refusal must be in the audit log."""
        saved = dict(self.client._cookies)  # a logout or a new session must not outlive the row
        savepoint = self.connection.begin_nested()
        try:
            before = self.refusals() if audited else 0
            # buffered: a streamed export is read to its end inside the savepoint, not after it.
            if method == "POST":
                response = self.client.post(url, data=dict(data), buffered=True)
            else:
                response = self.client.open(url, method=method, buffered=True)
            if audited and outcome(response) in ("403", "404") and self.refusals() == before:
                return f"{outcome(response)} (not audited)"
        finally:
            savepoint.rollback()
            self.client._cookies.clear()
            self.client._cookies.update(saved)
        return outcome(response)

    def post_counted(self, url: str, data: dict, count) -> tuple[int, object]:
        """POST ``data`` (undone afterwards), and ``count()`` read in an app context before the undoing."""
        saved = dict(self.client._cookies)
        savepoint = self.connection.begin_nested()
        try:
            response = self.client.post(url, data=data, buffered=True)
            with self.client.application.app_context():
                counted = count()
        finally:
            savepoint.rollback()
            self.client._cookies.clear()
            self.client._cookies.update(saved)
        return response.status_code, counted

    def check(self, table) -> None:
        """Play every row of ``table`` for this actor; fail once, listing every answer that differs."""
        column = ACTORS.index(self.actor)
        wrong = []
        for row in table:
            for obj, answers in row.expectations().items():
                # Every 403, and a 404 that hides the restricted project, is a refusal the audit log keeps.
                audited = answers[column] == "403" or (answers[column] == "404" and obj == "restricted")
                got = self.play(row.method, row.url(self.network, obj, self.actor), row.data, audited)
                if got != answers[column]:
                    wrong.append(f"{row.name} [{obj}]: expected {answers[column]}, got {got}")
        assert not wrong, f"{self.actor}:\n" + "\n".join(wrong)


@pytest.fixture
def visitor_for(client, shared):
    """``visitor_for(actor)``: the test's client, logged in as that actor (or not, for "anonymous")."""

    def logged_in(actor: str) -> Visitor:
        visitor = Visitor(client, shared, actor)
        visitor.log_in()
        return visitor

    return logged_in


@pytest.fixture
def visitor(request, visitor_for) -> Visitor:
    return visitor_for(request.param)


def pytest_generate_tests(metafunc):
    if "visitor" in metafunc.fixturenames:
        metafunc.parametrize("visitor", ACTORS, indirect=True)
