"""Two people editing one page at once: the second is told who changed what, keeps what they typed,
nothing is saved behind anyone's back, and nothing is lost."""

import threading

import pytest
from flask_migrate import upgrade

from portal import create_app
from portal.core.db import db, write_intent
from portal.core.partial_dates import parse_partial_date
from portal.projects.models import Project, Revision
from portal.projects.services import milestones
from tests.projects.helpers import edit_form_of, project_form, revisions_of
from tests.support.database import drop_database, fresh_database_url
from tests.support.factories import make_organisation, make_project, make_user


@pytest.fixture
def two_editors(app, make, login):
    carrier = make.organisation("Centre social de Jassans")
    first = make.user(organisation=carrier, full_name="Karim Benali")
    second = make.user(organisation=carrier, full_name="Claire Dumas")
    project = make.project(carrier, first, title="Donnant-donnant", summary="Échange de savoirs.",
                           description="Un atelier pour partager ses savoirs.")
    karim, claire = app.test_client(), app.test_client()
    for client, user in ((karim, first), (claire, second)):
        client.post("/connexion", data={"email": user.email, "password": "mot-de-passe-de-test"})
    return project, carrier, karim, claire


def form(carrier, version, **fields):
    defaults = {"title": "Donnant-donnant", "summary": "Échange de savoirs.", "territory_kind": "",
                "description": "Un atelier pour partager ses savoirs."}
    return {**project_form(carrier=carrier, **{**defaults, **fields}), "version": version}


def test_the_second_save_is_refused_and_keeps_what_was_typed(two_editors):
    project, carrier, karim, claire = two_editors
    karim_version = edit_form_of(karim, project.id)["version"]
    claire_version = edit_form_of(claire, project.id)["version"]

    saved = karim.post(f"/projets/{project.id}/modifier", data=form(
        carrier, karim_version, description="Réorientation en 2009 : donner envie de partager."))
    assert saved.status_code == 302

    stale = claire.post(f"/projets/{project.id}/modifier", data=form(
        carrier, claire_version, description="Un atelier d'échanges pratiques.", title="Donnant donnant"))
    assert stale.status_code == 200
    assert "Karim Benali a modifié cette fiche le" in stale
    assert "Rien n'a été enregistré" in stale
    assert "Modifié entre-temps par Karim Benali ; valeur actuelle : « Réorientation en 2009 : donner envie " \
           "de partager. »" in stale
    html = stale.get_data(as_text=True)
    assert "Un atelier d&#39;échanges pratiques.</textarea>" in html  # what Claire typed is still there
    assert 'value="Donnant donnant"' in html
    assert f'href="/projets/{project.id}/historique"' in html

    db.session.expire_all()
    assert project.description == "Réorientation en 2009 : donner envie de partager."
    assert project.title == "Donnant-donnant"
    assert [r.number for r in revisions_of(project)] == [1, 2]


def test_fields_only_the_other_person_changed_take_the_new_value(two_editors):
    project, carrier, karim, claire = two_editors
    base = edit_form_of(karim, project.id)["version"]
    karim.post(f"/projets/{project.id}/modifier", data=form(carrier, base, communes="Jassans-Riottier",
                                                            summary="Un réseau de donneurs."))
    stale = claire.post(f"/projets/{project.id}/modifier", data=form(carrier, base, status="en_pause"))
    html = stale.get_data(as_text=True)
    assert 'value="Jassans-Riottier"' in html and "Un réseau de donneurs.</textarea>" in html
    assert "Modifié entre-temps" not in html  # no conflict: Claire did not touch those fields
    assert '<option selected value="en_pause">' in html  # and her own change is kept

    # Saving again now applies Claire's change over Karim's, and loses neither.
    version = html.split('name="version" type="hidden" value="', 1)[1].split('"', 1)[0]
    again = claire.post(f"/projets/{project.id}/modifier", data=form(
        carrier, version, status="en_pause", communes="Jassans-Riottier", summary="Un réseau de donneurs."))
    assert again.status_code == 302
    db.session.expire_all()
    assert (project.status, project.summary, project.commune_names) == ("en_pause", "Un réseau de donneurs.",
                                                                        ["Jassans-Riottier"])
    assert [sorted(r.changed_fields) for r in revisions_of(project)][1:] == [["communes", "summary"], ["status"]]


def test_a_partner_change_alone_bumps_the_version(two_editors, make):
    project, carrier, karim, claire = two_editors
    caf = make.organisation("CAF de l'Ain")
    base = edit_form_of(karim, project.id)["version"]
    karim.post(f"/projets/{project.id}/modifier", data=form(carrier, base, partners=[(caf, "financeur")]))
    stale = claire.post(f"/projets/{project.id}/modifier", data=form(carrier, base, title="Autre titre"))
    assert "a modifié cette fiche" in stale
    db.session.expire_all()
    assert project.title == "Donnant-donnant"


@pytest.mark.slow
def test_concurrent_writers_never_collide_on_revision_numbers(tmp_path):
    """Real commits from several threads (PostgreSQL: row lock; SQLite: the write lock): every milestone
    gets its revision, numbers stay unique and consecutive."""
    url = fresh_database_url(tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k", "SERVER_NAME": "passerelle.test"})
    try:
        with app.app_context():
            upgrade()
            with write_intent():
                carrier = make_organisation("Centre social")
                author = make_user(organisation=carrier)
                project_id, author_id = make_project(carrier, author).id, author.id
                db.session.commit()
        errors = []

        def add(index):
            try:
                with app.app_context(), write_intent():
                    project = db.session.get(Project, project_id)
                    milestones.add_milestone(db.session.get(type(author), author_id), project,
                                             milestones.MilestoneData("autre", f"Jalon {index}",
                                                                      parse_partial_date("2009")))
                    db.session.commit()
            except Exception as error:  # reported below, with the others
                errors.append(error)

        threads = [threading.Thread(target=add, args=(index,)) for index in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with app.app_context():
            numbers = db.session.execute(db.select(Revision.number).where(Revision.project_id == project_id)
                                         .order_by(Revision.number)).scalars().all()
        assert numbers == list(range(1, 10))
    finally:
        with app.app_context():
            db.engine.dispose()
        drop_database(url)
