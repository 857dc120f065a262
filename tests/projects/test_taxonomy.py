"""The lists of themes and publics, kept by coordinators."""

import pytest

from portal.accounts.models import Role
from portal.core.db import db
from portal.projects.models import Public, Theme


@pytest.fixture
def coordinator(make, login):
    user = make.user(role=Role.COORDINATOR)
    login(user)
    return user


def test_a_coordinator_adds_renames_and_removes_entries(client, coordinator, make):
    assert client.post("/projets/listes/themes", data={"themes-name": "Parentalité"}).status_code == 302
    theme = db.session.execute(db.select(Theme)).scalar_one()
    assert "Parentalité" in client.get("/projets/listes")
    client.post(f"/projets/listes/themes/{theme.id}", data={f"themes-{theme.id}-name": "Soutien à la parentalité"})
    db.session.expire_all()
    assert theme.name == "Soutien à la parentalité"
    client.post(f"/projets/listes/themes/{theme.id}/supprimer", data={})
    assert db.session.execute(db.select(Theme)).first() is None


def test_renaming_keeps_the_old_name_in_projects_histories(client, coordinator, make):
    theme = make.theme("Isolement")
    project = make.project(theme_ids=[theme.id])
    client.post(f"/projets/listes/themes/{theme.id}", data={f"themes-{theme.id}-name": "Isolement social"})
    assert "Isolement social" in client.get(f"/projets/{project.id}")
    history = client.get(f"/projets/{project.id}/historique").get_data(as_text=True)
    assert "Isolement" in history and "Isolement social" not in history


@pytest.mark.parametrize(("name", "message"), [
    ("", "Indiquez un nom."),
    ("x" * 81, "80 caractères au plus."),
    ("  personnes AGEES ", "« Personnes âgées » figure déjà dans la liste."),
])
def test_bad_names_are_refused_next_to_the_field(client, coordinator, make, name, message):
    make.public("Personnes âgées")
    response = client.post("/projets/listes/publics", data={"publics-name": name})
    assert response.status_code == 422 and message in response
    assert db.session.scalar(db.select(db.func.count()).select_from(Public)) == 1


def test_an_entry_used_by_a_project_cannot_be_removed(client, coordinator, make):
    public = make.public("Familles")
    make.project(public_ids=[public.id])
    response = client.post(f"/projets/listes/publics/{public.id}/supprimer", data={}, follow_redirects=True)
    assert "Ce public est utilisé par 1 projet" in response
    assert db.session.get(Public, public.id) is not None


def test_members_cannot_touch_the_lists(client, login, make):
    login(make.user())
    assert client.get("/projets/listes").status_code == 403
    assert client.post("/projets/listes/themes", data={"themes-name": "X"}).status_code == 403
    assert client.get("/projets/listes/inconnu").status_code in (403, 404, 405)
