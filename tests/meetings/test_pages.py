"""The meetings pages through the test client: the calendar, the rencontre and atelier forms, the editor with
its preview, publishing, the report page, the versions, and who may do what."""

import pytest

from portal.core.db import db
from portal.meetings.models import Atelier, CompteRendu, Rencontre, ReportStatus
from portal.meetings.services import reports
from portal.projects.models import Visibility
from tests.meetings.helpers import make_atelier, make_rencontre, make_report
from tests.support.factories import make_organisation, make_project, make_user


@pytest.fixture
def world(app):
    class World:
        coordinator = make_user("coordinator", full_name="Camille Coordination")
        member = make_user(full_name="Martin Membre")
        facilitator = make_user(full_name="Fouzia Zahar")
        atelier = make_atelier(facilitator_users=[facilitator], facilitator_names=("Claudy Debaix",))
        report = make_report(atelier)

    return World


def editor_url(world) -> str:
    return f"/rencontres/comptes-rendus/{world.report.id}/brouillon"


def save(client, world, body: str, action: str = "save", **fields):
    data = {"body": body, "lock_version": str(world.report.lock_version), "action": action, **fields}
    return client.post(editor_url(world), data=data)


# --- rencontres and ateliers ------------------------------------------------------------------------

def test_a_coordinator_creates_a_rencontre_in_paris_time(client, login, app):
    coordinator = make_user("coordinator")
    organiser = make_organisation("Centre social de Belley")
    login(coordinator)
    response = client.post("/rencontres/nouvelle", data={
        "title": "Agir ensemble", "ordinal": "2", "starts_on": "2025-07-01", "starts_time": "09:30",
        "ends_time": "17:00", "place": "Belley", "organiser_id": str(organiser.id), "description": "Une journée."})
    assert response.status_code == 302, response.page_text
    rencontre = db.session.execute(db.select(Rencontre).where(Rencontre.title == "Agir ensemble")).unique().scalar_one()
    assert rencontre.starts_at.isoformat() == "2025-07-01T07:30:00+00:00"  # summer time: UTC+2
    assert rencontre.ends_at.isoformat() == "2025-07-01T15:00:00+00:00"
    page = client.get(response.headers["Location"])
    assert "2e rencontre — Agir ensemble" in page and "mardi 1 juillet 2025 à 09h30" in page


def test_a_rencontre_ending_before_it_starts_is_refused_next_to_the_field(client, login):
    login(make_user("coordinator"))
    response = client.post("/rencontres/nouvelle", data={
        "title": "Agir", "starts_on": "2025-07-01", "starts_time": "09:30", "ends_time": "08:00"})
    assert response.status_code == 200
    assert "La fin doit venir après le début." in response


def test_calendar_lists_coming_then_past(client, login, app):
    from datetime import UTC, datetime, timedelta

    make_rencontre("Rencontre passée", ordinal=1, starts_at=datetime(2020, 5, 1, 8, tzinfo=UTC))
    make_rencontre("Rencontre à venir", ordinal=3, starts_at=datetime.now(UTC) + timedelta(days=30))
    login(make_user())
    page = client.get("/rencontres/").page_text
    coming, past = page.index("À venir"), page.index("Passées")
    assert coming < page.index("Rencontre à venir") < past < page.index("Rencontre passée")


def test_a_coordinator_creates_an_atelier_with_cofacilitators_testimonies_and_participants(client, login):
    coordinator = make_user("coordinator")
    rencontre = make_rencontre()
    facilitator = make_user(full_name="Fouzia Zahar")
    belley = make_organisation(short_name="CS Belley")
    project = make_project(belley, title="Entracte")
    login(coordinator)
    form = client.get(f"/rencontres/{rencontre.id}/ateliers/nouveau")
    assert "Témoignage 1 : projet" in form
    response = client.post(f"/rencontres/{rencontre.id}/ateliers/nouveau", data={
        "number": "2", "theme": "Isolement", "facilitator_ids": [str(facilitator.id)],
        "facilitator_names": "Claudy Debaix\n", "testimonies-0-project_id": str(project.id),
        "testimonies-0-organisation_id": str(belley.id), "testimonies-1-project_id": "",
        "testimonies-1-organisation_id": "", "participant_organisation_ids": [str(belley.id)],
        "other_participants": "7"})
    assert response.status_code == 302, response.page_text
    atelier = db.session.execute(db.select(Atelier).where(Atelier.rencontre_id == rencontre.id)).scalar_one()
    assert atelier.facilitator_names == ["Fouzia Zahar", "Claudy Debaix"]
    assert [(t.structure, t.project.title) for t in atelier.testimonies] == [("CS Belley", "Entracte")]
    assert atelier.other_participants == 7 and atelier.participant_organisations == [belley]
    page = client.get(f"/rencontres/{rencontre.id}")
    assert "Atelier n°2 : Isolement" in page
    assert f'CS Belley — <a href="/projets/{project.id}">projet Entracte</a>' in page


def test_the_add_testimony_button_adds_a_line_and_saves_nothing(client, login):
    rencontre = make_rencontre()
    login(make_user("coordinator"))
    response = client.post(f"/rencontres/{rencontre.id}/ateliers/nouveau", data={
        "number": "1", "theme": "Isolement", "ajouter_temoignage": "1",
        "testimonies-0-project_id": "", "testimonies-0-organisation_id": ""})
    assert response.status_code == 200 and "Témoignage 2 : projet" in response
    assert rencontre.ateliers == []


def test_a_taken_atelier_number_is_refused(client, login, world):
    login(world.coordinator)
    response = client.post(f"/rencontres/{world.atelier.rencontre_id}/ateliers/nouveau",
                           data={"number": "2", "theme": "Autre"})
    assert "Cette rencontre a déjà un atelier n°2." in response


# --- the editor: save, preview, publish -------------------------------------------------------------------

def test_preview_shows_the_header_and_sanitised_body_without_saving(client, login, world):
    login(world.coordinator)
    body = ("## Réflexions\n\n<script>alert(1)</script>\n\n<iframe src='https://exemple.org'></iframe>\n\n"
            "<style>body{display:none}</style>\n\n[lien](javascript:alert(1))\n\n**Proposition**\n")
    response = save(client, world, body, action="preview")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Aperçu (non enregistré)" in response and "COMPTE RENDU" in html.upper()
    assert "Atelier n°2 : Isolement" in response and "Fouzia Zahar et Claudy Debaix" in response
    assert "<strong>Proposition</strong>" in html
    assert "<script>alert" not in html and "<iframe" not in html and "<style>body" not in html
    assert 'href="javascript:' not in html
    db.session.refresh(world.report)
    assert world.report.body != body


def test_a_cofacilitator_with_an_account_saves_the_draft_but_does_not_publish(client, login, world):
    login(world.facilitator)
    response = save(client, world, "Texte de Fouzia.\n", action="publish", change_note="")
    assert response.status_code == 302
    db.session.refresh(world.report)
    assert world.report.body == "Texte de Fouzia." and world.report.status == ReportStatus.DRAFT
    assert reports.versions_of(world.report) == []
    assert "Publier" not in client.get(editor_url(world)).page_text.split("Aperçu")[1]


def test_a_member_who_is_not_cofacilitator_may_not_edit(client, login, world):
    login(world.member)
    assert client.get(editor_url(world)).status_code == 403
    assert save(client, world, "Intrus.\n").status_code == 403


def test_a_stale_draft_keeps_the_typed_text_and_says_who_saved(client, login, world):
    opened_at = world.report.lock_version
    reports.save_draft(world.facilitator, world.report, "Version de Fouzia.\n", expected_version=opened_at)
    db.session.commit()
    login(world.coordinator)
    response = client.post(editor_url(world), data={"body": "Ma version.\n", "lock_version": str(opened_at),
                                                    "action": "save"})
    assert response.status_code == 200
    assert "Fouzia Zahar a enregistré ce compte rendu" in response and "Ma version." in response
    db.session.refresh(world.report)
    assert world.report.body == "Version de Fouzia.\n"  # written by the service, not the form


def test_an_empty_report_is_not_published_and_says_why_in_french(client, login, world):
    login(world.coordinator)
    response = save(client, world, "   ", action="publish")
    page = client.get(response.headers["Location"])
    assert reports.EMPTY_REPORT_MESSAGE in page
    assert reports.versions_of(world.report) == []


def test_coordinator_publishes_v1_then_v2_and_both_stay_downloadable(client, login, world):
    login(world.coordinator)
    response = save(client, world, world.report.body, action="publish")
    assert response.headers["Location"].endswith(f"/rencontres/comptes-rendus/{world.report.id}")
    page = client.get(response.headers["Location"])
    assert "Version 1 publiée" in page and "Télécharger le PDF" in page
    db.session.refresh(world.report)
    page_count = world.report.versions[0].page_count
    assert f"(version 1, {page_count} page{'s' if page_count > 1 else ''}," in page  # never « 1 pages »
    db.session.refresh(world.report)
    second = save(client, world, world.report.body + "\n\nAjout.\n", action="publish", change_note="Ajout final")
    assert second.status_code == 302
    listing = client.get(f"/rencontres/comptes-rendus/{world.report.id}/versions")
    assert "Ajout final" in listing and "Première publication" in listing
    first_pdf = client.get(f"/rencontres/comptes-rendus/{world.report.id}/v1.pdf")
    second_pdf = client.get(f"/rencontres/comptes-rendus/{world.report.id}/v2.pdf")
    assert first_pdf.status_code == second_pdf.status_code == 200
    assert first_pdf.data != second_pdf.data and first_pdf.data.startswith(b"%PDF-")


# --- reading ----------------------------------------------------------------------------------------------

@pytest.fixture
def published(app, world):
    with app.test_request_context(base_url="https://passerelle.test/"):
        reports.publish(world.coordinator, world.report)
    return world


def test_the_report_page_has_the_seed_header_and_links_testimonies_to_projects(client, login, published):
    login(published.member)
    response = client.get(f"/rencontres/comptes-rendus/{published.report.id}")
    html = response.get_data(as_text=True)
    assert "Compte rendu" in response and "Atelier n°2 : Isolement" in response
    assert "Co-animation" in response and "Fouzia Zahar et Claudy Debaix" in response
    for testimony in published.atelier.testimonies:
        assert f'<a href="/projets/{testimony.project_id}">projet {testimony.project.title}</a>' in html
    assert "Donnant-donnant" in response and "Version 1" in response


def test_a_testimony_on_a_project_the_reader_may_not_see_is_not_linked(client, login, published):
    hidden = published.atelier.testimonies[0].project
    hidden.visibility = Visibility.PARTNERS
    db.session.commit()
    login(published.member)
    html = client.get(f"/rencontres/comptes-rendus/{published.report.id}").get_data(as_text=True)
    assert f'href="/projets/{hidden.id}"' not in html and f"projet {hidden.title}" in html


def test_the_project_page_lists_the_reports_that_mention_it(client, login, published):
    project = published.atelier.testimonies[1].project
    login(published.member)
    page = client.get(f"/projets/{project.id}")
    assert "Dans les comptes rendus" in page and "Atelier n°2 : Isolement" in page


def test_the_dashboard_shows_new_reports(client, login, published):
    login(published.member)
    page = client.get("/")
    if page.status_code == 302:
        page = client.get(page.headers["Location"])
    assert "Nouveaux comptes rendus" in page and "Compte rendu — Atelier n°2 : Isolement" in page


def test_a_draft_is_not_readable_as_a_report(client, login, world):
    login(world.member)
    assert client.get(f"/rencontres/comptes-rendus/{world.report.id}").status_code == 404


def test_a_private_report_sends_a_visitor_to_the_login_page(client, published):
    for url in (f"/rencontres/comptes-rendus/{published.report.id}",
                f"/rencontres/comptes-rendus/{published.report.id}/versions",
                f"/rencontres/comptes-rendus/{published.report.id}/v1.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"], url


def test_a_public_report_is_read_and_downloaded_without_an_account(client, published):
    published.report.is_public = True
    db.session.commit()
    page = client.get(f"/rencontres/comptes-rendus/{published.report.id}")
    assert page.status_code == 200 and "Atelier n°2 : Isolement" in page
    pdf = client.get(f"/rencontres/comptes-rendus/{published.report.id}/v1.pdf")
    assert pdf.status_code == 200 and pdf.headers["Cache-Control"] == "public, max-age=3600"
    # Projects stay behind the login: no link to them for a visitor.
    assert 'href="/projets/' not in page.get_data(as_text=True)


def test_rencontre_pages_need_an_account(client, world):
    for url in ("/rencontres/", f"/rencontres/{world.atelier.rencontre_id}", "/rencontres/calendrier.ics"):
        assert client.get(url).status_code == 302, url


@pytest.mark.parametrize("url", ["/rencontres/nouvelle", "/rencontres/{rencontre}/modifier",
                                 "/rencontres/{rencontre}/ateliers/nouveau", "/rencontres/ateliers/{atelier}/modifier",
                                 "/rencontres/{rencontre}/comptes-rendus/nouveau"])
def test_only_coordinators_organise(app, client, login, world, url):
    url = url.format(rencontre=world.atelier.rencontre_id, atelier=world.atelier.id)
    login(world.member)
    assert client.get(url).status_code == 403
    coordinator = app.test_client()
    login(world.coordinator, with_client=coordinator)
    assert coordinator.get(url).status_code == 200


def test_a_coordinator_starts_the_report_of_a_whole_rencontre(client, login, world):
    login(world.coordinator)
    response = client.post(f"/rencontres/{world.atelier.rencontre_id}/comptes-rendus/nouveau",
                           data={"atelier_id": "", "title": "Synthèse de la journée"})
    assert response.status_code == 302
    report = db.session.execute(
        db.select(CompteRendu).where(CompteRendu.title == "Synthèse de la journée")).scalar_one()
    assert report.atelier_id is None and report.heading == "Synthèse de la journée"


def test_the_dashboard_shows_coming_rencontres_only(client, login, app):
    from datetime import UTC, datetime, timedelta

    make_rencontre("Rencontre de l'an dernier", ordinal=1, starts_at=datetime.now(UTC) - timedelta(days=300))
    make_rencontre("Rencontre de printemps", ordinal=3, starts_at=datetime.now(UTC) + timedelta(days=20))
    login(make_user())
    page = client.get("/tableau-de-bord")
    assert "Prochaines rencontres" in page and "3e rencontre — Rencontre de printemps" in page
    assert "Rencontre de l'an dernier" not in page


def test_a_render_failure_publishes_nothing_and_says_why(client, login, world, monkeypatch):
    from portal.pdf import PdfRenderError

    def failing(document):
        raise PdfRenderError("La mise en page a dépassé le temps permis (120 s).")

    monkeypatch.setattr(reports, "render_pdf", failing)
    login(world.coordinator)
    response = save(client, world, world.report.body, action="publish")
    page = client.get(response.headers["Location"])
    assert "Brouillon enregistré, mais non publié : La mise en page a dépassé le temps permis (120 s)." in page
    db.session.refresh(world.report)
    assert world.report.status == ReportStatus.DRAFT and reports.versions_of(world.report) == []
