"""Projects (the network's actions), their partners, members, taxonomy, and the rules of who sees and
changes them. The story of a project (revisions, milestones, comments) lives in ``history.py``."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    exists,
    false,
    or_,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Invitation, Organisation, Territory, User, enum_check
from portal.core.choices import LabelledChoice
from portal.core.db import UTCDateTime, db, utcnow
from portal.core.partial_dates import PartialDate, Precision


class Status(LabelledChoice):
    EN_PROJET = "en_projet", "En projet"
    EN_COURS = "en_cours", "En cours"
    EN_PAUSE = "en_pause", "En pause"
    TERMINE = "termine", "Terminé"


class Visibility(LabelledChoice):
    NETWORK = "network", "Tout le réseau"
    PARTNERS = "partners", "Les organisations du projet seulement"


class PartnerRole(LabelledChoice):
    CO_PORTEUR = "co_porteur", "Co-porteur"
    FINANCEUR = "financeur", "Financeur"
    OPERATIONNEL = "operationnel", "Partenaire opérationnel"


class MemberRole(LabelledChoice):
    COMITE_TECHNIQUE = "comite_technique", "Comité technique"
    ANIMATION = "animation", "Animateur·rice"
    BENEVOLE = "benevole", "Bénévole"
    PERSONNE_CONCERNEE = "personne_concernee", "Personne concernée"


def _check(column: str, values) -> CheckConstraint:
    return CheckConstraint(enum_check(column, values), name=column)


# --- taxonomy: lists coordinators edit ---------------------------------------------------------------

class Theme(db.Model):
    """What an action works on (isolement, parentalité, échange de savoirs...)."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Public(db.Model):
    """Who an action is for; publics change during a project's life, so the list is editable too."""

    __tablename__ = "publics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The taxonomy rows are never deleted while a project uses them (RESTRICT), so a project cannot lose a
# theme behind its revisions' back; the association rows go with their project (CASCADE).
project_themes = Table(
    "project_themes", db.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="RESTRICT"), primary_key=True, index=True),
)
project_publics = Table(
    "project_publics", db.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("public_id", ForeignKey("publics.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


# --- projects ----------------------------------------------------------------------------------------

class Project(db.Model):
    __tablename__ = "projects"
    __table_args__ = (
        _check("status", Status),
        _check("visibility", Visibility),
        _check("territory_kind", Territory),
        _check("start_precision", Precision),
        _check("end_precision", Precision),
        # The directory lists projects alphabetically and pages by (title_sort, id): one index walk per page.
        Index("ix_projects_title_sort_id", "title_sort", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # Lower case without accents, kept by the service: « Écoute » sorts with the E on every engine.
    title_sort: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    carrier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=Status.EN_COURS, index=True)
    start_date: Mapped[date | None] = mapped_column(Date, index=True)
    start_precision: Mapped[str | None] = mapped_column(String(5))
    end_date: Mapped[date | None] = mapped_column(Date, index=True)
    end_precision: Mapped[str | None] = mapped_column(String(5))
    territory_kind: Mapped[str | None] = mapped_column(String(20), index=True)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.NETWORK, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Optimistic lock: every UPDATE of the row checks and bumps it; the edit form carries it (hidden).
    version: Mapped[int] = mapped_column(Integer, default=1)

    carrier: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)
    partners: Mapped[list["ProjectPartner"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectPartner.id")
    members: Mapped[list["ProjectMember"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectMember.id")
    themes: Mapped[list[Theme]] = relationship(secondary=project_themes, order_by=Theme.name)
    publics: Mapped[list[Public]] = relationship(secondary=project_publics, order_by=Public.name)
    communes: Mapped[list["ProjectCommune"]] = relationship(
        cascade="all, delete-orphan", order_by="ProjectCommune.name")

    __mapper_args__ = {"version_id_col": version}

    # --- values as people read them ------------------------------------------------------------
    @property
    def status_label(self) -> str:
        return Status.label_of(self.status)

    @property
    def visibility_label(self) -> str:
        return Visibility.label_of(self.visibility)

    @property
    def territory_label(self) -> str:
        return Territory(self.territory_kind).label if self.territory_kind else ""

    @property
    def start(self) -> PartialDate | None:
        return PartialDate.from_columns(self.start_date, self.start_precision)

    @property
    def end(self) -> PartialDate | None:
        return PartialDate.from_columns(self.end_date, self.end_precision)

    @property
    def commune_names(self) -> list[str]:
        return [commune.name for commune in self.communes]

    @property
    def organisation_ids(self) -> set[int]:
        """The carrier and every partner organisation: "the project's organisations"."""
        return {self.carrier_id, *(partner.organisation_id for partner in self.partners)}

    def partner_role_of(self, organisation_id: int) -> str | None:
        return next((p.role for p in self.partners if p.organisation_id == organisation_id), None)

    # --- permissions (views and templates call these, nothing else decides) -----------------------
    def can_view(self, user) -> bool:
        """Coordinators see everything; `network` projects every logged-in partner; `partners` projects
        only the people of the carrier and partner organisations."""
        if not _is_active_user(user):
            return False
        if user.is_coordinator or self.visibility == Visibility.NETWORK:
            return True
        return user.organisation_id in self.organisation_ids

    def can_edit(self, user) -> bool:
        """Coordinators, the carrier and the co-carriers (partners with the co-porteur role)."""
        if not _is_active_user(user):
            return False
        if user.is_coordinator or user.organisation_id == self.carrier_id:
            return True
        return self.partner_role_of(user.organisation_id) == PartnerRole.CO_PORTEUR

    def can_comment(self, user) -> bool:
        """Discussion is open to everyone who can see the page: partners talk to each other there."""
        return self.can_view(user)

    def can_manage_members(self, user) -> bool:
        return self.can_edit(user)

    def can_add_milestone(self, user) -> bool:
        return self.can_edit(user)

    def can_invite_people(self, user) -> bool:
        """Inviting a person concerned creates an account: the coordinators' right (as every invitation)."""
        return self.can_view(user) and user.can_invite()

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.title!r}>"


def _is_active_user(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def can_create_project(user) -> bool:
    """Any active person creates a project for their organisation; coordinators for any organisation."""
    return _is_active_user(user)


def can_change_carrier(user) -> bool:
    """Handing a project to another organisation would take it away from its people: coordinators only."""
    return _is_active_user(user) and user.is_coordinator


def can_manage_taxonomy(user) -> bool:
    return _is_active_user(user) and user.is_coordinator


def visibility_clause(user):
    """The SQL condition "this user may see the project": the same rule as ``Project.can_view``."""
    if not _is_active_user(user):
        return false()
    if user.is_coordinator:
        return true()
    partner_of_project = exists().where(ProjectPartner.project_id == Project.id,
                                        ProjectPartner.organisation_id == user.organisation_id)
    return or_(Project.visibility == Visibility.NETWORK, Project.carrier_id == user.organisation_id,
               partner_of_project)


def visible_projects(user):
    """SELECT of the projects this user may see: every listing starts here, so none leaks a restricted one."""
    return db.select(Project).where(visibility_clause(user))


def concerning_clause(user):
    """Projects the person's organisation carries or partners, or that they are a member of."""
    return or_(
        Project.carrier_id == user.organisation_id,
        exists().where(ProjectPartner.project_id == Project.id,
                       ProjectPartner.organisation_id == user.organisation_id),
        exists().where(ProjectMember.project_id == Project.id, ProjectMember.user_id == user.id),
    )


class ProjectCommune(db.Model):
    """One commune where the action takes place (a row each, so the directory filters by index)."""

    __tablename__ = "project_communes"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), primary_key=True, index=True)


class _Role:
    """A row whose ``role`` is one of ``ROLES`` (a LabelledChoice), read by people as ``role_label``."""

    ROLES: type[LabelledChoice]

    @property
    def role_label(self) -> str:
        return self.ROLES.label_of(self.role)


class ProjectPartner(_Role, db.Model):
    ROLES = PartnerRole
    __tablename__ = "project_partners"
    __table_args__ = (
        UniqueConstraint("project_id", "organisation_id"),
        _check("role", PartnerRole),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    project: Mapped[Project] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)


class ProjectMember(_Role, db.Model):
    """A person attached to a project with their role in it (people concerned are co-actors)."""

    ROLES = MemberRole
    __tablename__ = "project_members"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id"),
        _check("role", MemberRole),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class ProjectInvitation(_Role, db.Model):
    """An account invitation that also makes the person a member of a project once accepted.

    Kept beside ``Invitation`` rather than in it, so accounts knows nothing of projects (imports point one
    way); accepting the invitation sends a signal that ``projects.services.members`` answers.
    """

    ROLES = MemberRole
    __tablename__ = "project_invitations"
    __table_args__ = (_check("role", MemberRole),)

    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    invitation: Mapped[Invitation] = relationship(lazy="joined", innerjoin=True)
    project: Mapped[Project] = relationship()
