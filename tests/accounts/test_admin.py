"""Administration pages: organisations (create, edit), users (list, role, deactivation)."""

import pytest

from portal.accounts.models import Organisation, Role
from portal.core.db import db
from tests.support.factories import PASSWORD

VALID_SIRET = "44306184100013"


def organisation_form(**overrides):
    return {"name": "Centre social de Trévoux", "short_name": "CS Trévoux", "kind": "centre_social",
            "commune": "Trévoux", "territory": "periurbain", "siret": "443 061 841 00013", **overrides}


def test_admin_creates_and_edits_an_organisation(client, make, login):
    login(make.user(role=Role.ADMIN))
    response = client.post("/admin/organisations/nouvelle", data=organisation_form())
    assert response.status_code == 302
    organisation = db.session.execute(db.select(Organisation).filter_by(name="Centre social de Trévoux")).scalar_one()
    assert (organisation.siret, organisation.territory) == (VALID_SIRET, "periurbain")
    assert "Centre social de Trévoux" in client.get("/admin/organisations")

    client.post(f"/admin/organisations/{organisation.id}", data=organisation_form(commune="Reyrieux"))
    db.session.refresh(organisation)
    assert organisation.commune == "Reyrieux"


@pytest.mark.parametrize("siret,message", [
    ("44306184100014", "Ce SIRET n'est pas valide"),
    ("1234", "Ce SIRET n'est pas valide"),
    ("4430618410001A", "Ce SIRET n'est pas valide"),
])
def test_malformed_siret_is_refused_next_to_the_field(client, make, login, siret, message):
    login(make.user(role=Role.ADMIN))
    page = client.post("/admin/organisations/nouvelle", data=organisation_form(siret=siret))
    assert message in page
    assert 'id="siret-erreur"' in page.get_data(as_text=True)
    assert db.session.execute(db.select(Organisation).filter_by(name="Centre social de Trévoux")).first() is None


def test_duplicate_name_and_siret_are_refused(client, make, login):
    login(make.user(role=Role.ADMIN))
    make.organisation("Centre social de Trévoux")
    assert "Une organisation porte déjà ce nom." in client.post("/admin/organisations/nouvelle",
                                                                  data=organisation_form(siret=""))
    make.organisation("Autre", siret=VALID_SIRET)
    page = client.post("/admin/organisations/nouvelle", data=organisation_form(name="Troisième"))
    assert "Ce SIRET est déjà celui d'une autre organisation." in page


def test_far_too_long_name_is_refused(client, make, login):
    login(make.user(role=Role.ADMIN))
    page = client.post("/admin/organisations/nouvelle", data=organisation_form(name="N" * 5000))
    assert "200 caractères au plus." in page


def test_unknown_kind_is_refused(client, make, login):
    login(make.user(role=Role.ADMIN))
    assert "N'est pas un choix valide." in client.post("/admin/organisations/nouvelle",
                                                       data=organisation_form(kind="secte"))


def test_coordinator_lists_but_does_not_edit_organisations(client, make, login):
    login(make.user(role=Role.COORDINATOR))
    assert client.get("/admin/organisations").status_code == 200
    assert client.get("/admin/organisations/nouvelle").status_code == 403
    assert client.post("/admin/organisations/nouvelle", data=organisation_form()).status_code == 403


def test_admin_changes_a_role(client, make, login):
    login(make.user(role=Role.ADMIN))
    member = make.user()
    client.post(f"/admin/utilisateurs/{member.id}/role", data={"role": "coordinator"})
    db.session.refresh(member)
    assert member.role == Role.COORDINATOR


def test_admin_cannot_change_own_role(client, make, login):
    admin = make.user(role=Role.ADMIN)
    login(admin)
    page = client.post(f"/admin/utilisateurs/{admin.id}/role", data={"role": "member"}, follow_redirects=True)
    assert "Vous ne pouvez pas changer votre propre rôle." in page
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_deactivation_ends_the_sessions_of_that_user(app, client, make, login):
    login(make.user(role=Role.ADMIN))
    member = make.user()
    their_browser = app.test_client()
    their_browser.post("/connexion", data={"email": member.email, "password": PASSWORD})
    assert their_browser.get("/compte").status_code == 200

    client.post(f"/admin/utilisateurs/{member.id}/activation", data={})

    assert their_browser.get("/compte").status_code == 302
    assert "Ce compte a été désactivé" in their_browser.post(
        "/connexion", data={"email": member.email, "password": PASSWORD})
    client.post(f"/admin/utilisateurs/{member.id}/activation", data={"active": "y"})
    assert their_browser.post("/connexion", data={"email": member.email, "password": PASSWORD}).status_code == 302


def test_role_change_without_csrf_is_refused(client, make, login):
    login(make.user(role=Role.ADMIN))
    member = make.user()
    assert client.post(f"/admin/utilisateurs/{member.id}/role", data={"role": "admin"}, csrf=False).status_code == 400
    db.session.refresh(member)
    assert member.role == Role.MEMBER


def test_users_page_lists_everyone_with_their_organisation(client, make, login):
    login(make.user(role=Role.ADMIN))
    make.user(full_name="Karim Benali", organisation=make.organisation("CS Jassans"))
    page = client.get("/admin/utilisateurs")
    assert "Karim Benali" in page and "CS Jassans" in page


def test_unknown_user_is_404(client, make, login):
    login(make.user(role=Role.ADMIN))
    assert client.post("/admin/utilisateurs/999999/role", data={"role": "member"}).status_code == 404
