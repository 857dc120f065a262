"""The story of a project: revisions (every change, who, when, why, before and after), milestones (dated
entries of the action's life) and comments (the partners' discussion)."""

from datetime import date, datetime, timedelta

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User, enum_check
from portal.core.choices import LabelledChoice
from portal.core.db import UTCDateTime, db, utcnow
from portal.core.partial_dates import PartialDate, Precision
from portal.projects.models.projects import Project


class RevisionScope(LabelledChoice):
    """What a revision changed: the page's fields, its members, or its milestones."""

    PAGE = "page", "Fiche du projet"
    MEMBERS = "members", "Membres"
    MILESTONES = "milestones", "Jalons"


class Revision(db.Model):
    """One change to a project. ``before`` and ``after`` hold the changed fields only, as people read them
    (organisation and theme names, labels): renaming a theme later does not rewrite what history says."""

    __tablename__ = "project_revisions"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        CheckConstraint(enum_check("scope", RevisionScope), name="scope"),
        Index("ix_project_revisions_project_id_created_at", "project_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... per project; 1 is the creation
    scope: Mapped[str] = mapped_column(String(20), default=RevisionScope.PAGE)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    subject: Mapped[str | None] = mapped_column(String(300))  # e.g. the milestone or person concerned
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    # The project's version once this revision is written (page revisions only): a stale edit form names
    # the revisions written since the version it was loaded at.
    project_version: Mapped[int | None] = mapped_column(Integer)

    project: Mapped[Project] = relationship()
    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_creation(self) -> bool:
        return self.number == 1

    @property
    def changed_fields(self) -> list[str]:
        return list(dict.fromkeys([*self.before, *self.after]))

    @property
    def scope_label(self) -> str:
        return RevisionScope.label_of(self.scope)


class MilestoneKind(LabelledChoice):
    LANCEMENT = "lancement", "Lancement"
    REORIENTATION = "reorientation", "Réorientation"
    NOUVEAU_PUBLIC = "nouveau_public", "Nouveau public"
    NOUVEAU_PARTENAIRE = "nouveau_partenaire", "Nouveau partenaire"
    BILAN = "bilan", "Bilan"
    AUTRE = "autre", "Autre"


class Milestone(db.Model):
    """A dated entry of the action's story, possibly long ago and known only to the year ("2009")."""

    __tablename__ = "project_milestones"
    __table_args__ = (
        CheckConstraint(enum_check("kind", MilestoneKind), name="kind"),
        CheckConstraint(enum_check("precision", Precision), name="precision"),
        Index("ix_project_milestones_project_id_happened_on", "project_id", "happened_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    happened_on: Mapped[date] = mapped_column(Date)  # first day of the period
    precision: Mapped[str] = mapped_column(String(5))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship()
    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def when(self) -> PartialDate:
        return PartialDate(self.happened_on, Precision(self.precision))

    @property
    def kind_label(self) -> str:
        return MilestoneKind.label_of(self.kind)

    def summary(self) -> str:
        """One line that names the milestone in a revision: « 2009 — Réorientation : titre »."""
        return f"{self.when.display()} — {self.kind_label} : {self.title}"


class Comment(db.Model):
    """A message of the partners' discussion. Deleting it erases the text and keeps who deleted it and when."""

    __tablename__ = "project_comments"
    __table_args__ = (Index("ix_project_comments_project_id_id", "project_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    project: Mapped[Project] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined", innerjoin=True)
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_id], lazy="joined")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def editable_until(self, window: timedelta) -> datetime:
        return self.created_at + window

    def can_edit(self, user, window: timedelta, now: datetime | None = None) -> bool:
        """Its author, for a while after posting (then the text is what others have read and answered)."""
        if self.is_deleted or user is None or not getattr(user, "is_authenticated", False):
            return False
        return user.id == self.author_id and (now or utcnow()) < self.editable_until(window)

    def can_delete(self, user) -> bool:
        """Its author at any time, and coordinators (moderation)."""
        if self.is_deleted or user is None or not getattr(user, "is_authenticated", False):
            return False
        return user.id == self.author_id or user.is_coordinator
