"""The running totals behind the network's funding page: kept with each append and annulation, equal to
what the ledger says (``portal verify`` checks it), and giving the page exactly the rows it gave when it
grouped every entry."""

from itertools import combinations

from sqlalchemy import func, select, update

from portal.core import integrity
from portal.core.db import db
from portal.funding.models import FundingTotal, LedgerEntry
from portal.funding.rules import EntryKind
from portal.funding.services import network
from portal.funding.services.balances import active_entries, balance_columns
from portal.funding.services.ledger import annul_entry
from portal.funding.services.totals import differences, rebuild_totals, verify_totals
from portal.projects.models import Project, Theme, Visibility, project_themes
from portal.projects.services import pages
from tests.funding.conftest import TODAY
from tests.support.factories import make_organisation, make_project

K = EntryKind


def totals_from_entries(user, by, fiscal_year=None, funder_id=None) -> list[network.NetworkRow]:
    """The page's query before the running totals: every active entry of the network, grouped."""
    columns = {
        "funder": func.coalesce(network.Organisation.short_name, network.Organisation.name).label("funder"),
        "year": LedgerEntry.fiscal_year.label("fiscal_year"),
        "theme": Theme.name.label("theme"),
        "territory": Project.territory_kind.label("territory"),
    }
    groups = [columns[name] for name in by]
    query = (active_entries().join(Project, Project.id == LedgerEntry.project_id)
             .join(network.Organisation, network.Organisation.id == LedgerEntry.funder_id)
             .add_columns(*groups, *balance_columns()[1:5],
                          func.count(func.distinct(LedgerEntry.project_id)).label("projects"))
             .where(network.funding_scope(user)))
    if "theme" in by:
        query = query.outerjoin(project_themes, project_themes.c.project_id == Project.id) \
                     .outerjoin(Theme, Theme.id == project_themes.c.theme_id)
    if fiscal_year is not None:
        query = query.where(LedgerEntry.fiscal_year == fiscal_year)
    if funder_id is not None:
        query = query.where(LedgerEntry.funder_id == funder_id)
    return [network._row(row, by) for row in db.session.execute(query.group_by(*groups).order_by(*groups))]


def varied_network(world):
    """Three projects, three funders, two years, themes and territories; demandes, accords, versements,
    refus, positive and negative avenants, annulations of each kind, a funder-year annulled away and
    another brought to zero granted by an avenant (its project still counts)."""
    themes = [Theme(name=name) for name in ("Isolement", "Lien social", "Numérique")]
    db.session.add_all(themes)
    db.session.flush()
    data = pages.ProjectData(title="Entracte", carrier_id=world.carrier.id, visibility=Visibility.PARTNERS,
                             territory_kind="rural", theme_ids=[themes[0].id, themes[1].id],
                             partners=[pages.PartnerChoice(p.organisation_id, p.role) for p in world.project.partners])
    pages.update_project(world.carrier_member, world.project, data, world.project.version)
    second = make_project(author=world.co_porteur_member, title="Donnant-donnant")
    third = make_project(author=world.carrier_member, title="Clic solidaire")
    ville = make_organisation("Ville de Belley")
    entracte = world.project

    world.entry(K.BUDGET, 50_000_00)
    world.entry(K.DEMANDE, 20_000_00)
    accord = world.entry(K.ACCORD, 18_000_00)
    world.entry(K.VERSEMENT, 9_000_00)
    world.entry(K.AVENANT, 2_000_00)
    world.entry(K.AVENANT, -3_000_00)
    paid_twice = world.entry(K.VERSEMENT, 1_000_00)
    annul_entry(entracte, None, paid_twice, "Saisi deux fois", today=TODAY)
    world.entry(K.DEMANDE, 7_000_00, funder=world.departement)
    world.entry(K.REFUS, 7_000_00, funder=world.departement)
    world.entry(K.DEMANDE, 4_000_00, funder=world.departement, year=2023)
    world.entry(K.ACCORD, 4_000_00, funder=world.departement, year=2023)
    world.entry(K.AVENANT, -4_000_00, funder=world.departement, year=2023)  # granted back to zero
    gone = [world.entry(K.DEMANDE, 3_000_00, funder=ville), world.entry(K.REFUS, 3_000_00, funder=ville)]
    for entry in reversed(gone):  # the whole funder-year annulled: no row, no project counted
        annul_entry(entracte, None, entry, "Erreur de financeur", today=TODAY)

    world.entry(K.DEMANDE, 6_000_00, funder=world.departement, project=second)
    world.entry(K.ACCORD, 5_000_00, funder=world.departement, project=second)
    world.entry(K.VERSEMENT, 5_000_00, funder=world.departement, project=second)
    world.entry(K.ACCORD, 2_000_00, funder=world.caf, project=second, year=2023)
    world.entry(K.DEMANDE, 8_000_00, funder=ville, project=third)
    refus = world.entry(K.REFUS, 8_000_00, funder=ville, project=third)
    annul_entry(third, None, refus, "Refus saisi par erreur", today=TODAY)
    world.entry(K.ACCORD, 6_000_00, funder=ville, project=third)
    return accord, ville


def test_the_page_gives_the_rows_it_gave_from_the_entries(world):
    _, ville = varied_network(world)
    people = (world.coordinator, world.caf_member, world.departement_member, world.carrier_member)
    groupings = [by for size in range(len(network.DIMENSIONS) + 1) for by in combinations(network.DIMENSIONS, size)]
    compared = 0
    for user in people:
        for by in groupings:
            for year, funder in ((None, None), (2024, None), (2023, None), (None, world.departement.id),
                                 (2024, ville.id)):
                expected = totals_from_entries(user, by, year, funder)
                assert network.network_totals(user, by, year, funder) == expected, (user.full_name, by, year, funder)
                compared += bool(expected)
    assert compared > 200
    # The figures themselves, for the coordinator: avenants and annulations taken into account.
    rows = {(r.funder, r.fiscal_year): (r.requested, r.granted, r.paid, r.refused, r.projects)
            for r in network.network_totals(world.coordinator, ("funder", "year"))}
    assert rows == {
        ("CAF de l'Ain", 2023): (0, 2_000_00, 0, 0, 1),
        ("CAF de l'Ain", 2024): (20_000_00, 17_000_00, 9_000_00, 0, 1),
        ("Conseil départemental de l'Ain", 2023): (4_000_00, 0, 0, 0, 1),
        ("Conseil départemental de l'Ain", 2024): (13_000_00, 5_000_00, 5_000_00, 7_000_00, 2),
        ("Ville de Belley", 2024): (8_000_00, 6_000_00, 0, 0, 1),
    }


def test_the_totals_are_rows_of_the_ledger_and_verify_says_when_they_are_not(world):
    accord, _ = varied_network(world)
    assert differences() == []
    stored = db.session.scalar(select(func.count()).select_from(FundingTotal))
    assert stored == 6  # budgets and the annulled-away funder-year have no row
    assert "funding.totals" in {each.name for each in integrity.registered()}  # run by portal verify
    assert verify_totals().ok

    db.session.execute(update(FundingTotal).where(FundingTotal.project_id == accord.project_id,
                                                  FundingTotal.funder_id == accord.funder_id,
                                                  FundingTotal.fiscal_year == 2024)
                       .values(granted=FundingTotal.granted + 1))
    assert differences() == [(accord.project_id, 2024, accord.funder_id)]
    verdict = verify_totals()
    assert not verdict.ok and f"projet n° {accord.project_id}, exercice 2024" in verdict.summary

    rebuild_totals()
    assert differences() == [] and verify_totals().ok
    assert db.session.scalar(select(func.count()).select_from(FundingTotal)) == stored
