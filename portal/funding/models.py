"""The ledger's one table: entries that are appended, hash-chained per project, and never changed.

Three walls keep the entries as written: the ORM refuses to flush a change or a deletion (below), the
database refuses UPDATE and DELETE with triggers (created by the migration, on SQLite and PostgreSQL),
and the hash chain lets ``verify-ledger`` name the first entry changed behind both walls' back.
"""

from datetime import date, datetime

from flask import g, has_request_context
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organisation, User, enum_check
from portal.core.db import UTCDateTime, db, refuse_changes, utcnow
from portal.funding.chain import HASHED_FIELDS
from portal.funding.rules import CARRIER_KINDS, FUNDER_KINDS, EntryFacts, EntryKind, PaymentKind
from portal.projects.models import PartnerRole, Project, Revision


class AppendOnlyError(RuntimeError):
    """Someone tried to change or delete a ledger entry: a programming error, never a user's."""


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("project_id", "seq"),
        # (project_id, id) is unique anyway; declaring it lets the annulation's foreign key below
        # include the project, so the database itself refuses annulling another project's entry.
        UniqueConstraint("project_id", "id"),
        ForeignKeyConstraint(["project_id", "annuls_entry_id"], ["ledger_entries.project_id", "ledger_entries.id"],
                             name="fk_ledger_entries_annuls_same_project"),
        CheckConstraint(enum_check("kind", EntryKind), name="kind"),
        CheckConstraint(enum_check("payment_kind", PaymentKind), name="payment_kind"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint("kind IN ('avenant', 'annulation') OR amount_cents > 0", name="amount_sign"),
        CheckConstraint("(kind = 'budget') = (funder_id IS NULL) OR kind = 'annulation'", name="funder"),
        CheckConstraint("(kind = 'versement') = (payment_kind IS NOT NULL)", name="versement_payment_kind"),
        CheckConstraint("(kind = 'annulation') = (annuls_entry_id IS NOT NULL)", name="annulation_target"),
        # Rules and balances read one project's year (and funder): this index serves both.
        Index("ix_ledger_entries_project_id_fiscal_year_funder_id", "project_id", "fiscal_year", "funder_id"),
        # The dashboard's latest entries: read newest first, stopping at the few shown.
        Index("ix_ledger_entries_recorded_at_id", "recorded_at", "id"),
        # The projects an organisation funds (a funder's scope on the network page and dashboard), read
        # from the index alone.
        Index("ix_ledger_entries_funder_id_project_id", "funder_id", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: a project with a ledger is never deleted (its money story is kept, as its revisions are).
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    funder_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    event_date: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    payment_kind: Mapped[str | None] = mapped_column(String(10))
    decision_date: Mapped[date | None] = mapped_column(Date)
    # Unique: an entry is annulled once at most, whatever the race.
    annuls_entry_id: Mapped[int | None] = mapped_column(unique=True)
    # No ON DELETE: a person who recorded entries is anonymised, never deleted (the hash holds the id).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    project_revision_id: Mapped[int | None] = mapped_column(ForeignKey("project_revisions.id"))
    source: Mapped[str | None] = mapped_column(String(200))  # "import : fichier.csv"; None when typed in
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    project: Mapped[Project] = relationship()
    funder: Mapped[Organisation | None] = relationship(lazy="joined")
    recorded_by: Mapped[User | None] = relationship(lazy="joined")
    revision: Mapped[Revision | None] = relationship()
    annuls: Mapped["LedgerEntry | None"] = relationship(
        remote_side=[id], foreign_keys=[annuls_entry_id], primaryjoin="LedgerEntry.annuls_entry_id == LedgerEntry.id")

    # --- reading ---------------------------------------------------------------------------------
    @property
    def entry_kind(self) -> EntryKind:
        return EntryKind(self.kind)

    @property
    def kind_label(self) -> str:
        return self.entry_kind.label

    @property
    def payment_kind_label(self) -> str:
        return PaymentKind(self.payment_kind).label if self.payment_kind else ""

    def hashed_fields(self) -> dict:
        return {name: getattr(self, name) for name in HASHED_FIELDS}

    def facts(self) -> EntryFacts:
        return EntryFacts(
            key=self.id, kind=self.entry_kind, fiscal_year=self.fiscal_year, amount_cents=self.amount_cents,
            funder_id=self.funder_id, payment_kind=PaymentKind(self.payment_kind) if self.payment_kind else None,
            annuls_key=self.annuls_entry_id,
        )

    def __repr__(self) -> str:
        return f"<LedgerEntry project={self.project_id} seq={self.seq} {self.kind} {self.amount_cents}>"


class FundingTotal(db.Model):
    """Running totals of one project's fiscal year with one funder: derived data, not part of the chain.

    The ledger service keeps them in the same transaction as each append (``services/totals.py``): an
    entry adds its amount, an annulation takes back the amount of the entry it annuls. Budgets (no
    funder) and annulations themselves never appear. ``entries`` counts the active entries behind the
    row; a row whose entries are all annulled is deleted, so the table is exactly what
    ``rebuild_totals`` recomputes from the ledger (``portal verify`` compares both). The network's
    funding page reads these rows instead of grouping every entry of the network."""

    __tablename__ = "funding_totals"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True, index=True)
    requested: Mapped[int] = mapped_column(BigInteger, default=0)
    granted: Mapped[int] = mapped_column(BigInteger, default=0)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)
    refused: Mapped[int] = mapped_column(BigInteger, default=0)
    entries: Mapped[int] = mapped_column(Integer, default=0)


# --- the ORM wall ---------------------------------------------------------------------------------------

refuse_changes(LedgerEntry, AppendOnlyError,
               changed="A ledger entry is never changed: record an annulation and a new entry.",
               deleted="A ledger entry is never deleted: record an annulation instead.",
               bulk="Ledger entries are append-only: no UPDATE or DELETE.")


# --- who sees and records what ---------------------------------------------------------------------------

def _is_active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def funding_side(project: Project) -> "ProjectFunding":
    """The project's ``ProjectFunding``, one per project and request: the timeline and the page's
    templates both ask it, and its funder ids are then read once (a query saved on every project page
    that a person outside the project's organisations opens)."""
    if not has_request_context():
        return ProjectFunding(project)
    known = g.setdefault("_project_funding", {})
    if project.id not in known or known[project.id].project is not project:
        known[project.id] = ProjectFunding(project)
    return known[project.id]


class ProjectFunding:
    """The funding side of a project and its permissions, in one place for views and templates.

    Who sees: coordinators, and the people of the project's organisations (carrier, co-porteurs,
    partners) or of an organisation named as funder in its ledger, provided they see the project.
    Who records: the carrier and co-porteurs plan and ask (budget, demande); a funder's people record
    that funder's decisions and payments (accord, versement, avenant, refus); coordinators record
    anything, under their own name. An annulation is for whoever could have recorded the entry."""

    def __init__(self, project: Project):
        self.project = project
        self._funder_ids: set[int] | None = None

    @property
    def funder_ids(self) -> set[int]:
        """Organisations named as funder in this ledger, or partners with the financeur role."""
        if self._funder_ids is None:
            named = db.session.execute(
                db.select(LedgerEntry.funder_id).where(LedgerEntry.project_id == self.project.id,
                                                       LedgerEntry.funder_id.is_not(None)).distinct()
            ).scalars()
            self._funder_ids = set(named) | {p.organisation_id for p in self.project.partners
                                             if p.role == PartnerRole.FINANCEUR}
        return self._funder_ids

    def is_carrier_side(self, user) -> bool:
        org = user.organisation_id
        return org == self.project.carrier_id or self.project.partner_role_of(org) == PartnerRole.CO_PORTEUR

    def can_view(self, user) -> bool:
        if not _is_active(user) or not self.project.can_view(user):
            return False
        if user.is_coordinator or user.organisation_id in self.project.organisation_ids:
            return True
        return user.organisation_id in self.funder_ids

    def can_record(self, user, kind: EntryKind, funder_id: int | None) -> bool:
        if not self.can_view(user):
            return False
        if user.is_coordinator:
            return True
        if kind in CARRIER_KINDS:
            return self.is_carrier_side(user)
        return kind in FUNDER_KINDS and funder_id == user.organisation_id and self.may_fund(user)

    def may_fund(self, user) -> bool:
        """A funder of the project (named in a demande, or a financeur partner), or the carrier side
        itself (its own funds): others are not asked for money here."""
        return user.organisation_id in self.funder_ids or self.is_carrier_side(user)

    def recordable_kinds(self, user) -> list[EntryKind]:
        """The kinds this person may record here (for whichever funder they may record for)."""
        if not self.can_view(user):
            return []
        if user.is_coordinator:
            return [kind for kind in EntryKind if kind is not EntryKind.ANNULATION]
        return [kind for kind in EntryKind
                if (kind in CARRIER_KINDS and self.is_carrier_side(user))
                or (kind in FUNDER_KINDS and self.may_fund(user))]

    def can_annul(self, user, entry: LedgerEntry) -> bool:
        if entry.project_id != self.project.id or entry.kind == EntryKind.ANNULATION:
            return False
        return self.can_record(user, entry.entry_kind, entry.funder_id)
