"""Account rules: logging in, invitations, password reset and change, organisations and users.

Services flush and never commit: the view that calls them commits once.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from blinker import Namespace
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import String, cast, func, or_, update

from portal.accounts import throttle
from portal.accounts.models import Invitation, Organisation, Role, User, find_user_by_email, normalise_email
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.core import audit, integrity
from portal.core.audit import AuditEvent
from portal.core.db import db, utcnow
from portal.core.formatting import format_moment

logger = logging.getLogger(__name__)


# Other modules react to accounts events without accounts knowing them (imports point one way):
# ``invitation_accepted.send(invitation, user=user)`` runs inside the accepting request's transaction.
signals = Namespace()
invitation_accepted = signals.signal("invitation-accepted")


class AccountError(Exception):
    """A rule refused the action; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- login -----------------------------------------------------------------------------------------

@dataclass
class LoginResult:
    user: User | None = None
    error: str | None = None
    needs_second_factor: bool = False  # the password was right; the session waits for the code
    method: str | None = None  # what completed the login: "password", "totp" or "recovery"


LOCKED_MESSAGE = ("Trop de tentatives de connexion. Pour protéger ce compte, la connexion est bloquée "
                  "jusqu'à {until}. Vous pouvez aussi réinitialiser votre mot de passe.")
WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."
DEACTIVATED = "Ce compte a été désactivé. Adressez-vous à la coordination du réseau."


def authenticate(email: str, password: str, address: str | None) -> LoginResult:
    """Check credentials under the throttle; every outcome is audited. With a second factor, a right
    password only leads to the code step: the throttle keeps counting until the code is right too."""
    email = normalise_email(email)
    keys = [throttle.account_key(email), throttle.address_key(address)]
    if throttle.locked_until(keys):
        audit.record("login.refused_locked", target=email)
        return LoginResult(error=lock_message(email, address))
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return LoginResult(error=register_login_failure(email, address, user))
    if not user.active:
        audit.record("login.refused_deactivated", actor=user, target=email)
        return LoginResult(error=DEACTIVATED)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if user.has_second_factor:
        audit.record("login.password_accepted", actor=user, target=email)
        return LoginResult(user=user, needs_second_factor=True)
    complete_login(user, method="password")
    return LoginResult(user=user, method="password")


def register_login_failure(email: str, address: str | None, user: User | None, action: str = "login.failed",
                           message: str = WRONG_CREDENTIALS) -> str:
    """Count a failed password or code against the account and the address; the message to show."""
    config = current_app.config
    audit.record(action, actor=user, target=email)
    locked = throttle.register_failure(throttle.account_key(email), config["LOGIN_MAX_FAILURES_PER_ACCOUNT"])
    locked |= throttle.register_failure(throttle.address_key(address), config["LOGIN_MAX_FAILURES_PER_ADDRESS"])
    if locked:
        audit.record("login.locked", actor=user, target=email)
        return lock_message(email, address)
    return message


def lock_message(email: str, address: str | None) -> str:
    until = throttle.locked_until([throttle.account_key(email), throttle.address_key(address)])
    return LOCKED_MESSAGE.format(until=format_moment(until, "HH:mm") if until else "")


def complete_login(user: User, method: str) -> None:
    user.last_login_at = utcnow()
    throttle.clear(throttle.account_key(user.email))
    audit.record("login.succeeded", actor=user, target=user.email, method=method)


def end_all_sessions(user: User, reason: str) -> None:
    """Rotate the token every session cookie carries: all of this user's sessions end."""
    user.rotate_session_token()
    audit.record(f"sessions.ended.{reason}", actor=user, target=user.email)


# --- signed links ----------------------------------------------------------------------------------

def serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def fingerprint(*values: str | None) -> str:
    return hashlib.sha256("|".join(value or "" for value in values).encode()).hexdigest()[:16]


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does: a reset link works once, then never again."""
    return fingerprint(user.password_hash or "no-password")


def user_for_link(salt: str, token: str, max_age: int, expired: str, fingerprint) -> tuple[User, dict]:
    """The active user a signed link names, and its data, if the link is intact, recent enough and
    its fingerprint still matches (it changes once the link has served); AccountError otherwise."""
    try:
        data = serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise AccountError(expired) from None
    except BadSignature:
        raise AccountError("Ce lien n'est pas valide. Demandez un nouveau lien.") from None
    user_id = data.get("user") if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or data.get("fp") != fingerprint(user):
        raise AccountError("Ce lien a déjà servi ou n'est plus valable. Demandez un nouveau lien.")
    return user, data


def make_reset_token(user: User) -> str:
    return serializer("password-reset").dumps({"user": user.id, "fp": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    """The user a reset link belongs to; AccountError when it is expired, altered or used."""
    user, _ = user_for_link("password-reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"],
                             "Ce lien a expiré (il est valable une heure). Demandez-en un nouveau.",
                             _password_fingerprint)
    return user


def request_password_reset(email: str) -> tuple[User, str] | None:
    """The user and their reset token, or None; the page says the same thing either way."""
    user = find_user_by_email(email)
    audit.record("password.reset_requested", actor=user, target=normalise_email(email))
    # An active account without a password is one brought by ``portal import-network``: this link is how
    # its person chooses one. Anonymised accounts have none either, but they are never active.
    if user is None or not user.active:
        return None
    return user, make_reset_token(user)


def set_password(user: User, password: str, reason: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_all_sessions(user, reason)
    audit.record(f"password.{reason}", actor=user, target=user.email)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError("Le mot de passe actuel est incorrect.", field="current_password")
    set_password(user, new_password, "changed")


def set_notifications(user: User, notify_comments: bool, notify_reports: bool | None = None) -> None:
    """The person chooses whether new comments on their projects, and published comptes rendus, are mailed
    to them (``notify_reports`` None: left as it is)."""
    user.notify_comments = notify_comments
    if notify_reports is not None:
        user.notify_reports = notify_reports
    audit.record("account.notifications", actor=user, target=user.email, notify_comments=notify_comments,
                 notify_reports=user.notify_reports)


# --- invitations -----------------------------------------------------------------------------------

def make_invitation_token(invitation: Invitation) -> str:
    return serializer("invitation").dumps({"invitation": invitation.id})


def invite(inviter: User, email: str, full_name: str, organisation: Organisation, role: str) -> Invitation:
    email = normalise_email(email)
    if role not in inviter.invitable_roles():
        raise AccountError("Vous ne pouvez pas inviter avec ce rôle.", field="role")
    if find_user_by_email(email):
        raise AccountError("Un compte existe déjà avec cette adresse e-mail.", field="email")
    now = utcnow()
    _revoke_pending_invitations(email, now)
    invitation = Invitation(
        email=email, full_name=full_name, organisation=organisation, role=role, invited_by=inviter,
        created_at=now, expires_at=now + timedelta(days=current_app.config["INVITATION_VALID_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.created", actor=inviter, target=email, organisation=organisation.id, role=role)
    return invitation


def _revoke_pending_invitations(email: str, now: datetime) -> None:
    """A new invitation replaces the older ones: only the latest link works."""
    pending = db.session.execute(
        db.select(Invitation).where(Invitation.email == email, Invitation.accepted_at.is_(None),
                                    Invitation.revoked_at.is_(None))
    ).scalars()
    for invitation in pending:
        invitation.revoked_at = now


def invitation_for_token(token: str) -> Invitation:
    try:
        # The signature's own age limit is generous; the row's expiry decides.
        data = serializer("invitation").loads(token, max_age=60 * 60 * 24 * 60)
    except BadSignature:
        raise AccountError("Ce lien d'invitation n'est pas valide.") from None
    invitation = db.session.get(Invitation, data.get("invitation")) if isinstance(data, dict) else None
    if invitation is None:
        raise AccountError("Ce lien d'invitation n'est pas valide.")
    if invitation.accepted_at is not None:
        raise AccountError("Cette invitation a déjà été utilisée. Connectez-vous avec votre mot de passe.")
    if invitation.revoked_at is not None or utcnow() >= invitation.expires_at:
        raise AccountError("Cette invitation a expiré (elle est valable sept jours). "
                           "Demandez à la coordination de vous inviter à nouveau.")
    return invitation


def accept_invitation(invitation: Invitation, full_name: str, password: str) -> User:
    if find_user_by_email(invitation.email):
        raise AccountError("Un compte existe déjà avec cette adresse e-mail. Connectez-vous.")
    user = User(email=invitation.email, full_name=full_name, organisation_id=invitation.organisation_id,
                role=invitation.role, password_hash=hash_password(password), password_changed_at=utcnow())
    db.session.add(user)
    invitation.accepted_at = utcnow()
    db.session.flush()
    audit.record("invitation.accepted", actor=user, target=user.email)
    invitation_accepted.send(invitation, user=user)
    complete_login(user, method="invitation")
    return user


# --- administration --------------------------------------------------------------------------------

def organisation_name_taken(name: str, exclude_id: int | None = None) -> bool:
    query = db.select(Organisation.id).where(db.func.lower(Organisation.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    return db.session.execute(query).first() is not None


def siret_taken(siret: str, exclude_id: int | None = None) -> bool:
    query = db.select(Organisation.id).where(Organisation.siret == siret)
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    return db.session.execute(query).first() is not None


def save_organisation(actor: User, organisation: Organisation, **fields) -> Organisation:
    if organisation_name_taken(fields["name"], organisation.id):
        raise AccountError("Une organisation porte déjà ce nom.", field="name")
    if fields.get("siret") and siret_taken(fields["siret"], organisation.id):
        raise AccountError("Ce SIRET est déjà celui d'une autre organisation.", field="siret")
    for name, value in fields.items():
        setattr(organisation, name, value)
    db.session.add(organisation)
    db.session.flush()
    audit.record("organisation.saved", actor=actor, target=f"organisation:{organisation.id}")
    return organisation


def change_role(actor: User, user: User, role: str) -> None:
    if user.id == actor.id:
        raise AccountError("Vous ne pouvez pas changer votre propre rôle.", field="role")
    if role not in set(Role):
        raise AccountError("Rôle inconnu.", field="role")
    before = user.role
    user.role = role
    audit.record("user.role_changed", actor=actor, target=f"user:{user.id}", before=before, after=role)


def set_active(actor: User, user: User, active: bool) -> None:
    if user.id == actor.id:
        raise AccountError("Vous ne pouvez pas désactiver votre propre compte.")
    if active and user.anonymised_at is not None:
        raise AccountError("Ce compte a été anonymisé : il ne peut plus servir. Si la personne revient, "
                           "invitez-la à nouveau.")
    user.active = active
    if not active:
        end_all_sessions(user, "deactivated")
    audit.record("user.activated" if active else "user.deactivated", actor=actor, target=f"user:{user.id}")


def create_user(email: str, full_name: str, organisation: Organisation, role: str, password: str) -> User:
    """Direct creation, for the command line (create-admin, demo); people arrive by invitation."""
    if find_user_by_email(email):
        raise AccountError("Un compte existe déjà avec cette adresse e-mail.", field="email")
    user = User(email=normalise_email(email), full_name=full_name, organisation=organisation, role=role,
                password_hash=hash_password(password), password_changed_at=utcnow())
    db.session.add(user)
    db.session.flush()
    return user


# --- anonymisation ---------------------------------------------------------------------------------

def anonymous_name(user: User) -> str:
    return f"Compte anonymisé n°{user.id}"


def anonymous_email(user: User) -> str:
    return f"anonyme-{user.id}@invalid"  # .invalid never resolves (RFC 2606): no mail can leave for it


def anonymise_user(actor: User, user: User) -> int:
    """Erase a departed person's personal data and keep their account row; return how many audit
    events had their e-mail as target (rewritten to the anonymous address).

    The row and its id stay, so what the person wrote (ledger entries, comptes rendus, revisions) keeps
    its author, and the ledger chain still verifies: its hashes cover user ids, never names or e-mails.
    The account can no longer log in or be reactivated. Audit events keep what happened, when and from
    which address; only the e-mail they name is replaced.
    """
    if not actor.can_manage_accounts():
        raise AccountError("Seul un administrateur peut anonymiser un compte.", field="confirm")
    if user.id == actor.id:
        raise AccountError("Vous ne pouvez pas anonymiser votre propre compte.", field="confirm")
    if user.anonymised_at is not None:
        raise AccountError("Ce compte est déjà anonymisé.", field="confirm")
    email = user.email
    _anonymise_invitations(user, email)
    rewritten = _anonymise_audit_events(user, {email, *_former_emails(user)})
    throttle.clear(throttle.account_key(email))
    user.full_name, user.email = anonymous_name(user), anonymous_email(user)
    user.password_hash, user.active, user.anonymised_at = None, False, utcnow()
    user.forget_second_factor()
    user.rotate_session_token()  # ends every session, without an audit line naming the old e-mail
    db.session.flush()
    audit.record("user.anonymised", actor=actor, target=f"user:{user.id}", audit_events_rewritten=rewritten)
    return rewritten


def _former_emails(user: User) -> set[str]:
    """Every address the person had or asked for: their e-mail changes are in the audit log."""
    changes = db.session.execute(db.select(AuditEvent.details).where(
        AuditEvent.actor_id == user.id, AuditEvent.action.in_(("email.change_requested", "email.changed")))).scalars()
    return {address for details in changes for key, address in (details or {}).items() if key.endswith("email")}


def _anonymise_audit_events(user: User, emails: set[str]) -> int:
    """Events naming one of the person's addresses point to the anonymous one; the details of their
    e-mail changes (the addresses themselves) are emptied. Returns how many targets were rewritten."""
    rewritten = db.session.execute(
        update(AuditEvent).where(func.lower(AuditEvent.target).in_(emails)).values(target=anonymous_email(user))
    ).rowcount
    db.session.execute(update(AuditEvent).where(
        AuditEvent.actor_id == user.id, AuditEvent.action.like("email.%")).values(details={}))
    return rewritten


def _anonymise_invitations(user: User, email: str) -> None:
    """Invitations sent to the person hold their name and e-mail too; a pending one is revoked."""
    now = utcnow()
    for invitation in db.session.execute(db.select(Invitation).where(Invitation.email == email)).scalars():
        invitation.email, invitation.full_name = anonymous_email(user), anonymous_name(user)
        if invitation.accepted_at is None and invitation.revoked_at is None:
            invitation.revoked_at = now


@integrity.verifier("accounts.anonymised", "Comptes anonymisés sans donnée personnelle")
def verify_anonymised_accounts() -> integrity.Verdict:
    anonymised = User.anonymised_at.is_not(None)
    leaking = db.session.execute(db.select(User.id).where(anonymised, or_(
        User.password_hash.is_not(None), User.active, User.totp_secret.is_not(None),
        User.email != "anonyme-" + cast(User.id, String) + "@invalid",
        User.full_name != "Compte anonymisé n°" + cast(User.id, String),
    )).order_by(User.id)).scalars().all()
    if leaking:
        numbers = ", ".join(f"n°{user_id}" for user_id in leaking)
        return integrity.Verdict(False, f"Comptes anonymisés qui gardent des données : {numbers}.")
    count = db.session.scalar(db.select(func.count()).where(anonymised))
    return integrity.Verdict(True, f"{count} compte(s) anonymisé(s), aucun ne garde de donnée personnelle.")


audit.label_actions({
    "login.succeeded": "Connexion",
    "login.failed": "Échec de connexion",
    "login.locked": "Connexion bloquée après trop d'échecs",
    "login.refused_locked": "Connexion refusée : blocage en cours",
    "login.refused_deactivated": "Connexion refusée : compte désactivé",
    "sessions.ended.logout": "Déconnexion",
    "sessions.ended.changed": "Sessions fermées : mot de passe changé",
    "sessions.ended.reset": "Sessions fermées : mot de passe réinitialisé",
    "sessions.ended.deactivated": "Sessions fermées : compte désactivé",
    "sessions.ended.others": "Autres sessions fermées à la demande de la personne",
    "sessions.ended.second_factor_enabled": "Sessions fermées : double authentification activée",
    "sessions.ended.second_factor_reset": "Sessions fermées : double authentification réinitialisée",
    "login.password_accepted": "Mot de passe accepté, code de vérification attendu",
    "password.reset_requested": "Demande de nouveau mot de passe",
    "password.changed": "Mot de passe changé",
    "password.reset": "Mot de passe réinitialisé",
    "invitation.created": "Invitation envoyée",
    "invitation.accepted": "Invitation acceptée",
    "organisation.saved": "Organisation enregistrée",
    "user.role_changed": "Rôle changé",
    "user.activated": "Compte réactivé",
    "user.deactivated": "Compte désactivé",
    "user.anonymised": "Compte anonymisé",
}, details={
    "before": "avant", "after": "après", "organisation": "organisation n°", "role": "rôle",
    "audit_events_rewritten": "événements réécrits", "method": "moyen de connexion",
})
