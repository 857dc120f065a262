"""Logging in and out: credentials, deactivated accounts, safe redirects, sessions that end together."""

import pytest

from portal.accounts.models import Role
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests.support.factories import PASSWORD


def audit_actions():
    return [event.action for event in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()]


def test_login_lands_on_dashboard(client, make):
    user = make.user(full_name="Sophie Garnier")
    response = client.post("/connexion", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/tableau-de-bord")
    page = client.get("/tableau-de-bord")
    assert "Bonjour Sophie Garnier" in page
    assert "login.succeeded" in audit_actions()


@pytest.mark.parametrize("email,password", [
    ("personne-inconnue@exemple.fr", PASSWORD),
    (None, "mauvais-mot-de-passe"),
])
def test_wrong_credentials_give_the_same_french_message(client, make, email, password):
    user = make.user()
    response = client.post("/connexion", data={"email": email or user.email, "password": password})
    page = response
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in page
    assert 'aria-invalid="true"' in page
    assert "login.failed" in audit_actions()


def test_empty_and_malformed_fields_are_explained(client):
    page = client.post("/connexion", data={"email": "pas-une-adresse", "password": ""})
    assert "Indiquez une adresse e-mail valide" in page
    assert "Indiquez votre mot de passe." in page


def test_deactivated_account_cannot_log_in(client, make):
    user = make.user(active=False)
    page = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert "Ce compte a été désactivé" in page
    assert client.get("/tableau-de-bord").status_code == 302


def test_login_without_csrf_token_is_refused(client, make):
    user = make.user()
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response


@pytest.mark.parametrize("target,expected", [
    ("/compte", "/compte"),
    ("https://evil.example/", "/tableau-de-bord"),
    ("//evil.example/", "/tableau-de-bord"),
    ("/\\evil.example", "/tableau-de-bord"),
    ("javascript:alert(1)", "/tableau-de-bord"),
])
def test_next_parameter_never_leaves_the_site(client, make, target, expected):
    user = make.user()
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.headers["Location"].endswith(expected)
    assert "evil" not in response.headers["Location"]


def test_pages_need_a_login(client):
    response = client.get("/compte")
    assert response.status_code == 302
    assert "/connexion?next=" in response.headers["Location"]


def test_login_starts_a_new_session(client, make):
    user = make.user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_ends_every_session_of_the_user_including_a_copied_cookie(app, make):
    user = make.user()
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        browser.post("/connexion", data={"email": user.email, "password": PASSWORD})
        assert browser.get("/compte").status_code == 200
    stolen = app.test_client()
    stolen.set_cookie("passerelle_session", first.get_cookie("passerelle_session", domain="passerelle.test").value,
                      domain="passerelle.test")
    assert stolen.get("/compte").status_code == 200

    first.post("/deconnexion")

    for browser in (first, second, stolen):
        assert browser.get("/compte").status_code == 302


def test_session_cookie_flags(client, make):
    user = make.user()
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_admin_role_reaches_admin_pages_member_does_not(client, make, login):
    member = make.user(role=Role.MEMBER)
    login(member)
    assert client.get("/admin/utilisateurs").status_code == 403
