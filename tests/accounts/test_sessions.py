"""Session lifetimes (idle, absolute), closing one's other sessions, and what a half-done login grants."""

import pytest

from portal.core.audit import AuditEvent
from portal.core.db import db

HOUR = 3600


def audit_events(action: str) -> list[AuditEvent]:
    return db.session.execute(db.select(AuditEvent).filter_by(action=action)).scalars().all()


def test_a_session_idle_longer_than_the_timeout_ends_with_a_french_message(client, make, login, clock):
    user = make.user()
    login(user)
    clock.advance(2 * HOUR + 1)
    response = client.get("/compte")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/connexion?next=/compte")
    page = client.get(response.headers["Location"])
    assert "Votre session a été fermée après 2 heures sans activité" in page
    assert client.get("/compte").status_code == 302
    [event] = audit_events("session.expired")
    assert (event.actor_id, event.details["reason"]) == (user.id, "idle")


def test_activity_keeps_the_session_open(client, make, login, clock):
    login(make.user())
    for _ in range(3):
        clock.advance(HOUR + 50 * 60)  # each request comes less than two hours after the previous one
        assert client.get("/compte").status_code == 200


def test_no_session_lasts_longer_than_the_absolute_lifetime(client, make, login, clock):
    login(make.user())
    for _ in range(11):
        clock.advance(HOUR)
        assert client.get("/compte").status_code == 200
    clock.advance(HOUR + 1)
    response = client.get("/tableau-de-bord", follow_redirects=True)
    assert "une session dure au plus 12 heures" in response
    assert audit_events("session.expired")[0].details["reason"] == "absolute"


def test_a_copied_cookie_ages_like_the_original(app, client, make, login, clock):
    login(make.user())
    copy = app.test_client()
    copy.set_cookie("passerelle_session", client.get_cookie("passerelle_session", domain="passerelle.test").value,
                    domain="passerelle.test")
    for _ in range(12):
        clock.advance(HOUR)
        copy.get("/compte")  # the thief keeps it busy: the idle timeout never strikes
    clock.advance(1)
    assert copy.get("/compte").status_code == 302


def test_lifetimes_come_from_the_configuration(app, client, make, login, clock):
    app.config["SESSION_IDLE_TIMEOUT"] = 30 * 60
    try:
        login(make.user())
        clock.advance(31 * 60)
        page = client.get("/compte", follow_redirects=True)
        assert "après 30 minutes sans activité" in page
    finally:
        app.config["SESSION_IDLE_TIMEOUT"] = 2 * HOUR


def test_a_signed_session_without_timestamps_is_not_trusted(client, make):
    user = make.user()
    with client.session_transaction() as session:  # signed with the app's key, as an older version would
        session["_user_id"] = user.get_id()
    assert client.get("/compte").status_code == 302


def test_logging_out_of_the_other_sessions_keeps_this_one(app, client, make, login):
    user = make.user()
    login(user)
    elsewhere = app.test_client()
    login(user, with_client=elsewhere)
    response = client.post("/compte/sessions", follow_redirects=True)
    assert "Vos autres sessions sont fermées" in response
    assert client.get("/compte").status_code == 200
    assert elsewhere.get("/compte").status_code == 302
    assert audit_events("sessions.ended.others")[0].actor_id == user.id


def test_account_page_offers_it_and_says_when_the_session_began(client, make, login):
    login(make.user())
    page = client.get("/compte")
    assert "Se déconnecter de mes autres sessions" in page
    assert "Cette session est ouverte depuis le" in page


def test_login_sets_the_session_timestamps(client, make, login, clock):
    login(make.user())
    with client.session_transaction() as session:
        assert session["started_at"] == pytest.approx(clock.now(), abs=5)
        assert session["last_seen_at"] == pytest.approx(clock.now(), abs=5)
        assert session["authenticated_at"] == session["started_at"]
