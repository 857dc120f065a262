"""Journey 5 (issue 6): a member of an organisation unrelated to a restricted project cannot reach it by
any link. The project (visibility "partners") has a milestone, a comment, two revisions and money; the
outsider's organisation is even named as a funder in one of its demandes (without being a partner), the
case most likely to leak through the funding pages. What a partner of the project sees is checked first,
so the absence is the outsider's, not the test's."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from portal.accounts.models import OrganisationKind
from portal.core.partial_dates import parse_partial_date
from portal.funding.rules import EntryKind
from portal.funding.services.ledger import NewEntry, record_entry
from portal.meetings.services import rencontres, reports
from portal.projects.models import PartnerRole, Visibility
from portal.projects.services.comments import post_comment
from portal.projects.services.milestones import MilestoneData, add_milestone
from portal.projects.services.pages import PartnerChoice, ProjectData, update_project
from tests.browser.helpers import login_as
from tests.support.factories import make_organisation, make_project, make_user

TITLE = "Maison des confidences"
WORDS = re.compile(r"confidences|Zéphyrine|7\s?777,77|7777[.,]77", re.IGNORECASE)  # anything of the project


@dataclass(frozen=True)
class Restricted:
    partner: object
    outsider: object
    project_id: int
    milestone_id: int
    comment_id: int
    entry_id: int
    report_id: int  # a published compte rendu with a testimony on the project


@pytest.fixture(scope="module")
def restricted(live_server) -> Restricted:
    with live_server.database():
        carrier = make_organisation("Centre social des Tilleuls")
        partner_org = make_organisation("Collectif Clair-Obscur", OrganisationKind.ASSOCIATION)
        outsider_org = make_organisation("CAF voisine", OrganisationKind.CAF)
        author, partner, outsider = (make_user(organisation=carrier), make_user(organisation=partner_org),
                                     make_user(organisation=outsider_org))
        project = make_project(carrier, author, title=TITLE, summary="Un lieu d'écoute animé par Zéphyrine.",
                               visibility=Visibility.PARTNERS, partners=[(partner_org, PartnerRole.OPERATIONNEL)])
        update_project(author, project, ProjectData(
            title=TITLE, carrier_id=carrier.id, visibility=Visibility.PARTNERS,
            summary="Un lieu d'écoute, animé par Zéphyrine, ouvert le soir.",
            partners=[PartnerChoice(partner_org.id, PartnerRole.OPERATIONNEL)]), expected_version=None)
        milestone = add_milestone(author, project, MilestoneData("lancement", "Ouverture chez Zéphyrine",
                                                                 parse_partial_date("2023")))
        comment = post_comment(author, project, "Zéphyrine attend les partenaires jeudi.")
        entry = record_entry(project, author, NewEntry(EntryKind.DEMANDE, 2024, date(2024, 2, 1), 777_777,
                                                       funder=outsider_org, note="Demande Zéphyrine"))
        # The outsider's organisation funds a network project too: it may open the network's funding pages.
        visible = make_project(carrier, author, title="Projet ouvert des Tilleuls")
        record_entry(visible, author, NewEntry(EntryKind.DEMANDE, 2024, date(2024, 2, 1), 100_000, funder=outsider_org))
        # A rencontre's atelier heard a testimony on the project: its compte rendu names the project (the
        # network published it) but links to it only for those who may open it.
        when = datetime(2025, 3, 12, 8, 30, tzinfo=UTC)
        rencontre = rencontres.create_rencontre(None, rencontres.RencontreData("Rencontre des Tilleuls", when, 3))
        atelier = rencontres.create_atelier(None, rencontre, rencontres.AtelierData(1, "Écoute", testimonies=[
            rencontres.TestimonyData(project.id, carrier.id)]))
        report = reports.create_report(None, rencontre, atelier, body="Un atelier d'écoute.")
        with live_server.app.test_request_context():
            reports.publish(None, report)
        return Restricted(partner=partner, outsider=outsider, project_id=project.id, milestone_id=milestone.id,
                          comment_id=comment.id, entry_id=entry.id, report_id=report.id)


def links(restricted: Restricted) -> dict[str, str]:
    project = f"/projets/{restricted.project_id}"
    return {
        "page": project, "history": f"{project}/historique", "members": f"{project}/membres",
        "funding": f"{project}/financements", "milestone": f"{project}/jalons/{restricted.milestone_id}/modifier",
        "comment": f"{project}/commentaires/{restricted.comment_id}/modifier",
        "annul": f"{project}/financements/{restricted.entry_id}/annuler",
        "record": f"{project}/financements/nouveau/accord",
        "timeline": f"{project}?avant=m{restricted.milestone_id}#chronologie",
        "csv": f"{project}/financements.csv", "json": f"{project}/financements.json",
    }


LISTINGS = ["/tableau-de-bord", "/projets", "/projets?mots=confidences", "/projets?mots=Z%C3%A9phyrine",
            "/projets/panorama", "/financements", "/financements.csv", "/financements.json"]


def test_journey_5_an_unrelated_organisation_cannot_reach_a_restricted_project_by_any_link(restricted, page,
                                                                                            new_page):
    insider = new_page()
    login_as(insider, restricted.partner)
    insider.goto("/projets?mots=confidences")
    assert TITLE in insider.locator("main").inner_text(), "a partner of the project finds it"
    assert insider.goto(links(restricted)["page"]).status == 200

    login_as(page, restricted.outsider)
    for path in LISTINGS:
        if path.endswith((".csv", ".json")):
            response = page.request.get(path)
            shown = response.text()
        else:
            response = page.goto(path)
            shown = page.locator("body").inner_text()  # what a person reads (not the words they typed)
        assert response.status == 200, f"{path}: {response.status}"
        assert not WORDS.search(shown), f"{path} shows something of the restricted project"
    for name, path in links(restricted).items():
        response = page.request.get(path) if name in ("csv", "json") else page.goto(path)
        assert response.status == 404, f"{name} ({path}): {response.status}"
        assert not WORDS.search(response.text()), f"the 404 of {name} names the project"
    page.goto(f"/rencontres/comptes-rendus/{restricted.report_id}")
    assert page.locator(f'a[href$="/projets/{restricted.project_id}"]').count() == 0, "the report links to it"
    insider.goto(f"/rencontres/comptes-rendus/{restricted.report_id}")
    assert insider.locator(f'a[href$="/projets/{restricted.project_id}"]').count() == 1
    page.goto("/projets?mots=confidences")
    assert page.locator(".result-count").inner_text().startswith("Aucun projet")
