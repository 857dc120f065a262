"""Balances computed by the database: one GROUP BY with CASE sums, annulled entries left out by an
anti-join on the annulation's unique key. The pure functions of ``rules.py`` say the same thing
entry by entry; the tests check that both agree."""

from dataclasses import dataclass
from functools import cache

from sqlalchemy import and_, bindparam, case, func, literal, select
from sqlalchemy.orm import aliased

from portal.accounts.models import Organisation
from portal.core.db import db
from portal.funding.models import LedgerEntry
from portal.funding.rules import EntryKind, FunderYearBalance, PaymentKind, YearBalance

K = EntryKind


def active_entries():
    """FROM ledger_entries, without annulations and without the entries they annul."""
    annulment = aliased(LedgerEntry)
    return (select().select_from(LedgerEntry)
            .outerjoin(annulment, annulment.annuls_entry_id == LedgerEntry.id)
            .where(annulment.id.is_(None), LedgerEntry.kind != K.ANNULATION.value))


def _sum_of(*kinds: EntryKind):
    amount = case((LedgerEntry.kind.in_([k.value for k in kinds]), LedgerEntry.amount_cents), else_=literal(0))
    return func.coalesce(func.sum(amount), 0)


def balance_columns():
    soldes = case((and_(LedgerEntry.kind == K.VERSEMENT.value, LedgerEntry.payment_kind == PaymentKind.SOLDE.value),
                   1), else_=0)
    return (_sum_of(K.BUDGET).label("budget"), _sum_of(K.DEMANDE).label("requested"),
            _sum_of(K.ACCORD, K.AVENANT).label("granted"), _sum_of(K.VERSEMENT).label("paid"),
            _sum_of(K.REFUS).label("refused"), func.coalesce(func.sum(soldes), 0).label("soldes"))


@cache
def _project_years_query():
    """Built once: putting these CASE expressions together costs more than running them."""
    return (active_entries().add_columns(LedgerEntry.fiscal_year, LedgerEntry.funder_id, *balance_columns())
            .where(LedgerEntry.project_id == bindparam("project_id"))
            .group_by(LedgerEntry.fiscal_year, LedgerEntry.funder_id))


def project_years(project_id: int) -> list[YearBalance]:
    """Each fiscal year of a project (oldest first): budget, per-funder balances, reste à financer."""
    return years_from_rows(db.session.execute(_project_years_query(), {"project_id": project_id}))


def balance_of(row) -> FunderYearBalance:
    """A row with funder_id, fiscal_year and the balance columns, as the rules' balance."""
    return FunderYearBalance(row.funder_id, row.fiscal_year, int(row.requested), int(row.granted), int(row.paid),
                             int(row.refused), int(row.soldes))


def years_from_rows(rows) -> list[YearBalance]:
    years: dict[int, YearBalance] = {}
    for row in rows:
        year = years.setdefault(row.fiscal_year, YearBalance(row.fiscal_year))
        if row.funder_id is None:
            year.budget = int(row.budget)
            continue
        balance = balance_of(row)
        year.funders.append(balance)
        year.requested += balance.requested
        year.granted += balance.granted
        year.paid += balance.paid
    for year in years.values():
        year.funders.sort(key=lambda b: b.funder_id)
    return [years[y] for y in sorted(years)]


@dataclass(frozen=True)
class Named:
    """Funder names for the balances' ids, loaded once per page."""

    names: dict[int, str]

    @classmethod
    def for_years(cls, years: list[YearBalance]) -> "Named":
        ids = {b.funder_id for year in years for b in year.funders}
        if not ids:
            return cls({})
        rows = db.session.execute(select(Organisation.id, Organisation.name, Organisation.short_name)
                                  .where(Organisation.id.in_(ids)))
        return cls({row.id: row.short_name or row.name for row in rows})

    def __call__(self, organisation_id: int) -> str:
        return self.names.get(organisation_id, "")
