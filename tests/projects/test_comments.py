"""The discussion: a comment is mailed to the project's members (one message each, through a real SMTP
server), its author may correct it for a while and delete it, and a deletion leaves a trace."""

from datetime import timedelta

import pytest

from portal.accounts.models import Role
from portal.core.db import db, utcnow
from portal.projects.models import Comment, MemberRole, ProjectMember, Visibility
from portal.projects.services import members
from tests.support.html_safety import executable_parts
from tests.support.smtp import free_port


@pytest.fixture
def team(make):
    carrier = make.organisation("Centre social de Belley", short_name="CS Belley")
    funder = make.organisation("CAF de l'Ain")
    people = {
        "sophie": make.user(organisation=carrier, full_name="Sophie Garnier", email="sophie@exemple.fr"),
        "lucie": make.user(organisation=carrier, full_name="Lucie Morel", email="lucie@exemple.fr"),
        "claudy": make.user(organisation=funder, full_name="Claudy Debaix", email="claudy@exemple.fr"),
        "outsider": make.user(full_name="Personne Extérieure", email="dehors@exemple.fr"),
    }
    project = make.project(carrier, people["sophie"], title="Entracte", partners=[(funder, "financeur")])
    for name, role in (("sophie", MemberRole.ANIMATION), ("lucie", MemberRole.BENEVOLE),
                       ("claudy", MemberRole.COMITE_TECHNIQUE)):
        members.add_member(people["sophie"], project, people[name], role)
    return project, people


def post(client, project, body="Combien de personnes âgées viennent aujourd'hui ?"):
    return client.post(f"/projets/{project.id}/commentaires", data={"body": body})


def test_a_comment_is_mailed_to_each_member_but_its_author(client, login, mailbox, team):
    project, people = team
    login(people["claudy"])
    response = post(client, project)
    comment = db.session.execute(db.select(Comment)).scalar_one()
    assert response.headers["Location"].endswith(f"/projets/{project.id}#commentaire-{comment.id}")
    assert sorted(m["To"] for m in mailbox.messages) == ["lucie@exemple.fr", "sophie@exemple.fr"]
    message = mailbox.to("sophie@exemple.fr")[0]
    assert message["Subject"] == "Nouveau commentaire sur « Entracte »"
    body = mailbox.body(message)
    assert "Claudy Debaix" in body and "Combien de personnes âgées viennent aujourd'hui ?" in body
    assert f"http://passerelle.test/projets/{project.id}#commentaire-{comment.id}" in body
    assert "http://passerelle.test/compte" in body  # how to stop these mails
    page = client.get(f"/projets/{project.id}")
    assert "Combien de personnes âgées viennent aujourd'hui ?" in page


def test_members_who_turned_mails_off_on_their_account_page_get_none(app, client, login, mailbox, team):
    project, people = team
    lucie = app.test_client()
    lucie.post("/connexion", data={"email": "lucie@exemple.fr", "password": "mot-de-passe-de-test"})
    assert "M'envoyer un e-mail pour chaque nouveau commentaire" in lucie.get("/compte")
    response = lucie.post("/compte/notifications", data={}, follow_redirects=True)  # box unticked
    assert "Vous ne recevrez plus les nouveaux commentaires par e-mail." in response
    login(people["claudy"])
    post(client, project)
    assert [m["To"] for m in mailbox.messages] == ["sophie@exemple.fr"]

    lucie.post("/compte/notifications", data={"notify_comments": "y"})
    mailbox.clear()
    post(client, project, "Et les nouvelles arrivantes ?")
    assert sorted(m["To"] for m in mailbox.messages) == ["lucie@exemple.fr", "sophie@exemple.fr"]


def test_deactivated_members_and_members_who_can_no_longer_see_get_no_mail(client, login, mailbox, make, team):
    project, people = team
    people["lucie"].active = False
    project.visibility = Visibility.PARTNERS
    # The service refuses outsiders; this is the member of a partner that has since left the project.
    db.session.add(ProjectMember(project=project, user=people["outsider"], role=MemberRole.BENEVOLE))
    db.session.flush()
    login(people["claudy"])
    post(client, project)
    assert [m["To"] for m in mailbox.messages] == ["sophie@exemple.fr"]


def test_an_empty_comment_is_refused_next_to_the_field(client, login, mailbox, team):
    project, people = team
    login(people["claudy"])
    response = post(client, project, "   ")
    assert response.status_code == 422
    assert '<p class="field__error" id="body-erreur"><span>Écrivez votre message.</span>' in \
        response.get_data(as_text=True)
    assert db.session.execute(db.select(Comment)).first() is None and mailbox.messages == []


def test_nothing_executable_reaches_the_page_or_the_dashboard(client, login, team):
    project, people = team
    login(people["claudy"])
    post(client, project, "**Merci** <script>alert(1)</script> [x](javascript:alert(1)) "
                          "<img src=x onerror=alert(1)> <iframe src=//evil.example>")
    html = client.get(f"/projets/{project.id}").get_data(as_text=True)
    body = html.split('<div class="comment__body prose-inline">', 1)[1].split("</div>", 1)[0]
    assert "<strong>Merci</strong>" in body
    assert executable_parts(body) == []
    dashboard = client.get("/tableau-de-bord").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dashboard  # the excerpt shows the text, escaped
    assert executable_parts(dashboard.split("<main", 1)[1].split("</main>", 1)[0]) == []


def test_the_author_corrects_within_the_window_then_no_longer(app, client, login, team):
    project, people = team
    login(people["claudy"])
    post(client, project, "Premiere version")
    comment = db.session.execute(db.select(Comment)).scalar_one()
    url = f"/projets/{project.id}/commentaires/{comment.id}/modifier"
    assert "pendant 30 minutes" in client.get(url)
    assert client.post(url, data={"body": "Première version"}).status_code == 302
    page = client.get(f"/projets/{project.id}")
    assert "Première version" in page and "modifié le" in page

    comment.created_at = utcnow() - timedelta(minutes=31)
    db.session.flush()
    assert client.get(url).status_code == 403
    assert client.post(url, data={"body": "Trop tard"}).status_code == 403
    db.session.expire_all()
    assert comment.body == "Première version"


def test_others_cannot_correct_a_comment(client, login, team):
    project, people = team
    login(people["claudy"])
    post(client, project)
    comment = db.session.execute(db.select(Comment)).scalar_one()
    client.post("/deconnexion")
    login(people["sophie"])
    assert client.get(f"/projets/{project.id}/commentaires/{comment.id}/modifier").status_code == 403


def test_deleting_erases_the_text_and_leaves_a_trace(client, login, team):
    project, people = team
    login(people["claudy"])
    post(client, project, "Un message regretté")
    comment = db.session.execute(db.select(Comment)).scalar_one()
    response = client.post(f"/projets/{project.id}/commentaires/{comment.id}/supprimer", data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert comment.body == "" and comment.deleted_by_id == people["claudy"].id
    page = client.get(f"/projets/{project.id}")
    assert "Commentaire supprimé par Claudy Debaix le" in page
    assert "Un message regretté" not in page


def test_a_coordinator_may_delete_anyone_s_comment_a_member_may_not(app, client, login, make, team):
    project, people = team
    login(people["claudy"])
    post(client, project)
    comment = db.session.execute(db.select(Comment)).scalar_one()
    url = f"/projets/{project.id}/commentaires/{comment.id}/supprimer"
    client.post("/deconnexion")
    login(people["sophie"])
    assert client.post(url, data={}).status_code == 403
    client.post("/deconnexion")
    login(make.user(role=Role.COORDINATOR, full_name="Fouzia Zahar"))
    client.post(url, data={})
    assert "Commentaire supprimé par Fouzia Zahar le" in client.get(f"/projets/{project.id}")


def test_an_unreachable_mail_server_does_not_lose_the_comment(app, client, login, team, monkeypatch):
    project, people = team
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    login(people["claudy"])
    response = post(client, project)
    assert response.status_code == 302
    assert db.session.execute(db.select(Comment)).scalar_one()
    assert "les membres du projet n'ont pas pu être prévenus" in client.get(response.headers["Location"])

