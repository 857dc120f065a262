"""The audit log keeps every login, failure, lock, session end and refused access: when (UTC), who, from where."""

from datetime import UTC, timedelta

import pytest
from flask_login import login_user
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import Forbidden, NotFound

from portal.accounts.models import Role
from portal.core.audit import AuditEvent, record_now
from portal.core.db import db, utcnow
from portal.core.permissions import refuse
from tests.support.factories import PASSWORD


def events(action: str | None = None) -> list[AuditEvent]:
    query = db.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.filter_by(action=action)
    return db.session.execute(query).scalars().all()


def test_logins_failures_and_locks_carry_time_actor_and_address(client, make):
    user = make.user()
    before = utcnow()
    for _ in range(5):
        client.post("/connexion", data={"email": user.email, "password": "faux"},
                    environ_base={"REMOTE_ADDR": "10.4.4.4"})
    failed, locked = events("login.failed"), events("login.locked")
    assert len(failed) == 5 and len(locked) == 1
    for event in (*failed, *locked):
        assert (event.actor_id, event.target, event.address) == (user.id, user.email, "10.4.4.4")
        assert event.created_at.tzinfo == UTC
        assert before - timedelta(seconds=1) <= event.created_at <= utcnow()


def test_logout_is_recorded_as_a_session_end(client, make, login):
    user = make.user()
    login(user)
    client.post("/deconnexion")
    assert events("sessions.ended.logout")[0].actor_id == user.id


def test_every_403_is_recorded_with_the_path_and_the_person(client, make, login):
    member = make.user(role=Role.MEMBER)
    login(member)
    assert client.get("/admin/invitations/nouvelle", environ_base={"REMOTE_ADDR": "10.5.5.5"}).status_code == 403
    [event] = events("access.refused")
    assert (event.actor_id, event.target, event.address) == (member.id, "/admin/invitations/nouvelle", "10.5.5.5")
    assert event.details == {"status": 403, "http_method": "GET"}


def test_a_refused_post_keeps_nothing_of_the_request_but_the_audit_line(client, make, login):
    login(make.user())
    other = make.user()
    client.post(f"/admin/utilisateurs/{other.id}/role", data={"role": "admin"})
    db.session.refresh(other)
    assert other.role == Role.MEMBER
    assert [event.details["http_method"] for event in events("access.refused")] == ["POST"]


@pytest.mark.parametrize("status,error", [(404, NotFound), (403, Forbidden)])
def test_refuse_records_the_protected_object_then_answers(app, make, status, error):
    user = make.user()
    db.session.commit()  # refuse() rolls back whatever the request had not committed
    with app.test_request_context("/projets/12", environ_base={"REMOTE_ADDR": "10.6.6.6"}):
        login_user(user)
        with pytest.raises(error):
            refuse(status, target="project:12", reason="restricted")
    [event] = events("access.refused")
    assert (event.actor_id, event.target, event.address) == (user.id, "project:12", "10.6.6.6")
    assert event.details == {"status": status, "http_method": "GET", "reason": "restricted"}


def test_an_anonymous_refusal_is_recorded_without_actor(app):
    with app.test_request_context("/projets/12"), pytest.raises(NotFound):
        refuse()
    [event] = events("access.refused")
    assert (event.actor_id, event.target) == (None, "/projets/12")


def test_record_now_survives_a_database_error(app, monkeypatch, caplog):
    def database_down():
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    with app.test_request_context("/"):
        monkeypatch.setattr(db.session, "commit", database_down)
        record_now("access.refused")  # the 403 page must still show
    assert "audit event access.refused could not be written" in caplog.text


def test_the_second_factor_step_is_audited(client, make):
    user = make.user(second_factor=True)
    client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    client.post("/connexion/verification", data={"code": "000000"})
    assert events("login.password_accepted")[0].actor_id == user.id
    assert events("login.second_factor_failed")[0].actor_id == user.id
