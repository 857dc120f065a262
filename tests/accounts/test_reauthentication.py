"""Confirming one's identity before a sensitive change, and changing one's e-mail address by a mailed link."""

from urllib.parse import urlsplit

import itsdangerous.timed

from portal.accounts.models import User
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests.support.factories import PASSWORD

REAUTH = "/compte/confirmer-identite"
NEW_EMAIL = "nouvelle.adresse@exemple.fr"


def actions() -> list[str]:
    return [event.action for event in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()]


def test_right_after_login_no_confirmation_is_asked(client, make, login):
    login(make.user())
    assert client.get("/compte/mot-de-passe").status_code == 200
    assert client.get("/compte/adresse-e-mail").status_code == 200


def test_ten_minutes_later_the_password_is_asked_again_then_the_page_comes_back(client, make, login, clock):
    login(make.user())
    clock.advance(10 * 60 + 1)
    for page in ("/compte/mot-de-passe", "/compte/adresse-e-mail", "/compte/double-authentification"):
        response = client.get(page)
        assert response.headers["Location"].endswith(f"{REAUTH}?next={page}")
    form = client.get(f"{REAUTH}?next=/compte/mot-de-passe")
    assert "Confirmer votre identité" in form
    assert "Code à 6 chiffres" not in form, "no code is asked of an account without a second factor"
    response = client.post(REAUTH, data={"password": PASSWORD, "next": "/compte/mot-de-passe"})
    assert response.headers["Location"].endswith("/compte/mot-de-passe")
    assert client.get("/compte/mot-de-passe").status_code == 200
    assert "reauthentication.succeeded" in actions()


def test_with_a_second_factor_the_code_is_asked_too(client, make, login, clock):
    user = make.user(second_factor=True)
    login(user)
    clock.advance(11 * 60)
    page = client.post(REAUTH, data={"password": PASSWORD, "code": ""})
    assert "Indiquez le code." in page
    assert client.post(REAUTH, data={"password": PASSWORD, "code": clock.code()}).status_code == 302


def test_wrong_passwords_count_in_the_login_throttle(client, make, login, clock):
    user = make.user()
    login(user)
    clock.advance(11 * 60)
    for _ in range(4):
        assert "Le mot de passe est incorrect." in client.post(REAUTH, data={"password": "pas-le-bon"})
    page = client.post(REAUTH, data={"password": "pas-le-bon"})
    assert "Trop de tentatives de connexion" in page
    assert "Trop de tentatives" in client.post(REAUTH, data={"password": PASSWORD})
    assert actions().count("reauthentication.failed") == 5


def test_the_return_address_never_leaves_the_site(client, make, login):
    login(make.user())
    response = client.post(REAUTH, data={"password": PASSWORD, "next": "https://evil.example/"})
    assert response.headers["Location"].endswith("/compte")


def request_change(client, email=NEW_EMAIL):
    return client.post("/compte/adresse-e-mail", data={"email": email}, follow_redirects=True)


def confirmation_path(mailbox) -> str:
    [message] = mailbox.to(NEW_EMAIL)
    assert message["Subject"] == "Passerelle : confirmer votre nouvelle adresse e-mail"
    return urlsplit(mailbox.link_in(message)).path


def test_the_new_address_is_confirmed_by_a_mailed_link_and_the_old_one_told(app, client, make, login, mailbox):
    user = make.user(email="ancienne@exemple.fr")
    login(user)
    assert "Un lien de confirmation, valable 24 heures" in request_change(client)
    [notice] = mailbox.to("ancienne@exemple.fr")
    assert NEW_EMAIL in mailbox.body(notice)
    path = confirmation_path(mailbox)
    db.session.refresh(user)
    assert user.email == "ancienne@exemple.fr", "nothing changes before the link is opened"

    phone = app.test_client()  # the link is opened elsewhere, without a session
    assert NEW_EMAIL in phone.get(path)
    db.session.refresh(user)
    assert user.email == "ancienne@exemple.fr", "opening the link (a mail scanner does) changes nothing"
    response = phone.post(path, follow_redirects=True)
    assert f"Votre adresse e-mail est désormais {NEW_EMAIL}" in response
    db.session.refresh(user)
    assert user.email == NEW_EMAIL
    changed = [m for m in mailbox.to("ancienne@exemple.fr") if "a été changée" in m["Subject"]]
    assert changed and NEW_EMAIL in mailbox.body(changed[0])
    assert "email.changed" in actions()

    assert "déjà servi" in app.test_client().post(path)
    client.post("/deconnexion")
    assert client.post("/connexion", data={"email": NEW_EMAIL, "password": PASSWORD}).status_code == 302


def test_the_link_expires_after_a_day(client, make, login, mailbox, monkeypatch):
    login(make.user())
    request_change(client)
    path = confirmation_path(mailbox)
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 24 * 3600 + 1)
    response = client.post(path)
    assert response.status_code == 400
    assert "expiré" in response


def test_changing_the_password_cancels_a_pending_change(client, make, login, mailbox):
    user = make.user()
    login(user)
    request_change(client)
    path = confirmation_path(mailbox)
    client.post("/compte/mot-de-passe", data={
        "current_password": PASSWORD, "password": "un-tout-nouveau-secret", "confirm": "un-tout-nouveau-secret"})
    assert client.post(path).status_code == 400
    db.session.refresh(user)
    assert user.email != NEW_EMAIL


def test_an_address_taken_in_the_meantime_is_refused(client, make, login, mailbox):
    user = make.user()
    login(user)
    request_change(client)
    path = confirmation_path(mailbox)
    make.user(email=NEW_EMAIL)
    response = client.post(path)
    assert response.status_code == 400
    assert "Un compte existe déjà" in response
    db.session.refresh(user)
    assert user.email != NEW_EMAIL


def test_bad_new_addresses_are_explained_next_to_the_field(client, make, login, mailbox):
    user = make.user()
    make.user(email="prise@exemple.fr")
    login(user)
    assert "Un compte existe déjà avec cette adresse e-mail." in request_change(client, "Prise@Exemple.fr")
    assert "C'est déjà l'adresse de votre compte." in request_change(client, user.email.upper())
    assert "Indiquez une adresse e-mail valide" in request_change(client, "pas-une-adresse")
    assert mailbox.messages == []


def test_a_tampered_link_is_refused(client):
    response = client.get("/compte/adresse-e-mail/pas-un-jeton")
    assert response.status_code == 400
    assert db.session.execute(db.select(User)).first() is None
