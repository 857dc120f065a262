"""The people of a project, and the people concerned invited into it as co-actors."""

from urllib.parse import urlsplit

import pytest

from portal.accounts.models import Invitation, Role, User
from portal.core.db import db
from portal.projects.models import MemberRole, ProjectMember
from tests.projects.helpers import revisions_of


@pytest.fixture
def setting(make, login):
    carrier = make.organisation("Centre social de Jassans", short_name="CS Jassans")
    funder = make.organisation("CAF de l'Ain", short_name="CAF")
    karim = make.user(organisation=carrier, full_name="Karim Benali")
    project = make.project(carrier, karim, title="Donnant-donnant", partners=[(funder, "financeur")])
    return {"project": project, "karim": karim, "carrier": carrier,
            "claudy": make.user(organisation=funder, full_name="Claudy Debaix"),
            "outsider": make.user(full_name="Personne Extérieure")}


def test_adding_changing_and_removing_members_is_kept_in_the_history(client, login, setting):
    project, karim, claudy = setting["project"], setting["karim"], setting["claudy"]
    login(karim)
    url = f"/projets/{project.id}/membres"
    page = client.get(url)
    assert "Claudy Debaix (CAF)" in page and "Personne Extérieure" not in page  # only the project's organisations
    assert client.post(url, data={"user_id": claudy.id, "role": "comite_technique"}).status_code == 302
    member = db.session.execute(db.select(ProjectMember)).scalar_one()
    client.post(f"{url}/{member.id}/role", data={"role": "benevole"})
    client.post(f"{url}/{member.id}/retirer", data={})
    assert db.session.execute(db.select(ProjectMember)).first() is None
    changes = [(r.scope, r.subject, r.before, r.after) for r in revisions_of(project)][1:]
    assert changes == [
        ("members", "Claudy Debaix (CAF)", {}, {"member_role": "Comité technique"}),
        ("members", "Claudy Debaix (CAF)", {"member_role": "Comité technique"}, {"member_role": "Bénévole"}),
        ("members", "Claudy Debaix (CAF)", {"member_role": "Bénévole"}, {}),
    ]
    history = client.get(f"/projets/{project.id}/historique")
    assert "Arrivée dans l'équipe : Claudy Debaix (CAF)" in history
    assert "Départ de l'équipe : Claudy Debaix (CAF)" in history


@pytest.mark.parametrize(("who", "role", "message"), [
    ("outsider", "benevole", "Choisissez une personne d'une organisation du projet."),
    ("claudy", "tresorier", "Rôle inconnu."),
    ("nobody", "benevole", "Choisissez une personne d'une organisation du projet."),
])
def test_refused_additions(client, login, setting, who, role, message):
    login(setting["karim"])
    user_id = setting[who].id if who in setting else 999999
    response = client.post(f"/projets/{setting['project'].id}/membres", data={"user_id": user_id, "role": role})
    assert response.status_code == 422 and message in response
    assert db.session.execute(db.select(ProjectMember)).first() is None


def test_the_same_person_is_not_added_twice(client, login, make, setting):
    project = setting["project"]
    login(setting["karim"])
    url = f"/projets/{project.id}/membres"
    client.post(url, data={"user_id": setting["claudy"].id, "role": "benevole"})
    response = client.post(url, data={"user_id": setting["claudy"].id, "role": "benevole"})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(ProjectMember)) == 1


def test_a_coordinator_invites_a_person_concerned_who_joins_the_project(app, client, login, make, mailbox,
                                                                        setting):
    project = setting["project"]
    login(make.user(role=Role.COORDINATOR, full_name="Fouzia Zahar"))
    response = client.post(f"/projets/{project.id}/membres/inviter", data={
        "full_name": "Nadia Ferreira", "email": "nadia@exemple.fr", "role": "personne_concernee"})
    assert response.status_code == 302
    assert "Nadia Ferreira (nadia@exemple.fr) — Personne concernée" in client.get(f"/projets/{project.id}/membres")
    [message] = mailbox.to("nadia@exemple.fr")
    assert message["Subject"] == "Invitation à rejoindre le projet « Donnant-donnant »"
    body = mailbox.body(message)
    assert "Fouzia Zahar vous invite" in body and "personne concernée" in body and "Centre social de Jassans" in body

    newcomer = app.test_client()
    path = urlsplit(mailbox.link_in(message)).path
    joined = newcomer.post(path, data={"full_name": "Nadia Ferreira", "password": "mon-secret-a-moi",
                                       "confirm": "mon-secret-a-moi"})
    assert joined.status_code == 302
    nadia = db.session.execute(db.select(User).filter_by(email="nadia@exemple.fr")).scalar_one()
    assert (nadia.organisation_id, nadia.role) == (setting["carrier"].id, Role.MEMBER)
    member = db.session.execute(db.select(ProjectMember).filter_by(user_id=nadia.id)).scalar_one()
    assert member.role == MemberRole.PERSONNE_CONCERNEE
    assert "Nadia Ferreira" in newcomer.get("/tableau-de-bord")  # and her project is on her dashboard
    assert "Donnant-donnant" in newcomer.get("/tableau-de-bord")
    assert revisions_of(project)[-1].subject == "Nadia Ferreira (CS Jassans)"


def test_inviting_someone_who_has_an_account_says_what_to_do(client, login, make, mailbox, setting):
    login(make.user(role=Role.COORDINATOR))
    response = client.post(f"/projets/{setting['project'].id}/membres/inviter", data={
        "full_name": "Karim", "email": setting["karim"].email.upper(), "role": "benevole"})
    assert "Cette personne a déjà un compte : ajoutez-la depuis la liste des membres" in response
    assert mailbox.messages == [] and db.session.execute(db.select(Invitation)).first() is None


def test_an_ordinary_invitation_still_adds_no_membership(app, client, login, make, mailbox, setting):
    login(make.user(role=Role.ADMIN))
    client.post("/admin/invitations/nouvelle", data={
        "email": "autre@exemple.fr", "full_name": "Autre", "organisation_id": setting["carrier"].id, "role": "member"})
    path = urlsplit(mailbox.link_in(mailbox.to("autre@exemple.fr")[0])).path
    app.test_client().post(path, data={"full_name": "Autre", "password": "mon-secret-a-moi",
                                       "confirm": "mon-secret-a-moi"})
    assert db.session.execute(db.select(User).filter_by(email="autre@exemple.fr")).scalar_one()
    assert db.session.execute(db.select(ProjectMember)).first() is None
