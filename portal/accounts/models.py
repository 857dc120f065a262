"""Organisations of the network and the people who log in for them."""

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import UTCDateTime, db, utcnow


class OrganisationKind(enum.StrEnum):
    FEDERATION = "federation"
    CAF = "caf"
    DEPARTEMENT = "departement"
    CENTRE_SOCIAL = "centre_social"
    ASSOCIATION = "association"
    COMMUNE = "commune"
    ETAT = "etat"
    AUTRE = "autre"

    @property
    def label(self) -> str:
        return ORGANISATION_KIND_LABELS[self]


ORGANISATION_KIND_LABELS = {
    OrganisationKind.FEDERATION: "Fédération",
    OrganisationKind.CAF: "CAF",
    OrganisationKind.DEPARTEMENT: "Département",
    OrganisationKind.CENTRE_SOCIAL: "Centre social",
    OrganisationKind.ASSOCIATION: "Association",
    OrganisationKind.COMMUNE: "Commune",
    OrganisationKind.ETAT: "État",
    OrganisationKind.AUTRE: "Autre",
}


class Territory(enum.StrEnum):
    URBAIN = "urbain"
    PERIURBAIN = "periurbain"
    RURAL = "rural"

    @property
    def label(self) -> str:
        return TERRITORY_LABELS[self]


TERRITORY_LABELS = {Territory.URBAIN: "Urbain", Territory.PERIURBAIN: "Périurbain", Territory.RURAL: "Rural"}


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {Role.ADMIN: "Administrateur·rice", Role.COORDINATOR: "Coordinateur·rice", Role.MEMBER: "Membre"}


def enum_check(column: str, values: type[enum.StrEnum]) -> str:
    """SQL for a CHECK constraint keeping a string column within an enum's values."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({allowed})"


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(enum_check("kind", OrganisationKind), name="kind"),
        CheckConstraint(enum_check("territory", Territory), name="territory"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    commune: Mapped[str | None] = mapped_column(String(120))
    territory: Mapped[str | None] = mapped_column(String(20))
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="organisation", order_by="User.full_name")

    @property
    def kind_label(self) -> str:
        return OrganisationKind(self.kind).label

    @property
    def territory_label(self) -> str:
        return Territory(self.territory).label if self.territory else ""

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(enum_check("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint holds whatever case people type.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Part of every session cookie: changing it ends every session of this user at once.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Mail me each new comment on the projects I am a member of (turned off on the account page).
    notify_comments: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Mail me the comptes rendus the coordination publishes (the coordinator chooses who is told; this says no).
    notify_reports: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Set when an admin anonymised this departed person: the row stays so that what they wrote keeps
    # its author, but their name, e-mail and password are gone (services.anonymise_user).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factor (TOTP, RFC 6238): the key, encrypted (portal.accounts.second_factor), and the last
    # 30-second step a code was accepted for, so that a code seen once cannot be used again.
    totp_secret: Mapped[str | None] = mapped_column(String(200))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    organisation: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")
    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True)

    # --- Flask-Login -------------------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    # --- roles ---------------------------------------------------------------------------------
    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and admins: they see everything and publish."""
        return self.role in (Role.ADMIN, Role.COORDINATOR)

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def can_invite(self) -> bool:
        return self.active and self.is_coordinator

    def invitable_roles(self) -> list[Role]:
        """Coordinators invite members and coordinators; only an admin creates another admin."""
        if self.is_admin:
            return [Role.MEMBER, Role.COORDINATOR, Role.ADMIN]
        return [Role.MEMBER, Role.COORDINATOR] if self.is_coordinator else []

    def can_manage_accounts(self) -> bool:
        return self.active and self.is_admin

    def can_anonymise(self, other: "User") -> bool:
        """An admin anonymises someone else's account, once."""
        return self.can_manage_accounts() and other.id != self.id and other.anonymised_at is None

    # --- second factor -------------------------------------------------------------------------
    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None

    def second_factor_required(self) -> bool:
        """Admins hold every key of the network: a password alone is not enough for them."""
        return self.is_admin

    def must_set_up_second_factor(self) -> bool:
        return self.second_factor_required() and not self.has_second_factor

    def forget_second_factor(self) -> None:
        """Key, replay memory and recovery codes gone (the codes by delete-orphan at the next flush)."""
        self.totp_secret = self.totp_enabled_at = self.totp_last_step = None
        self.recovery_codes.clear()

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(db.select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


class Invitation(db.Model):
    """An e-mail invited into an organisation with a role; its link is single-use and valid seven days."""

    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint(enum_check("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[str] = mapped_column(String(20))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def is_usable(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class RecoveryCode(db.Model):
    """One of the single-use codes that replace the one-time code when the phone is lost.

    Only a SHA-256 of the code is kept: codes carry about 60 random bits, so a slow hash adds nothing."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class ThrottleBucket(db.Model):
    """Recent login failures for one key ("account:<email>" or "address:<ip>"), shared by every worker."""

    __tablename__ = "throttle_buckets"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


