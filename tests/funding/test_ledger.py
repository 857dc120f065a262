"""Appending to a ledger through the services: the chain, the rules, and the walls against change."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from portal.core.db import db
from portal.funding.chain import GENESIS_HASH, chain_hash
from portal.funding.models import AppendOnlyError, LedgerEntry
from portal.funding.rules import EntryKind, LedgerRuleError, PaymentKind, year_balances
from portal.funding.services.balances import project_years
from portal.funding.services.ledger import annul_entry
from portal.funding.services.verify import verify_ledgers
from portal.projects.models import Revision
from tests.funding.conftest import TODAY
from tests.support.factories import make_project

K = EntryKind


def entries(project) -> list[LedgerEntry]:
    return db.session.execute(db.select(LedgerEntry).where(LedgerEntry.project_id == project.id)
                              .order_by(LedgerEntry.seq)).scalars().all()


def test_each_kind_is_appended_to_the_chain(world):
    world.entry(K.BUDGET, 40_000_00, actor=world.carrier_member)
    world.entry(K.DEMANDE, 20_000_00, actor=world.carrier_member)
    world.entry(K.ACCORD, 18_000_00, actor=world.caf_member, reference="Convention 2024-17")
    world.entry(K.VERSEMENT, 9_000_00, actor=world.caf_member)
    world.entry(K.AVENANT, 1_000_00, actor=world.caf_member)
    world.entry(K.REFUS, 5_000_00, funder=world.departement, actor=world.coordinator)
    rows = entries(world.project)
    assert [e.seq for e in rows] == [1, 2, 3, 4, 5, 6]
    assert [e.kind for e in rows] == ["budget", "demande", "accord", "versement", "avenant", "refus"]
    assert rows[0].prev_hash == GENESIS_HASH
    for previous, entry in zip(rows, rows[1:], strict=False):
        assert entry.prev_hash == previous.hash
        assert entry.hash == chain_hash(previous.hash, entry.hashed_fields())
    assert rows[2].recorded_by == world.caf_member and rows[2].reference == "Convention 2024-17"
    assert rows[5].recorded_by == world.coordinator
    latest = db.session.scalar(db.select(Revision.id).where(Revision.project_id == world.project.id)
                               .order_by(Revision.number.desc()).limit(1))
    assert {e.project_revision_id for e in rows} == {latest}
    assert verify_ledgers().broken is None


def test_the_revision_in_force_is_recorded(world):
    first = world.entry(K.BUDGET, 10_000_00)
    data = pages_data(world)
    from portal.projects.services import pages
    revision = pages.update_project(world.carrier_member, world.project, data, world.project.version,
                                    reason="Nouveau titre")
    second = world.entry(K.DEMANDE, 5_000_00)
    assert first.project_revision_id != second.project_revision_id == revision.id


def pages_data(world):
    from portal.projects.services import pages
    return pages.ProjectData(title="Entracte, atelier du jeudi", carrier_id=world.carrier.id,
                             visibility=world.project.visibility,
                             partners=[pages.PartnerChoice(p.organisation_id, p.role) for p in world.project.partners])


def test_rules_are_enforced_by_the_service(world):
    world.entry(K.ACCORD, 10_000_00)
    world.entry(K.VERSEMENT, 6_000_00)
    with pytest.raises(LedgerRuleError, match="reste à verser") as caught:
        world.entry(K.VERSEMENT, 4_000_01)
    assert caught.value.field == "amount"
    with pytest.raises(LedgerRuleError, match="sous les"):
        world.entry(K.AVENANT, -4_000_01)
    with pytest.raises(LedgerRuleError, match="date de la décision"):
        world.entry(K.ACCORD, 100_00, decision_date=None)
    with pytest.raises(LedgerRuleError, match="comprise entre"):
        world.entry(K.DEMANDE, 100_00, event_date=date(1989, 12, 31))
    assert len(entries(world.project)) == 2  # nothing half-written


def test_annulation_copies_what_it_reverses_and_happens_once(world):
    accord = world.entry(K.ACCORD, 10_000_00)
    payment = world.entry(K.VERSEMENT, 3_000_00, payment_kind=PaymentKind.SOLDE)
    annulation = annul_entry(world.project, world.caf_member, payment, "Versement saisi deux fois", today=TODAY)
    assert (annulation.kind, annulation.annuls_entry_id, annulation.amount_cents) == ("annulation", payment.id,
                                                                                      3_000_00)
    assert (annulation.funder_id, annulation.fiscal_year, annulation.note) == (world.caf.id, 2024,
                                                                               "Versement saisi deux fois")
    with pytest.raises(LedgerRuleError, match="déjà annulée"):
        annul_entry(world.project, None, payment, "encore", today=TODAY)
    with pytest.raises(LedgerRuleError, match="ne s'annule pas"):
        annul_entry(world.project, None, annulation, "encore", today=TODAY)
    with pytest.raises(LedgerRuleError, match="motif"):
        annul_entry(world.project, None, accord, "  ", today=TODAY)
    world.entry(K.VERSEMENT, 10_000_00)  # the annulled solde no longer closes the year


def test_an_entry_of_another_project_cannot_be_annulled(world):
    other = make_project(author=world.carrier_member, title="Donnant-donnant")
    foreign = world.entry(K.BUDGET, 1_000_00, project=other)
    with pytest.raises(LedgerRuleError, match="n'appartient pas au journal de ce projet"):
        annul_entry(world.project, None, foreign, "erreur", today=TODAY)


def test_only_the_kinds_allowed_to_each_role(world):
    with pytest.raises(LedgerRuleError, match="Vous ne pouvez pas"):
        world.entry(K.ACCORD, 1_000_00, actor=world.carrier_member, funder=world.caf)
    with pytest.raises(LedgerRuleError, match="Vous ne pouvez pas"):
        world.entry(K.BUDGET, 1_000_00, actor=world.caf_member)
    with pytest.raises(LedgerRuleError, match="Vous ne pouvez pas"):
        world.entry(K.ACCORD, 1_000_00, actor=world.caf_member, funder=world.departement)
    payment = world.entry(K.ACCORD, 1_000_00, actor=world.caf_member)
    with pytest.raises(LedgerRuleError, match="Vous ne pouvez pas annuler"):
        annul_entry(world.project, world.carrier_member, payment, "non", today=TODAY)


# --- the walls ---------------------------------------------------------------------------------------

def test_the_orm_refuses_to_change_or_delete_an_entry(world):
    entry = world.entry(K.BUDGET, 10_000_00)
    with pytest.raises(AppendOnlyError), db.session.begin_nested():
        entry.amount_cents = 1
        db.session.flush()
    db.session.refresh(entry)
    with pytest.raises(AppendOnlyError), db.session.begin_nested():
        db.session.delete(entry)
        db.session.flush()
    with pytest.raises(AppendOnlyError):
        db.session.execute(update(LedgerEntry).values(amount_cents=1))
    assert entries(world.project)[0].amount_cents == 10_000_00


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_entries SET amount_cents = 1",
    "DELETE FROM ledger_entries",
])
def test_the_database_refuses_to_change_or_delete_an_entry(world, statement):
    world.entry(K.BUDGET, 10_000_00)
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text(statement))
    assert entries(world.project)[0].amount_cents == 10_000_00


def test_the_database_refuses_an_annulation_across_projects(world):
    """Behind the rules, the composite foreign key (project_id, annuls_entry_id) holds too."""
    other = make_project(author=world.carrier_member, title="Donnant-donnant")
    foreign = world.entry(K.BUDGET, 1_000_00, project=other)
    from portal.funding.services.ledger import append
    with pytest.raises(DBAPIError):
        with db.session.begin_nested():
            append(world.project.id, {"kind": "annulation", "fiscal_year": 2024, "event_date": TODAY,
                                      "amount_cents": 1_000_00, "annuls_entry_id": foreign.id})
            db.session.flush()


# --- balances: SQL and the pure rules agree -----------------------------------------------------------

def test_sql_balances_match_the_rules(world):
    world.entry(K.BUDGET, 50_000_00)
    world.entry(K.DEMANDE, 20_000_00)
    accord = world.entry(K.ACCORD, 18_000_00)
    world.entry(K.AVENANT, 2_000_00)
    world.entry(K.VERSEMENT, 5_000_00)
    wrong = world.entry(K.ACCORD, 1_000_00, funder=world.departement)
    annul_entry(world.project, None, wrong, "mauvais financeur", today=TODAY)
    world.entry(K.REFUS, 3_000_00, funder=world.departement)
    world.entry(K.BUDGET, 42_000_00, year=2025)
    facts = [e.facts() for e in entries(world.project)]
    assert project_years(world.project.id) == year_balances(facts)
    [y2024, y2025] = project_years(world.project.id)
    assert (y2024.budget, y2024.granted, y2024.paid, y2024.still_to_fund) == (50_000_00, 20_000_00, 5_000_00,
                                                                             30_000_00)
    assert y2025.still_to_fund == 42_000_00
    assert accord.id in {e.id for e in entries(world.project)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from([K.BUDGET, K.DEMANDE, K.ACCORD, K.VERSEMENT, K.AVENANT, K.REFUS,
                                           K.ANNULATION]),
                          st.integers(min_value=-2_000_00, max_value=9_000_00), st.booleans(),
                          st.sampled_from([2023, 2024]), st.integers(min_value=0, max_value=30)),
                min_size=1, max_size=25))
def test_sql_balances_match_the_rules_whatever_was_attempted(world, attempts):
    with db.session.begin_nested() as savepoint:
        for kind, amount, caf, year, target in attempts:
            funder = world.caf if caf else world.departement
            try:
                with db.session.begin_nested():
                    if kind is K.ANNULATION:
                        written = entries(world.project)
                        if written:
                            annul_entry(world.project, None, written[target % len(written)], "essai", today=TODAY)
                    else:
                        world.entry(kind, amount, funder=funder, year=year)
            except LedgerRuleError:
                pass
        facts = [e.facts() for e in entries(world.project)]
        assert project_years(world.project.id) == year_balances(facts)
        assert verify_ledgers(world.project.id).broken is None
        savepoint.rollback()
