"""The funding totals (``FundingTotal``): kept by the ledger service with each append, rebuilt from the
ledger when a whole ledger arrives at once (a CSV import, ``import-network``, the migration), checked
against the ledger by ``portal verify``.

They are derived data: the hash chain does not cover them, and the ledger alone says what happened.
Each append holds its project's chain lock (see ledger.py), and a row's key starts with the project: two
writers never update one row at once, so an UPDATE then, when it found nothing, an INSERT is safe."""

from collections.abc import Iterable

from sqlalchemy import delete, func, insert, select, update

from portal.core import integrity
from portal.core.db import db
from portal.funding.models import FundingTotal, LedgerEntry
from portal.funding.rules import EntryKind
from portal.funding.services.balances import active_entries, balance_columns

K = EntryKind
# Which total an entry's amount goes to; budgets have no funder and annulations take back, not add.
COLUMN_OF = {K.DEMANDE: "requested", K.ACCORD: "granted", K.AVENANT: "granted", K.VERSEMENT: "paid",
             K.REFUS: "refused"}
AMOUNTS = ("requested", "granted", "paid", "refused")
KEY = ("project_id", "fiscal_year", "funder_id")
table = FundingTotal.__table__


def _key_clause(entry: LedgerEntry):
    return (table.c.project_id == entry.project_id) & (table.c.fiscal_year == entry.fiscal_year) \
        & (table.c.funder_id == entry.funder_id)


def count_entry(entry: LedgerEntry) -> None:
    """Add a new entry (not an annulation) to its row, creating the row with its first entry."""
    column = COLUMN_OF.get(EntryKind(entry.kind))
    if column is None or entry.funder_id is None:
        return
    changed = db.session.execute(update(table).where(_key_clause(entry)).values(
        {column: table.c[column] + entry.amount_cents, "entries": table.c.entries + 1}))
    if changed.rowcount == 0:
        db.session.execute(insert(table).values(
            project_id=entry.project_id, fiscal_year=entry.fiscal_year, funder_id=entry.funder_id,
            entries=1, **{name: entry.amount_cents if name == column else 0 for name in AMOUNTS}))


def take_back(annulled: LedgerEntry) -> None:
    """Remove an entry its annulation reverses; a row left without an active entry goes."""
    column = COLUMN_OF.get(EntryKind(annulled.kind))
    if column is None or annulled.funder_id is None:
        return
    db.session.execute(update(table).where(_key_clause(annulled)).values(
        {column: table.c[column] - annulled.amount_cents, "entries": table.c.entries - 1}))
    db.session.execute(delete(table).where(_key_clause(annulled), table.c.entries <= 0))


def recomputed_totals(project_ids: Iterable[int] | None = None):
    """SELECT of the totals as the ledger says them: one row per project, year and funder with an
    active entry, in the table's columns."""
    _, requested, granted, paid, refused, _ = balance_columns()
    query = (active_entries()
             .add_columns(LedgerEntry.project_id, LedgerEntry.fiscal_year, LedgerEntry.funder_id,
                          requested, granted, paid, refused, func.count().label("entries"))
             .where(LedgerEntry.funder_id.is_not(None))
             .group_by(LedgerEntry.project_id, LedgerEntry.fiscal_year, LedgerEntry.funder_id))
    if project_ids is not None:
        query = query.where(LedgerEntry.project_id.in_(list(project_ids)))
    return query


def rebuild_totals(project_ids: Iterable[int] | None = None) -> None:
    """Recompute the totals of these projects (of all, without ids) from their ledgers."""
    ids = None if project_ids is None else sorted(set(project_ids))
    if ids == []:
        return
    drop = delete(table)
    db.session.execute(drop if ids is None else drop.where(table.c.project_id.in_(ids)))
    db.session.execute(insert(table).from_select([*KEY, *AMOUNTS, "entries"], recomputed_totals(ids)))


def _rows(query) -> dict[tuple, tuple]:
    return {tuple(row[:3]): tuple(int(value) for value in row[3:])
            for row in db.session.execute(query)}


def differences() -> list[tuple]:
    """Keys (project, year, funder) whose stored totals differ from the ledger's, sorted."""
    stored = _rows(select(*(table.c[name] for name in (*KEY, *AMOUNTS, "entries"))))
    expected = _rows(recomputed_totals())
    return sorted(key for key in stored.keys() | expected.keys() if stored.get(key) != expected.get(key))


@integrity.verifier("funding.totals", "Totaux des financements recalculés depuis le registre")
def verify_totals() -> integrity.Verdict:
    wrong = differences()
    if wrong:
        project_id, year, funder_id = wrong[0]
        return integrity.Verdict(False, f"{len(wrong)} total(aux) diffèrent du registre, dont le projet n° "
                                        f"{project_id}, exercice {year}, financeur n° {funder_id}. "
                                        "Recalculez-les : flask --app wsgi portal rebuild-funding-totals.")
    return integrity.Verdict(True, "Les totaux des financements sont ceux du registre.")
