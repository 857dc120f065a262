"""Structured logs: one line per request, audit lines in the same shape, JSON or text."""

import json
import logging

import pytest

from portal import create_app
from portal.accounts.models import Role
from portal.core.logs import StructuredFormatter


def request_lines(caplog) -> list[dict]:
    return [record.fields for record in caplog.records if record.name == "portal.request"]


def test_one_line_per_request_with_route_status_user_and_duration(client, make, login, caplog):
    admin = make.user(role=Role.ADMIN)
    member = make.user()
    login(admin)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="portal"):
        client.post(f"/admin/utilisateurs/{member.id}/role", data={"role": "coordinator"},
                    environ_base={"REMOTE_ADDR": "192.0.2.10"})
    [line] = request_lines(caplog)
    assert line["method"] == "POST"
    assert line["route"] == "/admin/utilisateurs/<int:user_id>/role"
    assert line["path"] == f"/admin/utilisateurs/{member.id}/role"
    assert line["status"] == 302
    assert line["user_id"] == admin.id
    assert line["address"] == "192.0.2.10"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert len(line["request_id"]) == 32


def test_anonymous_and_unknown_pages_are_logged_too(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal"):
        client.get("/nulle-part")
    [line] = request_lines(caplog)
    assert (line["status"], line["route"], line["user_id"]) == (404, None, None)


def test_the_request_id_of_the_proxy_is_kept_and_sent_back(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal"):
        response = client.get("/connexion", headers={"X-Request-Id": "7f3a9c2e1b4d4e5f"})
    assert response.headers["X-Request-Id"] == "7f3a9c2e1b4d4e5f"
    assert request_lines(caplog)[0]["request_id"] == "7f3a9c2e1b4d4e5f"


def test_a_request_id_that_is_not_one_is_replaced(client):
    response = client.get("/connexion", headers={"X-Request-Id": "\" status=200 forged=\"true"})
    assert "forged" not in response.headers["X-Request-Id"]
    assert len(response.headers["X-Request-Id"]) == 32


def test_audit_lines_are_structured_and_carry_the_request_id(client, make, caplog):
    user = make.user()
    with caplog.at_level(logging.INFO, logger="portal"):
        response = client.post("/connexion", data={"email": user.email, "password": "mauvais-mot-de-passe"})
    [audit] = [record.fields for record in caplog.records if record.name == "portal.audit"]
    assert audit["action"] == "login.failed"
    assert audit["actor_id"] == user.id
    assert audit["target"] == user.email
    assert audit["request_id"] == response.headers["X-Request-Id"] == request_lines(caplog)[0]["request_id"]


def test_an_unexpected_error_is_logged_as_a_500(tmp_path, caplog):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "x"})

    @app.route("/boum")
    def boom():
        raise RuntimeError("boum")

    with caplog.at_level(logging.INFO, logger="portal"):
        app.test_client().get("/boum")
    assert request_lines(caplog)[0]["status"] == 500


def make_record(**fields) -> logging.LogRecord:
    record = logging.LogRecord("portal.request", logging.INFO, __file__, 1, "request", None, None)
    record.created = 1_780_000_000.5
    record.fields = fields
    return record


def test_json_format_is_one_object_a_line_in_utc():
    line = StructuredFormatter("json").format(make_record(route="/projets/<int:id>", status=200, user_id=None))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry == {"time": "2026-05-28T20:26:40.500+00:00", "level": "INFO", "logger": "portal.request",
                     "message": "request", "route": "/projets/<int:id>", "status": 200, "user_id": None}


def test_text_format_quotes_what_needs_it():
    line = StructuredFormatter("text").format(make_record(status=200, target="Centre social de Belley", empty=""))
    assert line == ('2026-05-28T20:26:40.500+00:00 INFO portal.request: request '
                    'status=200 target="Centre social de Belley" empty=""')


@pytest.mark.parametrize("style", ["json", "text"])
def test_exceptions_are_kept_with_their_line(style):
    try:
        raise ValueError("détail")
    except ValueError:
        import sys
        record = make_record()
        record.exc_info = sys.exc_info()
    assert "ValueError: détail" in StructuredFormatter(style).format(record)
