"""The application shell: configuration layers, health, error pages, headers, SQLite settings."""

import os
import re

import pytest
from alembic.script import ScriptDirectory
from flask import request, url_for
from sqlalchemy import text

from portal import create_app
from portal.config import ConfigurationError
from portal.core.db import db
from tests.support.database import is_postgresql


def test_environment_overrides_defaults_and_test_mapping_overrides_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_MAIL_SERVER", "smtp.exemple.fr")
    monkeypatch.setenv("PORTAL_MAIL_PORT", "2525")
    monkeypatch.setenv("PORTAL_DATABASE_URL", "postgresql://portal@db/portal")
    app = create_app({"MAIL_PORT": 587, "SECRET_KEY": "x"})
    assert app.config["MAIL_SERVER"] == "smtp.exemple.fr"
    assert app.config["MAIL_PORT"] == 587
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://portal@db/portal"


def test_development_secret_key_is_generated_once_under_instance(monkeypatch):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "MAIL_SERVER"])
def test_production_refuses_to_start_without_its_settings(monkeypatch, missing):
    settings = {"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "k" * 40,
                "PORTAL_DATABASE_URL": "postgresql://p@db/p", "PORTAL_MAIL_SERVER": "smtp.exemple.fr"}
    del settings[f"PORTAL_{missing}"]
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(f"PORTAL_{missing}", raising=False)
    with pytest.raises(ConfigurationError, match=f"PORTAL_{missing}"):
        create_app()


PRODUCTION = {"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "k" * 40,
              "PORTAL_DATABASE_URL": "postgresql://p@db/p", "PORTAL_MAIL_SERVER": "smtp.exemple.fr"}


def test_production_cookies_are_secure_and_hsts_is_sent(monkeypatch):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["LOG_FORMAT"] == "json"
    response = app.test_client().get("/connexion", base_url="https://passerelle.test")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "Secure" in response.headers["Set-Cookie"]


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/connexion").headers


@pytest.mark.parametrize("url", ["sqlite:////srv/passerelle.db", "sqlite://"])
def test_production_refuses_sqlite(monkeypatch, url):
    for name, value in {**PRODUCTION, "PORTAL_DATABASE_URL": url}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match="requires a PostgreSQL database"):
        create_app()


def test_unknown_log_format_is_refused():
    with pytest.raises(ConfigurationError, match="PORTAL_LOG_FORMAT"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "LOG_FORMAT": "xml"})


def test_proxy_fix_trusts_the_configured_number_of_proxies(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "PROXY_FIX_HOPS": 1})

    @app.route("/qui")
    def who():
        return f"{request.remote_addr} {request.scheme} {request.host}"

    headers = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https",
               "X-Forwarded-Host": "passerelle.exemple.fr"}
    seen = app.test_client().get("/qui", headers=headers).get_data(as_text=True)
    assert seen == "198.51.100.7 https passerelle.exemple.fr"  # the last hop only: the one nginx added


def test_without_proxy_fix_forwarded_headers_are_ignored():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})

    @app.route("/qui")
    def who():
        return request.remote_addr

    response = app.test_client().get("/qui", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "127.0.0.1"


def test_trusted_hosts_refuse_a_forged_host():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x",
                      "TRUSTED_HOSTS": ["passerelle.exemple.fr"]})
    client = app.test_client()
    assert client.get("/connexion", base_url="https://passerelle.exemple.fr").status_code == 200
    assert client.get("/connexion", base_url="https://attaquant.exemple").status_code == 400


def test_factory_does_not_touch_the_database():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none", "SECRET_KEY": "x"})
    assert app.name == "portal"


def test_healthz_reports_the_database_and_its_migration(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    head = ScriptDirectory("migrations").get_current_head()
    assert response.get_json() == {"status": "ok", "database": "ok",
                                   "migration": {"database": head, "code": head, "current": True}}


def test_healthz_adds_no_migration_chatter_to_the_log(client, caplog):
    caplog.set_level("INFO")
    assert client.get("/healthz").status_code == 200
    assert [r.name for r in caplog.records if r.name.startswith("alembic")] == []


def test_healthz_says_outdated_but_stays_up_when_the_schema_differs(client):
    db.session.execute(text("UPDATE alembic_version SET version_num = 'abcdef012345'"))
    response = client.get("/healthz")
    assert response.status_code == 200  # a rolling upgrade must not pull every node from the balancer
    body = response.get_json()
    assert body["status"] == "outdated"
    assert body["migration"]["database"] == "abcdef012345"
    assert body["migration"]["current"] is False


def test_healthz_on_a_database_never_migrated(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'vide.db'}", "SECRET_KEY": "x"})
    body = app.test_client().get("/healthz").get_json()
    assert body["status"] == "outdated"
    assert body["migration"]["database"] is None


def test_healthz_answers_503_when_the_database_is_down():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                      "SECRET_KEY": "x", "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}}})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_security_headers(client):
    headers = client.get("/connexion").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script_or_style(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert "onclick" not in page


def test_404_page_is_french(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response


def test_500_page_shows_no_stack_trace(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "x"})

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Erreur interne" in body
    assert "secret internal detail" not in body and "Traceback" not in body


def test_405_page(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "Méthode non autorisée" in response


def test_static_files_are_served_locally(client):
    for path in ("/static/css/portal.css", "/static/js/portal.js", "/static/fonts/SourceSans3-Regular.woff2"):
        assert client.get(path).status_code == 200


@pytest.mark.skipif(is_postgresql(), reason="SQLite connection settings")
def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(app):
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 10_000


def test_static_urls_carry_a_hash_of_the_content(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    app.static_folder = str(tmp_path)
    (tmp_path / "portal.css").write_text("body { color: black; }")
    with app.test_request_context():
        first = url_for("static", filename="portal.css")
        assert re.fullmatch(r"/static/portal\.css\?v=[0-9a-f]{12}", first)
        assert url_for("static", filename="portal.css") == first
        (tmp_path / "portal.css").write_text("body { color: navy; }")
        os.utime(tmp_path / "portal.css", ns=(1, 1))  # a new modification time, whatever the clock's grain
        assert url_for("static", filename="portal.css") != first
        assert url_for("static", filename="absent.css") == "/static/absent.css"
        assert url_for("static", filename="../secret") == "/static/../secret"  # never read outside static/


def test_a_nul_character_in_the_address_gets_a_french_400_not_a_database_error(client):
    response = client.get("/accessibilite", query_string={"etat": "\x00"})
    assert response.status_code == 400
    assert "caractère nul" in response.text and "Traceback" not in response.text
    assert client.get("/connexion", query_string={"next": "/projets\x00"}).status_code == 400
    assert client.get("/accessibilite", query_string={"etat": "en_cours"}).status_code == 200


def test_only_a_server_database_pre_pings_its_pooled_connections():
    """A SQLite file never drops a pooled connection: no ``SELECT 1`` before each request's statements."""
    sqlite_app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///unused.db", "SECRET_KEY": "x"})
    server_app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://portal@db/portal", "SECRET_KEY": "x"})
    assert "pool_pre_ping" not in sqlite_app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert server_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    with sqlite_app.app_context():
        assert db.engine.pool._pre_ping is False
