"""Milestones: dated entries of the project's story (a year may be all that is known), on the timeline
with the page's revisions, each change of them kept in the history."""

import pytest

from portal.core.db import db
from portal.projects.models import Milestone
from tests.projects.helpers import revisions_of


@pytest.fixture
def project_and_author(make, login):
    carrier = make.organisation("Centre social de Jassans")
    author = make.user(organisation=carrier, full_name="Karim Benali")
    project = make.project(carrier, author, title="Donnant-donnant")
    login(author)
    return project, author


def add(client, project, **fields):
    data = {"when": "2009", "kind": "reorientation", "title": "« Donner envie de partager »", "text": "", **fields}
    return client.post(f"/projets/{project.id}/jalons/nouveau", data=data)


def test_a_milestone_dated_2009_joins_the_timeline(client, project_and_author):
    project, author = project_and_author
    response = add(client, project, text="Un **comité technique** se réunit chaque trimestre.")
    assert response.status_code == 302
    milestone = db.session.execute(db.select(Milestone)).scalar_one()
    assert (milestone.happened_on.isoformat(), milestone.precision) == ("2009-01-01", "year")
    assert response.headers["Location"].endswith(f"#jalon-{milestone.id:012d}")
    page = client.get(f"/projets/{project.id}")
    html = page.get_data(as_text=True)
    assert f'id="jalon-{milestone.id:012d}"' in html
    assert "2009" in page and "Réorientation" in page and "<strong>comité technique</strong>" in html
    last = revisions_of(project)[-1]
    assert (last.scope, last.subject) == ("milestones", "2009 — Réorientation : « Donner envie de partager »")


@pytest.mark.parametrize(("when", "message"), [
    ("31/02/2024", "Le 31 février 2024 n'existe pas : vérifiez le jour et le mois."),
    ("", "Indiquez la date, même approximative."),
    ("l'an dernier", "Date illisible : écrivez par exemple 2009, 03/2009, mars 2009 ou 15/03/2009."),
])
def test_impossible_dates_are_refused_next_to_the_field(client, project_and_author, when, message):
    project, _ = project_and_author
    response = add(client, project, when=when)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<p class="field__error" id="when-erreur"><span>{message.replace(chr(39), "&#39;")}' in html
    assert db.session.execute(db.select(Milestone)).first() is None
    assert len(revisions_of(project)) == 1


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": ""}, "Donnez un titre au jalon."),
    ({"title": "T" * 201}, "200 caractères au plus."),
    ({"kind": "naissance"}, "Type de jalon inconnu."),
])
def test_other_bad_input(client, project_and_author, fields, message):
    project, _ = project_and_author
    assert message in add(client, project, **fields)
    assert db.session.execute(db.select(Milestone)).first() is None


def test_the_timeline_merges_milestones_and_revisions_newest_first(client, project_and_author):
    project, _ = project_and_author
    for when, title in (("2006", "Premier atelier"), ("mars 2009", "Comité technique"), ("15/06/2012", "Bilan")):
        add(client, project, when=when, title=title)
    html = client.get(f"/projets/{project.id}").get_data(as_text=True)
    timeline = html.split('id="chronologie"', 1)[1].split("</section>", 1)[0]
    order = [timeline.index(text) for text in ("Création de la fiche", "Bilan", "Comité technique",
                                                "Premier atelier")]
    assert order == sorted(order)
    assert "15 juin 2012" in timeline and "mars 2009" in timeline and "2006" in timeline


def test_correcting_and_removing_keep_the_old_text_in_the_history(client, project_and_author):
    project, _ = project_and_author
    add(client, project, title="Réorientaton", text="Comité de professionnels.")
    milestone = db.session.execute(db.select(Milestone)).scalar_one()
    response = client.post(f"/projets/{project.id}/jalons/{milestone.id}/modifier", data={
        "when": "03/2009", "kind": "reorientation", "title": "Réorientation", "text": "Comité de professionnels."})
    assert response.status_code == 302
    client.post(f"/projets/{project.id}/jalons/{milestone.id}/supprimer", data={})
    assert db.session.execute(db.select(Milestone)).first() is None
    scopes = [(r.scope, sorted(r.changed_fields)) for r in revisions_of(project)][1:]
    assert scopes == [
        ("milestones", ["milestone_date", "milestone_kind", "milestone_text", "milestone_title"]),
        ("milestones", ["milestone_date", "milestone_title"]),
        ("milestones", ["milestone_date", "milestone_kind", "milestone_text", "milestone_title"]),
    ]
    history = client.get(f"/projets/{project.id}/historique")
    assert "Jalon corrigé" in history and "Jalon retiré" in history and "Réorientaton" in history
    assert "mars 2009" in history


def test_a_milestone_of_another_project_answers_404(client, make, project_and_author):
    project, author = project_and_author
    other = make.project(author.organisation, author)
    add(client, other)
    milestone = db.session.execute(db.select(Milestone)).scalar_one()
    assert client.get(f"/projets/{project.id}/jalons/{milestone.id}/modifier").status_code == 404
