"""The project page, its history and the directory run the same number of SQL statements whether a project
has 5 or 500 revisions, milestones, comments, members and partners, and the network 5 or 500 projects."""

from datetime import date, timedelta

import pytest

from portal.accounts.models import Organisation, User
from portal.core.db import db, utcnow
from portal.projects.models import (
    Comment,
    Milestone,
    PartnerRole,
    ProjectCommune,
    ProjectMember,
    ProjectPartner,
    Revision,
)
from tests.support.factories import password_hash
from tests.support.queries import count_queries

MAX_STATEMENTS = 25  # whatever the sizes; a regression to N+1 would blow far past it


def grow(project, author, size: int) -> None:
    """Give a project ``size`` of everything, written in bulk (the services' cost is not what is measured)."""
    now = utcnow()
    organisations = [Organisation(name=f"Partenaire {project.id}-{i}", kind="association") for i in range(size)]
    people = [User(email=f"p{project.id}-{i}@exemple.fr", full_name=f"Personne {i}", organisation=organisations[i],
                   role="member", password_hash=password_hash()) for i in range(size)]
    db.session.add_all(organisations + people)
    db.session.flush()
    db.session.add_all(
        [ProjectPartner(project=project, organisation=org, role=PartnerRole.FINANCEUR) for org in organisations]
        + [ProjectMember(project=project, user=person, role="benevole") for person in people]
        + [ProjectCommune(project_id=project.id, name=f"Commune {i}") for i in range(size)]
        + [Revision(project=project, number=2 + i, scope="page", author=people[i], before={"title": "a"},
                    after={"title": "b", "partners": ["x"]}, created_at=now - timedelta(minutes=i),
                    project_version=2 + i, reason="Pourquoi pas") for i in range(size)]
        + [Milestone(project=project, kind="autre", title=f"Jalon {i}", text="Texte *riche*",
                     happened_on=date(2000 + i % 25, 1 + i % 12, 1), precision="month", author=author)
           for i in range(size)]
        + [Comment(project=project, author=people[i], body=f"Message {i}", created_at=now - timedelta(minutes=i))
           for i in range(size)])
    db.session.flush()


def measure(client, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


@pytest.fixture
def measured(client, login, make):
    """For a size, the statement counts of the three pages (a coordinator's view and a member's view)."""

    def run(size: int) -> dict[str, int]:
        carrier = make.organisation(f"Porteur {size}")
        author = make.user(organisation=carrier)
        theme = make.theme(f"Thème {size}")
        projects = [make.project(carrier, author, title=f"Projet {size}-{i}", theme_ids=[theme.id],
                                 communes=["Belley"]) for i in range(size)]
        grow(projects[0], author, size)
        login(author)
        project = projects[0]
        counts = {
            "page": measure(client, f"/projets/{project.id}"),
            "history": measure(client, f"/projets/{project.id}/historique"),
            "directory": measure(client, f"/projets?theme={theme.id}"),
            "search": measure(client, f"/projets?mots=Projet&organisation={carrier.id}"),
            "members": measure(client, f"/projets/{project.id}/membres"),
            "dashboard": measure(client, "/tableau-de-bord"),
        }
        client.post("/deconnexion")
        return counts

    return run


@pytest.mark.slow
def test_statement_counts_do_not_grow_with_the_data(measured):
    small, large = measured(5), measured(500)
    print("statements per page, 5 vs 500 of each:", small, large)
    assert small == large
    assert max(large.values()) <= MAX_STATEMENTS, large


def test_a_project_page_read_from_outside_its_organisations_stays_within_fifteen_statements(client, login, make):
    """The timeline and the page's « Financements » link both ask whether the person may see the funding:
    the project's funders are read once per request (``funding_side``), not once per question."""
    carrier = make.organisation("Porteur")
    project = make.project(carrier, make.user(organisation=carrier), title="Entracte")
    login(make.user(organisation=make.organisation("Voisin")))
    with count_queries() as counter:
        response = client.get(f"/projets/{project.id}")
    assert response.status_code == 200
    funders_read = [s for s in counter.statements if "DISTINCT ledger_entries.funder_id" in s]
    assert len(funders_read) == 1, funders_read
    assert counter.count <= 15, counter.statements
