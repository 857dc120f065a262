"""Appending to a project's ledger: the rules, the lock that keeps the chain straight, the hash.

Services flush and never commit. Every append runs in this order, inside the caller's transaction:
lock the project's chain → load the few entries the rules need → check → read the chain head →
insert. The lock comes first so no other writer can slip an entry between the check and the insert.

The lock: on PostgreSQL a transaction-scoped advisory lock keyed by the project (released at commit or
rollback; other projects' ledgers are not blocked). On SQLite the transaction already holds the
database's write lock from its first statement (BEGIN IMMEDIATE: POST requests and ``write_intent()``
blocks, see portal/core/db.py). Behind both, UNIQUE (project_id, seq) makes a fork impossible even if
a caller forgot the lock: the second writer fails instead of branching the chain.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import bindparam, exists, func, or_, select, text

from portal.accounts.models import Organisation, User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.core.formatting import format_day
from portal.funding.chain import GENESIS_HASH, chain_hash
from portal.funding.models import LedgerEntry, ProjectFunding
from portal.funding.rules import EntryFacts, EntryKind, LedgerRuleError, LedgerState, PaymentKind
from portal.funding.services.balances import active_entries, balance_columns, balance_of
from portal.funding.services.totals import count_entry, take_back
from portal.projects.models import Project, Revision

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock(namespace, project id): the namespace keeps the ledger's locks apart from any
# other advisory lock the portal may take.
LEDGER_LOCK_NAMESPACE = 4_100_401
EARLIEST_DATE = date(1990, 1, 1)
NOTE_LIMIT = 2000


@dataclass(frozen=True)
class NewEntry:
    """What a person (or a file) says happened; the service adds the rest (sequence, hash, who, when)."""

    kind: EntryKind
    fiscal_year: int
    event_date: date
    amount_cents: int
    funder: Organisation | None = None
    reference: str | None = None
    note: str | None = None
    payment_kind: PaymentKind | None = None
    decision_date: date | None = None


# --- the chain ---------------------------------------------------------------------------------------

def lock_chain(project_id: int) -> None:
    """Serialise appends to one project's chain until the transaction ends."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:namespace, :project)"),
                           {"namespace": LEDGER_LOCK_NAMESPACE, "project": project_id})


def chain_head(project_id: int) -> tuple[int, str]:
    """The last sequence number and hash of a project's chain ((0, genesis) when empty)."""
    row = db.session.execute(
        select(LedgerEntry.seq, LedgerEntry.hash).where(LedgerEntry.project_id == project_id)
        .order_by(LedgerEntry.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)


def current_revision_id(project_id: int) -> int | None:
    return db.session.scalar(select(func.max(Revision.id)).where(Revision.project_id == project_id))


OPTIONAL_FIELDS = ("reference", "note", "payment_kind", "decision_date", "annuls_entry_id", "recorded_by_id",
                   "project_revision_id", "source", "funder_id")


def chained_row(project_id: int, fields: dict, head: tuple[int, str]) -> dict:
    """The full row of the entry that follows ``head`` (seq, hash): what the caller decided in
    ``fields``, plus the sequence number, the recording time, prev_hash and hash."""
    seq, prev_hash = head
    row = {**dict.fromkeys(OPTIONAL_FIELDS), **fields, "project_id": project_id, "seq": seq + 1,
           "recorded_at": utcnow()}
    return {**row, "prev_hash": prev_hash, "hash": chain_hash(prev_hash, row)}


def append(project_id: int, fields: dict) -> LedgerEntry:
    """Add one entry after the chain's head (call under ``lock_chain``)."""
    entry = LedgerEntry(**chained_row(project_id, fields, chain_head(project_id)))
    db.session.add(entry)
    return entry


# --- the rules' view of a ledger -----------------------------------------------------------------------

@cache
def _balance_query():
    """Built once (see balances.py): one funder's balance and the budget of a project's year."""
    return (active_entries().add_columns(LedgerEntry.funder_id, LedgerEntry.fiscal_year, *balance_columns())
            .where(LedgerEntry.project_id == bindparam("project_id"),
                   LedgerEntry.fiscal_year == bindparam("fiscal_year"),
                   or_(LedgerEntry.funder_id == bindparam("funder_id"), LedgerEntry.funder_id.is_(None)))
            .group_by(LedgerEntry.funder_id, LedgerEntry.fiscal_year))


def load_state(project_id: int, fiscal_year: int, funder_id: int | None,
               target: LedgerEntry | None = None) -> LedgerState:
    """What the rules need to judge a new entry of this year and funder: that funder's balance and the
    year's budget, summed by the database (one aggregate over an index range, annulled entries left
    out), and for an annulation the entry it reverses and whether it is annulled already."""
    rows = db.session.execute(_balance_query(), {"project_id": project_id, "fiscal_year": fiscal_year,
                                                 "funder_id": funder_id}).all()
    budgets = {row.fiscal_year: int(row.budget) for row in rows if row.funder_id is None}
    balances = [balance_of(row) for row in rows if row.funder_id is not None]
    known, annulled = [], []
    if target is not None and target.project_id == project_id:
        known.append(target.facts())
        if db.session.scalar(select(exists().where(LedgerEntry.annuls_entry_id == target.id))):
            annulled.append(target.id)
    return LedgerState.from_balances(balances, budgets, known, annulled)


def facts_of(row) -> EntryFacts:
    return EntryFacts(row.id, EntryKind(row.kind), row.fiscal_year, row.amount_cents, row.funder_id,
                      PaymentKind(row.payment_kind) if row.payment_kind else None, row.annuls_entry_id)


# --- recording ---------------------------------------------------------------------------------------------

def record_entry(project: Project, actor: User | None, new: NewEntry, *, source: str | None = None,
                 today: date | None = None) -> LedgerEntry:
    """Record what happened (budget, demande, accord, versement, avenant, refus) on a project's ledger.

    ``actor`` None means a command (import, demo) records it; otherwise the actor must be allowed to
    record this kind for this funder. Raises LedgerRuleError with the field the message belongs to."""
    if new.kind is EntryKind.ANNULATION:
        raise ValueError("annulations go through annul_entry")
    funder_id = new.funder.id if new.funder else None
    if actor is not None and not ProjectFunding(project).can_record(actor, new.kind, funder_id):
        raise LedgerRuleError("Vous ne pouvez pas enregistrer cette écriture pour ce financeur.", "funder_id")
    today = today or date.today()
    check_dates(new, today)
    lock_chain(project.id)
    facts = EntryFacts(0, new.kind, new.fiscal_year, new.amount_cents, funder_id, new.payment_kind)
    load_state(project.id, new.fiscal_year, funder_id).check(facts, today)
    entry = append(project.id, {
        "kind": new.kind.value, "funder_id": funder_id, "fiscal_year": new.fiscal_year, "event_date": new.event_date,
        "amount_cents": new.amount_cents, "reference": new.reference, "note": new.note,
        "payment_kind": new.payment_kind.value if new.payment_kind else None, "decision_date": new.decision_date,
        "recorded_by_id": actor.id if actor else None, "project_revision_id": current_revision_id(project.id),
        "source": source,
    })
    db.session.flush()
    count_entry(entry)  # the network's totals, in the append's transaction
    _audit(actor, entry)
    return entry


def annul_entry(project: Project, actor: User | None, target: LedgerEntry, reason: str,
                today: date | None = None) -> LedgerEntry:
    """Reverse one earlier entry of the same project; the annulation carries its funder, year and amount."""
    reason = (reason or "").strip()
    if not reason:
        raise LedgerRuleError("Indiquez le motif de l'annulation.", "note")
    if len(reason) > NOTE_LIMIT:
        raise LedgerRuleError(f"{NOTE_LIMIT} caractères au plus.", "note")
    if actor is not None and not ProjectFunding(project).can_annul(actor, target):
        raise LedgerRuleError("Vous ne pouvez pas annuler cette écriture.", "note")
    today = today or date.today()
    lock_chain(project.id)
    facts = EntryFacts(0, EntryKind.ANNULATION, target.fiscal_year, target.amount_cents, target.funder_id,
                       annuls_key=target.id)
    load_state(project.id, target.fiscal_year, target.funder_id, target).check(facts, today)
    entry = append(project.id, {
        "kind": EntryKind.ANNULATION.value, "funder_id": target.funder_id, "fiscal_year": target.fiscal_year,
        "event_date": today, "amount_cents": target.amount_cents, "note": reason, "annuls_entry_id": target.id,
        "recorded_by_id": actor.id if actor else None, "project_revision_id": current_revision_id(project.id),
    })
    db.session.flush()
    take_back(target)
    _audit(actor, entry)
    return entry


def check_dates(new: NewEntry, today: date) -> None:
    """Dates a person could mean: not before 1990, not more than a year ahead."""
    latest = today + timedelta(days=366)
    for name, day in (("event_date", new.event_date), ("decision_date", new.decision_date)):
        if day is not None and not EARLIEST_DATE <= day <= latest:
            raise LedgerRuleError(f"La date doit être comprise entre le {format_day(EARLIEST_DATE)} et le "
                                  f"{format_day(latest)}.", name)
    if new.kind is EntryKind.ACCORD and new.decision_date is None:
        raise LedgerRuleError("Indiquez la date de la décision.", "decision_date")
    if new.note and len(new.note) > NOTE_LIMIT:
        raise LedgerRuleError(f"{NOTE_LIMIT} caractères au plus.", "note")


def _audit(actor: User | None, entry: LedgerEntry) -> None:
    audit.record(f"funding.{entry.kind}", actor=actor, target=f"project:{entry.project_id}", seq=entry.seq,
                 amount_cents=entry.amount_cents, funder=entry.funder_id, fiscal_year=entry.fiscal_year)


audit.label_actions({
    **{f"funding.{kind.value}": f"Financement : {kind.label.lower()} enregistré(e)" for kind in EntryKind},
    "funding.imported": "Financements importés",
    "funding.totals_rebuilt": "Totaux des financements recalculés depuis le registre",
    "organisation.imported": "Organisation créée par un import",
}, details={
    "seq": "écriture n°", "amount_cents": "montant (centimes)", "funder": "financeur n°", "fiscal_year": "exercice",
    "entries": "écritures", "problems": "lignes refusées", "organisations": "organisations créées",
    "projects": "projets créés", "file": "fichier", "differences": "totaux qui différaient",
})
