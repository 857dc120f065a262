"""Login throttling per account and per address, shared by every worker process."""

import multiprocessing

from portal import create_app
from portal.accounts.models import User
from portal.core.db import db
from tests.support.client import PortalClient
from tests.support.database import drop_database, fresh_database_url
from tests.support.factories import PASSWORD


def fail_login(client, email, address="10.0.0.1"):
    return client.post("/connexion", data={"email": email, "password": "faux-mot-de-passe"},
                       environ_base={"REMOTE_ADDR": address})


def test_account_is_locked_after_five_failures_even_with_the_right_password(client, make):
    user = make.user()
    for _ in range(4):
        assert "incorrect" in fail_login(client, user.email)
    page = fail_login(client, user.email)
    assert "Trop de tentatives de connexion" in page
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert "Trop de tentatives de connexion" in response
    assert client.get("/compte").status_code == 302


def test_lock_applies_to_unknown_accounts_alike(client):
    for _ in range(5):
        page = fail_login(client, "inconnu@exemple.fr")
    assert "Trop de tentatives de connexion" in page


def test_an_address_trying_many_accounts_is_locked(app, client, make):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 6
    try:
        for number in range(6):
            fail_login(client, f"essai{number}@exemple.fr", address="10.9.9.9")
        victim = make.user()
        response = client.post("/connexion", data={"email": victim.email, "password": PASSWORD},
                               environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert "Trop de tentatives" in response
        other_address = client.post("/connexion", data={"email": victim.email, "password": PASSWORD},
                                    environ_base={"REMOTE_ADDR": "10.1.1.1"})
        assert other_address.status_code == 302
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 30


def test_success_resets_the_account_counter(client, make):
    user = make.user()
    for _ in range(4):
        fail_login(client, user.email)
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    client.post("/deconnexion")
    for _ in range(4):
        assert "incorrect" in fail_login(client, user.email)


def _worker_fails(database_url: str, email: str, attempts: int) -> None:
    """One 'worker process': its own app, engine and memory, the same database."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    for _ in range(attempts):
        client.post("/connexion", data={"email": email, "password": "faux"}, environ_base={"REMOTE_ADDR": "10.2.2.2"})
    with app.app_context():
        db.engine.dispose()


def test_throttle_holds_across_worker_processes(tmp_path):
    from flask_migrate import upgrade

    url = fresh_database_url(tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False})
    app.test_client_class = PortalClient
    try:
        with app.app_context():
            upgrade()
            from tests.support.factories import make_user
            email = make_user().email
            db.session.commit()
        spawn = multiprocessing.get_context("spawn")
        workers = [spawn.Process(target=_worker_fails, args=(url, email, 3)) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
            assert worker.exitcode == 0
        response = app.test_client().post("/connexion", data={"email": email, "password": PASSWORD})
        assert "Trop de tentatives de connexion" in response
        with app.app_context():
            assert db.session.execute(db.select(User).filter_by(email=email)).scalar_one().last_login_at is None
            db.engine.dispose()
    finally:
        drop_database(url)
