"""The network's funding page: totals per funder, year, theme and territory kind, for coordinators and
funders, each funder seeing only the projects whose funding it may see."""

import json

from portal.core.db import db
from portal.funding.rules import EntryKind
from portal.funding.services.network import network_totals
from portal.projects.models import Theme, Visibility
from portal.projects.services import pages
from tests.support.factories import make_project

K = EntryKind


def setup_network(world):
    isolement, lien = Theme(name="Isolement"), Theme(name="Lien social")
    db.session.add_all([isolement, lien])
    db.session.flush()
    data = pages.ProjectData(title="Entracte", carrier_id=world.carrier.id, visibility=Visibility.PARTNERS,
                             territory_kind="rural", theme_ids=[isolement.id, lien.id],
                             partners=[pages.PartnerChoice(p.organisation_id, p.role) for p in world.project.partners])
    pages.update_project(world.carrier_member, world.project, data, world.project.version)
    other = make_project(author=world.co_porteur_member, title="Donnant-donnant")
    world.entry(K.ACCORD, 10_000_00)
    world.entry(K.VERSEMENT, 4_000_00)
    world.entry(K.ACCORD, 6_000_00, funder=world.departement, year=2023)
    world.entry(K.ACCORD, 2_000_00, funder=world.departement, project=other)
    return other


def test_totals_per_funder_year_theme_and_territory(world):
    setup_network(world)
    by_funder = network_totals(world.coordinator, ("funder", "year"))
    assert [(r.funder, r.fiscal_year, r.granted, r.paid, r.still_to_pay, r.projects) for r in by_funder] == [
        ("CAF de l'Ain", 2024, 10_000_00, 4_000_00, 6_000_00, 1),
        ("Conseil départemental de l'Ain", 2023, 6_000_00, 0, 6_000_00, 1),
        ("Conseil départemental de l'Ain", 2024, 2_000_00, 0, 2_000_00, 1),
    ]
    by_theme = {(r.theme, r.fiscal_year): r.granted for r in network_totals(world.coordinator, ("theme", "year"))}
    assert by_theme == {("Isolement", 2023): 6_000_00, ("Isolement", 2024): 10_000_00,
                        ("Lien social", 2023): 6_000_00, ("Lien social", 2024): 10_000_00,
                        ("Sans thème", 2024): 2_000_00}
    by_territory = {(r.territory, r.fiscal_year): r.granted
                    for r in network_totals(world.coordinator, ("territory", "year"))}
    assert by_territory == {("Rural", 2023): 6_000_00, ("Rural", 2024): 10_000_00, ("Non précisé", 2024): 2_000_00}


def test_a_funder_sees_only_the_projects_whose_funding_it_may_see(world):
    setup_network(world)
    caf_rows = network_totals(world.caf_member, ("funder", "year"))
    # The CAF partners Entracte only: it sees the département's grant there, not on Donnant-donnant.
    assert {(r.funder, r.fiscal_year, r.granted) for r in caf_rows} == {
        ("CAF de l'Ain", 2024, 10_000_00), ("Conseil départemental de l'Ain", 2023, 6_000_00)}


def test_the_page_and_who_may_open_it(world, client, login):
    setup_network(world)
    login(world.coordinator)
    page = client.get("/financements")
    assert page.status_code == 200
    assert "Par financeur" in page and "Par thème" in page and "Par type de territoire" in page
    assert "Un projet qui a plusieurs thèmes compte sous chacun d'eux." in page
    filtered = client.get(f"/financements?fiscal_year=2023&funder_id={world.departement.id}")
    assert "6\u202f000,00\u00a0€" in filtered and "10\u202f000,00\u00a0€" not in filtered
    client.post("/deconnexion")
    login(world.carrier_member)  # funds nothing: not a funder's page
    assert client.get("/financements").status_code == 403
    client.post("/deconnexion")
    login(world.caf_member)
    assert client.get("/financements").status_code == 200


def test_network_exports(world, client, login):
    setup_network(world)
    login(world.coordinator)
    csv_text = client.get("/financements.csv").get_data().decode("utf-8")
    assert csv_text.startswith("\ufeffFinanceur;Exercice;Thème;Type de territoire;Projets;Demandé (€);Accordé (€)")
    assert "CAF de l'Ain;2024;Isolement;Rural;1;0,00;10000,00;4000,00;6000,00;0,00" in csv_text
    document = json.loads(client.get("/financements.json?fiscal_year=2023").get_data())
    assert {row["fiscal_year"] for row in document["rows"]} == {2023}
    assert document["filters"] == {"fiscal_year": 2023, "funder_id": None}


def test_scdl_from_the_network_page(world, client, login, tmp_path):
    setup_network(world)
    login(world.caf_member)
    response = client.get(f"/financements/scdl?financeur={world.caf.id}&exercice=2024")
    assert response.status_code == 200
    assert "Entracte,10000.00,aide en numéraire,échelonné" in response.get_data(as_text=True)
    assert client.get(f"/financements/scdl?financeur={world.departement.id}&exercice=2024").status_code == 403
    world.departement.siret = None
    db.session.flush()
    client.post("/deconnexion")
    login(world.coordinator)
    response = client.get(f"/financements/scdl?financeur={world.departement.id}&exercice=2024",
                          follow_redirects=True)
    assert "n'a pas de SIRET" in response


def test_the_filters_offer_only_funders_and_years_the_person_may_see(world, client, login):
    other = setup_network(world)
    world.entry(K.ACCORD, 1_000_00, funder=world.stranger, year=2019, project=other)  # hidden from the CAF
    login(world.caf_member)
    page = client.get("/financements")
    assert "Conseil départemental de l&#39;Ain" in page.text or "Conseil départemental de l'Ain" in page.text
    assert "Centre social d&#39;ailleurs" not in page.text and "Centre social d'ailleurs" not in page.text
    assert '<option value="2019">' not in page.text
    client.post("/deconnexion")
    login(world.coordinator)
    everything = client.get("/financements")
    assert "Centre social d&#39;ailleurs" in everything.text and '<option value="2019">' in everything.text


def test_a_funders_dashboard_and_network_page_run_as_many_queries_whatever_the_ledgers(world, client, login):
    """The funder's scope is one UNION of index lookups: more projects and entries add no query."""
    from tests.funding.conftest import counted_statements

    setup_network(world)
    login(world.caf_member)

    def counts():
        with counted_statements() as dashboard:
            assert client.get("/tableau-de-bord").status_code == 200
        with counted_statements() as network:
            assert client.get("/financements").status_code == 200
        return len(dashboard), len(network)

    before = counts()
    for number in range(5):
        project = make_project(author=world.carrier_member, title=f"Action {number}")
        world.entry(K.DEMANDE, 1_000_00, project=project)
        world.entry(K.ACCORD, 1_000_00, project=project)
    assert counts() == before
    assert max(before) <= 15
