"""The ledger in the rest of the portal: the project page's link, its timeline, the dashboard, the menu."""

from datetime import date

from portal.funding.rules import EntryKind
from portal.projects.models import Visibility
from tests.support.factories import make_project

K = EntryKind


def test_the_project_page_links_to_its_funding_for_those_who_may_see_it(world, client, login):
    shared = make_project(author=world.carrier_member, title="Donnant-donnant", visibility=Visibility.NETWORK)
    link = f'href="/projets/{shared.id}/financements"'
    login(world.carrier_member)
    assert link in client.get(f"/projets/{shared.id}").page_text
    client.post("/deconnexion")
    login(world.stranger_member)
    page = client.get(f"/projets/{shared.id}")
    assert page.status_code == 200 and link not in page.page_text


def test_funding_entries_stand_on_the_timeline_at_their_date(world, client, login):
    world.entry(K.ACCORD, 12_000_00, event_date=date(2013, 9, 15), year=2013, decision_date=date(2013, 9, 1))
    login(world.caf_member)
    page = client.get(f"/projets/{world.project.id}")
    assert "Accord — CAF de l'Ain, exercice 2013" in page
    assert "15 septembre 2013" in page
    client.post("/deconnexion")
    login(world.operational_member)  # sees the project and its funding: a partner
    assert "Accord — CAF de l'Ain" in client.get(f"/projets/{world.project.id}")


def test_the_timeline_hides_funding_from_those_who_may_not_see_it(world, client, login):
    shared = make_project(author=world.carrier_member, title="Donnant-donnant", visibility=Visibility.NETWORK)
    world.entry(K.BUDGET, 8_000_00, project=shared)
    login(world.stranger_member)
    page = client.get(f"/projets/{shared.id}")
    assert page.status_code == 200 and "Budget prévisionnel" not in page


def test_the_dashboard_shows_recent_entries_on_projects_whose_funding_one_sees(world, client, login):
    world.entry(K.DEMANDE, 7_500_00, reference="Dossier 42")
    login(world.caf_member)
    page = client.get("/tableau-de-bord")
    assert "Derniers mouvements financiers" in page and "Demande — CAF de l'Ain, exercice 2024" in page
    client.post("/deconnexion")
    login(world.stranger_member)
    assert "Derniers mouvements financiers" not in client.get("/tableau-de-bord")


def test_the_menu_offers_the_network_page_to_coordinators_and_public_funders(world, client, login):
    login(world.caf_member)
    assert 'href="/financements"' in client.get("/tableau-de-bord").page_text
    client.post("/deconnexion")
    login(world.carrier_member)
    assert 'href="/financements"' not in client.get("/tableau-de-bord").page_text
