"""Password reset by a mailed single-use link, and changing one's own password."""

from urllib.parse import urlsplit

import itsdangerous.timed

from portal.accounts.passwords import verify_password
from portal.accounts.services import anonymise_user
from portal.core.db import db
from tests.support.factories import PASSWORD


def request_reset(client, email):
    return client.post("/mot-de-passe-oublie", data={"email": email}, follow_redirects=True)


def test_reset_link_is_mailed_and_works_once(client, make, mailbox):
    user = make.user()
    page = request_reset(client, user.email)
    assert "Si un compte existe pour cette adresse" in page
    [message] = mailbox.to(user.email)
    assert message["Subject"] == "Passerelle : choisir un nouveau mot de passe"
    path = urlsplit(mailbox.link_in(message)).path

    response = client.post(path, data={"password": "un-nouveau-secret", "confirm": "un-nouveau-secret"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert verify_password(user.password_hash, "un-nouveau-secret")

    reused = client.get(path)
    assert reused.status_code == 400
    assert "déjà servi" in reused


def test_reset_never_reveals_whether_an_account_exists(client, make, mailbox):
    user = make.user()
    known = request_reset(client, user.email)
    unknown = request_reset(client, "personne@nulle-part.fr")
    assert "Si un compte existe pour cette adresse" in known
    assert "Si un compte existe pour cette adresse" in unknown
    assert len(mailbox.messages) == 1


def test_reset_link_expires_after_an_hour(client, make, mailbox, monkeypatch):
    user = make.user()
    request_reset(client, user.email)
    path = urlsplit(mailbox.link_in(mailbox.to(user.email)[0])).path
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 3601)
    response = client.get(path)
    assert response.status_code == 400
    assert "expiré" in response


def test_tampered_reset_link_is_refused(client):
    response = client.get("/mot-de-passe/pas-un-vrai-jeton")
    assert response.status_code == 400
    assert "n'est pas valide" in response


def test_new_password_rules_are_explained_next_to_the_field(client, make, mailbox):
    user = make.user()
    request_reset(client, user.email)
    path = urlsplit(mailbox.link_in(mailbox.to(user.email)[0])).path
    page = client.post(path, data={"password": "court", "confirm": "court"})
    assert "au moins 10 caractères" in page
    page = client.post(path, data={"password": "assez-long-1", "confirm": "different-22"})
    assert "ne sont pas identiques" in page
    page = client.post(path, data={"password": "x" * 300, "confirm": "x" * 300})
    assert "256 caractères au plus" in page
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_change_password_keeps_this_session_and_ends_the_others(app, make):
    user = make.user()
    here, elsewhere = app.test_client(), app.test_client()
    for browser in (here, elsewhere):
        browser.post("/connexion", data={"email": user.email, "password": PASSWORD})
    response = here.post("/compte/mot-de-passe", data={
        "current_password": PASSWORD, "password": "nouveau-mot-de-passe", "confirm": "nouveau-mot-de-passe"})
    assert response.status_code == 302
    assert here.get("/compte").status_code == 200
    assert elsewhere.get("/compte").status_code == 302


def test_change_password_needs_the_current_one(client, make, login):
    user = make.user()
    login(user)
    page = client.post("/compte/mot-de-passe", data={
        "current_password": "pas-le-bon", "password": "nouveau-mot-de-passe", "confirm": "nouveau-mot-de-passe",
    })
    assert "Le mot de passe actuel est incorrect." in page
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_an_imported_account_without_a_password_chooses_one_through_the_reset_link(client, make, mailbox):
    # `portal import-network` brings people without their password: this link is how they get one.
    user = make.user()
    user.password_hash = None
    db.session.flush()
    request_reset(client, user.email)
    [message] = mailbox.to(user.email)
    path = urlsplit(mailbox.link_in(message)).path
    response = client.post(path, data={"password": "mon-premier-secret", "confirm": "mon-premier-secret"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert verify_password(user.password_hash, "mon-premier-secret")


def test_an_anonymised_account_gets_no_reset_link(client, make, mailbox):
    admin = make.user("admin")
    departed = make.user()
    anonymise_user(admin, departed)
    db.session.flush()
    request_reset(client, departed.email)
    assert mailbox.messages == []
