"""Rencontres (the network's gatherings), their ateliers, and the comptes rendus published from them.

A compte rendu has one editable draft (Markdown, guarded by an optimistic lock) and the versions
published from it. A published version is the PDF as it was sent to the partners: its bytes, their
sha256 and the Markdown they were made from never change. The ORM refuses to update or delete one
(below), as it does for the funding ledger; ``portal verify`` checks every stored sha256 against its
bytes (``meetings.integrity``).
"""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organisation, User, enum_check
from portal.core.choices import LabelledChoice
from portal.core.db import UTCDateTime, db, refuse_changes, utcnow
from portal.projects.models import Project


class ReportStatus(LabelledChoice):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publié"


def _is_active_user(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def _is_coordinator(user) -> bool:
    return _is_active_user(user) and user.is_coordinator


# --- rencontres and ateliers ------------------------------------------------------------------------

class Rencontre(db.Model):
    """A gathering of the network ("2e rencontre"), on one day at one place, holding ateliers."""

    __tablename__ = "rencontres"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    ordinal: Mapped[int | None] = mapped_column(Integer)  # 2 -> "2e rencontre"
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organiser: Mapped[Organisation | None] = relationship(lazy="joined")
    ateliers: Mapped[list["Atelier"]] = relationship(back_populates="rencontre", order_by="Atelier.number")

    @property
    def label(self) -> str:
        """"2e rencontre — Agir contre l'isolement" (plain text, for titles and calendars)."""
        if self.ordinal is None:
            return self.title
        suffix = "re" if self.ordinal == 1 else "e"
        return f"{self.ordinal}{suffix} rencontre — {self.title}"

    # Rencontres are the network's common life: every logged-in partner sees them; coordinators
    # organise them (DESIGN: "coordinator changes meetings").
    def can_view(self, user) -> bool:
        return _is_active_user(user)

    def can_edit(self, user) -> bool:
        return _is_coordinator(user)

    def __repr__(self) -> str:
        return f"<Rencontre {self.id} {self.title!r}>"


atelier_participant_users = Table(
    "atelier_participant_users", db.metadata,
    Column("atelier_id", ForeignKey("ateliers.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)
atelier_participant_organisations = Table(
    "atelier_participant_organisations", db.metadata,
    Column("atelier_id", ForeignKey("ateliers.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Atelier(db.Model):
    """A workshop of a rencontre: "Atelier n°2 : Isolement"."""

    __tablename__ = "ateliers"
    __table_args__ = (
        UniqueConstraint("rencontre_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("other_participants >= 0", name="other_participants_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: a rencontre whose ateliers exist (and may have published reports) is never deleted.
    rencontre_id: Mapped[int] = mapped_column(ForeignKey("rencontres.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(String(200))
    # People who came without an account or an organisation listed: counted, not named.
    other_participants: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rencontre: Mapped[Rencontre] = relationship(back_populates="ateliers")
    facilitators: Mapped[list["Facilitator"]] = relationship(
        back_populates="atelier", cascade="all, delete-orphan", order_by="Facilitator.position")
    testimonies: Mapped[list["Testimony"]] = relationship(
        back_populates="atelier", cascade="all, delete-orphan", order_by="Testimony.position")
    participant_users: Mapped[list[User]] = relationship(
        secondary=atelier_participant_users, order_by=User.full_name)
    participant_organisations: Mapped[list[Organisation]] = relationship(
        secondary=atelier_participant_organisations, order_by=Organisation.name)

    @property
    def heading(self) -> str:
        return f"Atelier n°{self.number} : {self.theme}"

    @property
    def facilitator_names(self) -> list[str]:
        return [facilitator.display_name for facilitator in self.facilitators]

    @property
    def participant_count(self) -> int:
        return len(self.participant_users) + self.other_participants

    def is_facilitator(self, user) -> bool:
        return _is_active_user(user) and any(f.user_id == user.id for f in self.facilitators)

    def can_view(self, user) -> bool:
        return self.rencontre.can_view(user)

    def can_edit(self, user) -> bool:
        return _is_coordinator(user)

    def __repr__(self) -> str:
        return f"<Atelier {self.id} n°{self.number} {self.theme!r}>"


class Facilitator(db.Model):
    """A co-facilitator of an atelier: a user of the portal, or a plain name (someone without an account)."""

    __tablename__ = "atelier_facilitators"
    __table_args__ = (
        CheckConstraint("user_id IS NOT NULL OR name IS NOT NULL", name="user_or_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    atelier_id: Mapped[int] = mapped_column(ForeignKey("ateliers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str | None] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)

    atelier: Mapped[Atelier] = relationship(back_populates="facilitators")
    user: Mapped[User | None] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        return self.user.full_name if self.user is not None else (self.name or "")


class Testimony(db.Model):
    """"Témoignage n°1 : CS Belley — projet Entracte": a project, and the structure that presented it."""

    __tablename__ = "atelier_testimonies"

    id: Mapped[int] = mapped_column(primary_key=True)
    atelier_id: Mapped[int] = mapped_column(ForeignKey("ateliers.id", ondelete="CASCADE"), index=True)
    # RESTRICT: a project quoted in a compte rendu keeps existing (so does its page's list of reports).
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    atelier: Mapped[Atelier] = relationship(back_populates="testimonies")
    project: Mapped[Project] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def structure(self) -> str:
        return self.organisation.display_name


# --- comptes rendus and their published versions -----------------------------------------------------

class CompteRendu(db.Model):
    """The report of an atelier (``atelier_id``) or of a whole rencontre (``atelier_id`` NULL).

    ``body`` is the draft, edited by coordinators and the atelier's co-facilitators who have an account;
    publishing freezes it into a ``ReportVersion``. ``status`` says whether a version exists at all.
    """

    __tablename__ = "comptes_rendus"
    __table_args__ = (
        CheckConstraint(enum_check("status", ReportStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rencontre_id: Mapped[int] = mapped_column(ForeignKey("rencontres.id", ondelete="RESTRICT"), index=True)
    # One compte rendu per atelier (several NULLs are allowed: reports of the whole rencontre).
    atelier_id: Mapped[int | None] = mapped_column(ForeignKey("ateliers.id", ondelete="RESTRICT"), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")  # only for a whole rencontre's report
    body: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(10), default=ReportStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Optimistic lock on the draft: the editor form carries it; a save over a newer draft is refused.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    rencontre: Mapped[Rencontre] = relationship(lazy="joined", innerjoin=True)
    atelier: Mapped[Atelier | None] = relationship(lazy="joined")
    updated_by: Mapped[User | None] = relationship()
    versions: Mapped[list["ReportVersion"]] = relationship(
        back_populates="report", order_by="ReportVersion.number", viewonly=True)

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def heading(self) -> str:
        """"Atelier n°2 : Isolement", or the report's own title for a whole rencontre."""
        if self.atelier is not None:
            return self.atelier.heading
        return self.title or self.rencontre.title

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED

    @property
    def status_label(self) -> str:
        return ReportStatus.label_of(self.status)

    # --- permissions ---------------------------------------------------------------------------------
    def can_read(self, user) -> bool:
        """The published report: anyone when public, every logged-in partner otherwise."""
        if self.is_public and self.is_published:
            return True
        return _is_active_user(user)

    def can_edit(self, user) -> bool:
        """The draft: coordinators, and the atelier's co-facilitators who have an account."""
        if _is_coordinator(user):
            return True
        return self.atelier is not None and self.atelier.is_facilitator(user)

    def can_publish(self, user) -> bool:
        return _is_coordinator(user)

    def can_view_draft(self, user) -> bool:
        return self.can_edit(user)

    def __repr__(self) -> str:
        return f"<CompteRendu {self.id} {self.heading!r} {self.status}>"


class ReportVersion(db.Model):
    """One published PDF of a compte rendu: never changed, never deleted."""

    __tablename__ = "report_versions"
    __table_args__ = (
        # Two coordinators publishing at once: the second insert of the same number fails and retries.
        UniqueConstraint("report_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("comptes_rendus.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    # Deferred: lists of versions never load the PDFs; only a download reads the bytes.
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(200))  # as printed, for a stable file name
    markdown_source: Mapped[str] = mapped_column(Text, deferred=True)
    change_note: Mapped[str] = mapped_column(String(500), default="")
    # No ON DELETE: a publisher who leaves is anonymised, never deleted.
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    report: Mapped[CompteRendu] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<ReportVersion report={self.report_id} v{self.number}>"


class ImmutableVersionError(RuntimeError):
    """Someone tried to change or delete a published version: a programming error, never a user's."""


refuse_changes(ReportVersion, ImmutableVersionError,
               changed="A published version is never changed: publish a new one instead.",
               deleted="A published version is never deleted: publish a new one instead.",
               bulk="Published versions are never updated or deleted.")


def can_organise(user) -> bool:
    """Creating rencontres, ateliers and comptes rendus: the coordinators' work."""
    return _is_coordinator(user)
