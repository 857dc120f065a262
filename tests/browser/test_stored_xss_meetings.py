"""Stored XSS on the meetings pages: the OWASP vectors of ``test_stored_xss`` in a rencontre's title,
place and description, an atelier's theme and co-facilitators' names, and a compte rendu's title and
Markdown body (published for real, as a PDF too); every page showing them opened in Chromium. Same
watch as the other pages: no dialog, console error, remote request or active attribute."""

from datetime import UTC, datetime

import pytest

from portal.accounts.models import Role
from portal.meetings.services import rencontres, reports
from tests.browser.helpers import login_as
from tests.browser.test_stored_xss import ACTIVE_CONTENT, ALL, VECTORS, keep_off_the_network, short
from tests.support.factories import make_user


@pytest.fixture(scope="module")
def meeting(live_server):
    with live_server.database():
        coordinator = make_user(Role.COORDINATOR, full_name=short(VECTORS[5], 5, 120))
        when = datetime(2025, 3, 12, 8, 30, tzinfo=UTC)
        rencontre = rencontres.create_rencontre(None, rencontres.RencontreData(
            short(VECTORS[1], 1, 200), when, 7, place=short(VECTORS[7], 7, 300), description=ALL))
        facilitators = [rencontres.FacilitatorData(name=short(vector, number, 120))
                        for number, vector in enumerate(VECTORS[24:28])]
        facilitators.append(rencontres.FacilitatorData(user_id=coordinator.id))
        atelier = rencontres.create_atelier(None, rencontre, rencontres.AtelierData(
            2, short(VECTORS[21], 21, 200), facilitators=facilitators))
        report = reports.create_report(None, rencontre, atelier, body=ALL)
        with live_server.app.test_request_context():
            reports.publish(coordinator, report)
        return coordinator, rencontre.id, atelier.id, report.id


def test_no_stored_vector_runs_on_the_meetings_pages(meeting, page, live_server):
    coordinator, rencontre_id, atelier_id, report_id = meeting
    left = []
    keep_off_the_network(page, live_server, left)
    login_as(page, coordinator)
    for path in ["/tableau-de-bord", "/rencontres/", f"/rencontres/{rencontre_id}",
                 f"/rencontres/{rencontre_id}/modifier", f"/rencontres/ateliers/{atelier_id}/modifier",
                 f"/rencontres/comptes-rendus/{report_id}", f"/rencontres/comptes-rendus/{report_id}/versions",
                 f"/rencontres/comptes-rendus/{report_id}/brouillon"]:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("load")
        assert page.evaluate(ACTIVE_CONTENT) == [], f"active content on {path}"
    page.goto(f"/rencontres/comptes-rendus/{report_id}/brouillon")
    page.get_by_role("button", name="Aperçu").click()  # the preview renders the Markdown too
    page.wait_for_load_state("load")
    assert page.evaluate(ACTIVE_CONTENT) == [], "active content in the preview"
    assert left == [], "requests left the portal"
