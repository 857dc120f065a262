"""The permission table of DESIGN.md, as a matrix: who may see and change a project. A project the person
may not see answers 404 (it does not leak); an action they may not take on a visible one answers 403."""

import pytest

from portal.accounts.models import Role
from portal.core.db import db
from portal.core.partial_dates import parse_partial_date
from portal.projects.models import PartnerRole, Project, Visibility, visible_projects
from portal.projects.services import milestones

OK = "ok"  # 200, 302 or 422 (a form re-shown with its errors): the person got past the permission check

ROUTES = [
    ("GET", "/projets/{p}"),
    ("GET", "/projets/{p}/historique"),
    ("GET", "/projets/{p}/membres"),
    ("POST", "/projets/{p}/commentaires"),
    ("GET", "/projets/{p}/modifier"),
    ("POST", "/projets/{p}/modifier"),
    ("GET", "/projets/{p}/jalons/nouveau"),
    ("POST", "/projets/{p}/jalons/nouveau"),
    ("GET", "/projets/{p}/jalons/{m}/modifier"),
    ("POST", "/projets/{p}/jalons/{m}/supprimer"),
    ("POST", "/projets/{p}/membres"),
    ("GET", "/projets/{p}/membres/inviter"),
]
VIEW, CHANGE, INVITE = ROUTES[:4], ROUTES[4:11], ROUTES[11:]

# who → (expected on view routes, on change routes, on the invitation page), for each visibility
MATRIX = {
    Visibility.PARTNERS: {
        "outsider": (404, 404, 404),
        "financeur": (OK, 403, 403),
        "co_porteur": (OK, OK, 403),
        "carrier": (OK, OK, 403),
        "coordinator": (OK, OK, OK),
        "admin": (OK, OK, OK),
    },
    Visibility.NETWORK: {
        "outsider": (OK, 403, 403),
        "financeur": (OK, 403, 403),
        "co_porteur": (OK, OK, 403),
        "carrier": (OK, OK, 403),
        "coordinator": (OK, OK, OK),
        "admin": (OK, OK, OK),
    },
}


@pytest.fixture
def people(make):
    carrier, co_carrier, funder = (make.organisation("CS Belley"), make.organisation("Voisins du Bugey"),
                                   make.organisation("CAF"))
    return {
        "carrier": make.user(organisation=carrier),
        "co_porteur": make.user(organisation=co_carrier),
        "financeur": make.user(organisation=funder),
        "outsider": make.user(organisation=make.organisation("CS Jassans")),
        "coordinator": make.user(role=Role.COORDINATOR),
        "admin": make.user(role=Role.ADMIN),
        "_orgs": (carrier, co_carrier, funder),
    }


def make_visible_project(make, people, visibility):
    carrier, co_carrier, funder = people["_orgs"]
    project = make.project(carrier, people["carrier"], visibility=visibility,
                           partners=[(co_carrier, PartnerRole.CO_PORTEUR), (funder, PartnerRole.FINANCEUR)])
    milestone = milestones.add_milestone(people["carrier"], project, milestones.MilestoneData(
        "lancement", "Lancement", parse_partial_date("2009")))
    return project, milestone


def call(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


def outcome(status):
    return OK if status in (200, 302, 422) else status


@pytest.mark.parametrize("visibility", list(Visibility))
@pytest.mark.parametrize("who", ["outsider", "financeur", "co_porteur", "carrier", "coordinator", "admin"])
def test_access_matrix(client, login, make, people, visibility, who):
    """Every route of a project, for one person: one login, then each answer against the table."""
    project, milestone = make_visible_project(make, people, visibility)
    login(people[who])
    expected_by_group = MATRIX[visibility][who]
    mismatches = {}
    for expected, group in zip(expected_by_group, (VIEW, CHANGE, INVITE), strict=True):
        for method, url in group:
            got = outcome(call(client, method, url.format(p=project.id, m=milestone.id)).status_code)
            if got != expected:
                mismatches[f"{method} {url}"] = (got, expected)
    assert mismatches == {}, "(got, expected) per route"


@pytest.mark.parametrize(("method", "url"), ROUTES + [("GET", "/projets"), ("GET", "/projets/panorama"),
                                                      ("GET", "/projets/nouveau"), ("GET", "/projets/listes")])
def test_anonymous_people_are_sent_to_the_login_page(client, make, people, method, url):
    project, milestone = make_visible_project(make, people, Visibility.NETWORK)
    response = call(client, method, url.format(p=project.id, m=milestone.id))
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_a_restricted_project_does_not_leak_anywhere(client, login, make, people):
    project, _ = make_visible_project(make, people, Visibility.PARTNERS)
    project_title = project.title
    login(people["outsider"])
    for url in ("/projets", "/projets/panorama", "/tableau-de-bord"):
        page = client.get(url)
        assert page.status_code == 200
        assert project_title not in page, url
    assert "Aucun projet" in client.get("/projets")
    assert "Aucun projet" in client.get(f"/projets?mots={project_title}")  # found by words: still hidden
    assert "Aucun projet" in client.get(f"/projets?organisation={people['_orgs'][0].id}")
    assert client.get(f"/projets/{project.id + 1000}").status_code == 404  # the same answer as a missing id


def test_visible_projects_query_follows_the_same_rule_as_can_view(make, people):
    for visibility in Visibility:
        make_visible_project(make, people, visibility)
    every = db.session.execute(db.select(Project)).scalars().all()
    for who in ("carrier", "co_porteur", "financeur", "outsider", "coordinator"):
        user = people[who]
        listed = set(db.session.execute(visible_projects(user)).scalars())
        assert listed == {project for project in every if project.can_view(user)}, who


def test_a_deactivated_person_sees_nothing(make, people):
    project, _ = make_visible_project(make, people, Visibility.NETWORK)
    people["carrier"].active = False
    assert not project.can_view(people["carrier"]) and not project.can_edit(people["carrier"])
    assert db.session.execute(visible_projects(people["carrier"])).first() is None


def test_the_page_shows_only_the_actions_the_person_may_take(client, login, make, people):
    project, _ = make_visible_project(make, people, Visibility.NETWORK)
    login(people["financeur"])
    page = client.get(f"/projets/{project.id}")
    assert "Modifier la fiche" not in page and "Ajouter un jalon" not in page
    assert "Publier le commentaire" in page
    client.post("/deconnexion")
    login(people["co_porteur"])
    page = client.get(f"/projets/{project.id}")
    assert "Modifier la fiche" in page and "Ajouter un jalon" in page
