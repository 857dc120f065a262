"""Invitations: an admin or coordinator invites an e-mail; the single-use link lets the person join."""

from datetime import timedelta
from urllib.parse import urlsplit

from portal.accounts.models import Invitation, Role, User
from portal.core.db import db, utcnow


def invite(client, organisation, email="nouvelle.personne@exemple.fr", role=Role.MEMBER, **extra):
    return client.post("/admin/invitations/nouvelle", data={
        "email": email, "full_name": "Nouvelle Personne", "organisation_id": organisation.id, "role": role, **extra,
    })


def invitation_path(mailbox, email):
    [message] = mailbox.to(email)
    return urlsplit(mailbox.link_in(message)).path


def test_coordinator_invites_and_the_person_joins(app, client, make, login, mailbox):
    caf = make.organisation("CAF de l'Ain")
    login(make.user(role=Role.COORDINATOR))
    assert invite(client, caf).status_code == 302
    [message] = mailbox.to("nouvelle.personne@exemple.fr")
    assert message["Subject"] == "Invitation à rejoindre Passerelle"
    assert "CAF de l'Ain" in mailbox.body(message)

    newcomer = app.test_client()
    path = invitation_path(mailbox, "nouvelle.personne@exemple.fr")
    assert "Rejoindre Passerelle" in newcomer.get(path)
    response = newcomer.post(path, data={"full_name": "Nadia Nouvelle", "password": "mon-secret-a-moi",
                                         "confirm": "mon-secret-a-moi"})
    assert response.headers["Location"].endswith("/tableau-de-bord")
    assert "Bonjour Nadia Nouvelle" in newcomer.get("/tableau-de-bord")
    user = db.session.execute(db.select(User).filter_by(email="nouvelle.personne@exemple.fr")).scalar_one()
    assert (user.organisation_id, user.role) == (caf.id, Role.MEMBER)

    reused = app.test_client().get(path)
    assert reused.status_code == 400
    assert "déjà été utilisée" in reused


def test_expired_invitation_is_refused(client, make, login, mailbox):
    login(make.user(role=Role.ADMIN))
    invite(client, make.organisation())
    invitation = db.session.execute(db.select(Invitation)).scalar_one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    response = client.get(invitation_path(mailbox, invitation.email))
    assert response.status_code == 400
    assert "expiré" in response


def test_a_new_invitation_replaces_the_old_link(app, client, make, login, mailbox):
    login(make.user(role=Role.ADMIN))
    organisation = make.organisation()
    invite(client, organisation)
    first = invitation_path(mailbox, "nouvelle.personne@exemple.fr")
    mailbox.clear()
    invite(client, organisation)
    second = invitation_path(mailbox, "nouvelle.personne@exemple.fr")
    assert app.test_client().get(first).status_code == 400
    assert app.test_client().get(second).status_code == 200


def test_existing_email_whatever_its_case_is_refused(client, make, login, mailbox):
    login(make.user(role=Role.ADMIN))
    make.user(email="deja.la@exemple.fr")
    page = invite(client, make.organisation(), email="Deja.La@Exemple.FR")
    assert "Un compte existe déjà avec cette adresse e-mail." in page
    assert mailbox.messages == []
    assert db.session.execute(db.select(Invitation)).first() is None


def test_member_cannot_invite_and_coordinator_cannot_create_an_admin(client, make, login):
    member = make.user(role=Role.MEMBER)
    login(member)
    assert client.get("/admin/invitations/nouvelle").status_code == 403
    assert invite(client, member.organisation).status_code == 403
    client.post("/deconnexion")
    login(make.user(role=Role.COORDINATOR))
    page = invite(client, member.organisation, role=Role.ADMIN)
    assert "N'est pas un choix valide." in page
    assert db.session.execute(db.select(Invitation)).first() is None


def test_overlong_and_unknown_fields_get_french_messages(client, make, login):
    login(make.user(role=Role.ADMIN))
    page = client.post("/admin/invitations/nouvelle", data={
        "email": "a" * 250 + "@exemple.fr", "full_name": "N" * 500, "organisation_id": "999999", "role": "member",
    })
    assert "254 caractères au plus." in page
    assert "120 caractères au plus." in page
    assert db.session.execute(db.select(Invitation)).first() is None


def test_invalid_invitation_token(client):
    response = client.get("/invitation/n-importe-quoi")
    assert response.status_code == 400
    assert "n'est pas valide" in response
