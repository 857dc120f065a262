"""Anonymising a departed person: personal data gone, their row and what they wrote kept."""

import pytest

from portal.accounts import services, throttle
from portal.accounts.models import Invitation, Role, ThrottleBucket, User
from portal.core import integrity
from portal.core.audit import AuditEvent, record
from portal.core.db import db, utcnow
from tests.support.factories import PASSWORD


def events_about(target: str) -> list[AuditEvent]:
    return db.session.execute(db.select(AuditEvent).where(AuditEvent.target == target)).scalars().all()


@pytest.fixture
def departed(make):
    """A member who logged in, failed once, and was invited (accepted) before leaving."""
    user = make.user(full_name="Karim Benali", email="karim.benali@cs-belley.fr")
    db.session.add(Invitation(email=user.email, full_name="Karim Benali", organisation=user.organisation,
                              role=Role.MEMBER, created_at=utcnow(), expires_at=utcnow(), accepted_at=utcnow()))
    record("login.failed", actor=user, target=user.email)
    record("login.succeeded", actor=user, target=user.email)
    throttle.register_failure(throttle.account_key(user.email), 5)
    db.session.flush()
    return user


def anonymise(client, user, confirm=True):
    return client.post(f"/admin/utilisateurs/{user.id}/anonymisation", data={"confirm": "y"} if confirm else {})


def test_admin_anonymises_a_departed_member(app, client, make, login, departed):
    admin = make.user(role=Role.ADMIN)
    their_browser = app.test_client()
    their_browser.post("/connexion", data={"email": departed.email, "password": PASSWORD})
    login(admin)

    page = client.get(f"/admin/utilisateurs/{departed.id}/anonymisation")
    assert "Anonymiser le compte de Karim Benali" in page and "définitive" in page
    response = anonymise(client, departed)
    assert response.status_code == 302

    db.session.refresh(departed)
    assert departed.full_name == f"Compte anonymisé n°{departed.id}"
    assert departed.email == f"anonyme-{departed.id}@invalid"
    assert departed.password_hash is None and not departed.active and departed.anonymised_at is not None
    assert their_browser.get("/compte").status_code == 302  # their sessions are over
    assert "incorrect" in their_browser.post("/connexion", data={"email": "karim.benali@cs-belley.fr",
                                                                 "password": PASSWORD})
    assert "Karim Benali" not in client.get("/admin/utilisateurs")


def test_no_trace_of_the_name_or_email_is_left(client, make, login, departed):
    login(make.user(role=Role.ADMIN))
    user_id = departed.id
    anonymise(client, departed)
    assert events_about("karim.benali@cs-belley.fr") == []
    rewritten = events_about(f"anonyme-{user_id}@invalid")
    assert {event.action for event in rewritten} == {"login.failed", "login.succeeded"}
    assert all(event.actor_id == user_id for event in rewritten)  # what they did stays theirs
    [invitation] = db.session.execute(db.select(Invitation).where(Invitation.email.like("anonyme-%"))).scalars()
    assert invitation.full_name == f"Compte anonymisé n°{user_id}"
    assert db.session.get(ThrottleBucket, "account:karim.benali@cs-belley.fr") is None
    for model, column in ((User, User.email), (Invitation, Invitation.email)):
        assert db.session.execute(db.select(model).where(column == "karim.benali@cs-belley.fr")).first() is None


def test_the_anonymisation_is_audited(client, make, login, departed):
    admin = make.user(role=Role.ADMIN)
    login(admin)
    anonymise(client, departed)
    [event] = events_about(f"user:{departed.id}")
    assert (event.action, event.actor_id, event.details) == ("user.anonymised", admin.id,
                                                              {"audit_events_rewritten": 2})


def test_a_pending_invitation_is_revoked_and_scrubbed(make):
    admin, user = make.user(role=Role.ADMIN), make.user()
    pending = Invitation(email=user.email, full_name="Nom Ancien", organisation=user.organisation,
                         role=Role.MEMBER, created_at=utcnow(), expires_at=utcnow())
    db.session.add(pending)
    services.anonymise_user(admin, user)
    assert pending.revoked_at is not None and pending.email == f"anonyme-{user.id}@invalid"


def test_confirmation_is_required(client, make, login, departed):
    login(make.user(role=Role.ADMIN))
    page = anonymise(client, departed, confirm=False)
    assert page.status_code == 200
    assert "Cochez la case pour confirmer l'anonymisation." in page
    assert 'id="confirm-erreur"' in page.get_data(as_text=True)
    db.session.refresh(departed)
    assert departed.full_name == "Karim Benali"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MEMBER])
def test_only_an_admin_may_anonymise(client, make, login, departed, role):
    login(make.user(role=role))
    assert client.get(f"/admin/utilisateurs/{departed.id}/anonymisation").status_code == 403
    assert anonymise(client, departed).status_code == 403
    db.session.refresh(departed)
    assert departed.anonymised_at is None


def test_the_service_checks_the_permission_itself(make, departed):
    with pytest.raises(services.AccountError, match="Seul un administrateur"):
        services.anonymise_user(make.user(role=Role.COORDINATOR), departed)


def test_an_admin_cannot_anonymise_themselves(client, make, login):
    admin = make.user(role=Role.ADMIN)
    login(admin)
    assert "Vous ne pouvez pas anonymiser votre propre compte" in client.get(
        f"/admin/utilisateurs/{admin.id}/anonymisation")
    assert "Vous ne pouvez pas anonymiser votre propre compte" in anonymise(client, admin)
    db.session.refresh(admin)
    assert admin.anonymised_at is None


def test_twice_is_refused_and_reactivation_too(client, make, login, departed):
    login(make.user(role=Role.ADMIN))
    anonymise(client, departed)
    assert "Ce compte a été anonymisé le" in anonymise(client, departed)
    db.session.refresh(departed)
    with pytest.raises(services.AccountError, match="Ce compte est déjà anonymisé."):
        services.anonymise_user(make.user(role=Role.ADMIN), departed)
    page = client.post(f"/admin/utilisateurs/{departed.id}/activation", data={"active": "y"}, follow_redirects=True)
    assert "Ce compte a été anonymisé : il ne peut plus servir." in page
    db.session.refresh(departed)
    assert not departed.active


def test_without_csrf_nothing_happens(client, make, login, departed):
    login(make.user(role=Role.ADMIN))
    assert client.post(f"/admin/utilisateurs/{departed.id}/anonymisation", data={"confirm": "y"},
                       csrf=False).status_code == 400
    db.session.refresh(departed)
    assert departed.anonymised_at is None


def test_unknown_user_is_404(client, make, login):
    login(make.user(role=Role.ADMIN))
    assert client.get("/admin/utilisateurs/999999/anonymisation").status_code == 404


def test_users_page_offers_anonymisation_to_admins_only(client, make, login, departed):
    admin = make.user(role=Role.ADMIN)
    login(admin)
    page = client.get("/admin/utilisateurs").get_data(as_text=True)
    assert f"/admin/utilisateurs/{departed.id}/anonymisation" in page
    assert f"/admin/utilisateurs/{admin.id}/anonymisation" not in page


def test_the_verifier_vouches_for_anonymised_accounts_and_catches_a_leak(make, departed):
    services.anonymise_user(make.user(role=Role.ADMIN), departed)
    assert services.verify_anonymised_accounts().ok
    departed.full_name = "Karim Benali"
    db.session.flush()
    verdict = services.verify_anonymised_accounts()
    assert not verdict.ok and f"n°{departed.id}" in verdict.summary
    assert "accounts.anonymised" in {v.name for v in integrity.registered()}
