"""The demo's ledgers: several years from the CAF, the département and the social centres, an avenant,
annulations, a refusal, a year still to be funded; loaded once however often the command runs."""

from datetime import date

from portal.core.db import db
from portal.demo import load_demo
from portal.funding.models import LedgerEntry
from portal.funding.services.balances import Named, project_years
from portal.funding.services.verify import verify_ledgers
from portal.projects.models import Project


def ledger_of(title: str):
    project = db.session.execute(db.select(Project).filter_by(title=title)).scalar_one()
    entries = db.session.execute(db.select(LedgerEntry).filter_by(project_id=project.id)
                                 .order_by(LedgerEntry.seq)).scalars().all()
    return project, entries


def test_the_demo_tells_each_projects_funding_story(app):
    load_demo("mot-de-passe-de-demo")
    this_year = date.today().year
    for title in ("Entracte", "Donnant-donnant"):
        project, entries = ledger_of(title)
        kinds = {entry.kind for entry in entries}
        assert {"budget", "demande", "accord", "versement", "avenant", "annulation"} <= kinds, title
        funders = {entry.funder.display_name for entry in entries if entry.funder}
        assert {"CAF", "Département"} <= funders
        years = project_years(project.id)
        assert len(years) >= 3
        assert any(year.still_to_fund and year.still_to_fund > 0 for year in years), title
        recorders = {entry.recorded_by.email.split("@")[0] for entry in entries}
        assert {"caf", "departement"} <= recorders
    _, entracte = ledger_of("Entracte")
    current = {y.fiscal_year: y for y in project_years(entracte[0].project_id)}[this_year]
    assert current.still_to_fund == 14_000_00  # 25 000 € budgeted, 11 000 € granted so far
    names = Named.for_years(project_years(entracte[0].project_id))
    assert names(entracte[1].funder_id) == "CAF"
    check = verify_ledgers()
    assert check.broken is None and check.checked == db.session.scalar(db.select(db.func.count(LedgerEntry.id)))

    before = check.checked
    load_demo("mot-de-passe-de-demo")
    assert db.session.scalar(db.select(db.func.count(LedgerEntry.id))) == before
