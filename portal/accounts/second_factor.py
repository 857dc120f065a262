"""The second factor: one-time codes from an authenticator app (TOTP, RFC 6238) and recovery codes.

Open to everyone, required for admins (``User.second_factor_required``). A code is accepted once:
the 30-second step it belongs to is remembered, so a code read over a shoulder or from a phishing
page cannot be played again. The key is stored encrypted (``portal.core.crypto`` says why).

Also here, because they check the second factor: the second step of a login, and re-authentication
before a sensitive change. Both count their failures in the login throttle, like the password step.
Services flush and never commit.
"""

import hashlib
import hmac
import logging
import re
import secrets

import pyotp
import segno
from sqlalchemy import func, update

from portal.accounts import clock, services, throttle
from portal.accounts.models import RecoveryCode, User
from portal.accounts.passwords import verify_password
from portal.accounts.services import AccountError, LoginResult
from portal.core import audit, crypto
from portal.core.db import db, utcnow

logger = logging.getLogger(__name__)

ISSUER = "Passerelle"
KEY_PURPOSE = "totp-secret"
TOLERATED_STEPS = 1  # one 30-second step either side of now: a phone whose clock drifts a little still works
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper without doubt
RECOVERY_GROUPS, RECOVERY_GROUP_LENGTH = 3, 4  # 12 characters, about 60 random bits

MISSING_CODE = "Indiquez le code à 6 chiffres affiché par votre application, ou un code de secours."
WRONG_CODE = ("Ce code n'est pas valable. Saisissez le code affiché en ce moment par votre application "
              "(vérifiez que l'heure du téléphone est juste), ou un code de secours.")
REUSED_CODE = "Ce code a déjà servi. Attendez le code suivant de votre application (30 secondes au plus)."
UNREADABLE_KEY = ("Votre double authentification ne peut pas être vérifiée. Utilisez un code de secours, ou "
                  "demandez à un administrateur du réseau de la réinitialiser.")


# --- keys and codes --------------------------------------------------------------------------------

def new_secret() -> str:
    """A base32 key of 160 bits, the length RFC 4226 recommends."""
    return pyotp.random_base32(length=32)


def grouped(text: str, size: int = 4) -> str:
    """« JBSW Y3DP EHPK » : easier to copy by hand."""
    return " ".join(text[i:i + size] for i in range(0, len(text), size))


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI, drawn on the server (no script; the CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def _context(user: User) -> str:
    return f"user:{user.id}"


def store_secret(user: User, secret: str) -> None:
    user.totp_secret = crypto.encrypt(secret, KEY_PURPOSE, _context(user))


def _stored_secret(user: User) -> str:
    try:
        return crypto.decrypt(user.totp_secret, KEY_PURPOSE, _context(user))
    except crypto.DecryptionError:
        logger.error("second-factor key of user %s cannot be decrypted (was SECRET_KEY changed?)", user.id)
        raise AccountError(UNREADABLE_KEY, field="code") from None


def _normalise(code: str | None) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def matching_step(secret: str, code: str) -> int | None:
    """The 30-second step, within the tolerated window, whose code is ``code``; None when none is."""
    if not (code.isascii() and code.isdigit()):
        # str.isdigit() also takes "١٢٣٤٥٦" or "²³": compare_digest would raise on such a code (a 500).
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(clock.now()) // totp.interval
    for step in range(now_step - TOLERATED_STEPS, now_step + TOLERATED_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _check_totp(user: User, code: str) -> None:
    secret = _stored_secret(user)
    step = matching_step(secret, code)
    if step is None:
        raise AccountError(WRONG_CODE, field="code")
    if user.totp_last_step is not None and step <= user.totp_last_step:
        raise AccountError(REUSED_CODE, field="code")
    user.totp_last_step = step
    store_secret(user, secret)  # re-encrypted under the current SECRET_KEY once it has been rotated


def verify(user: User, code: str | None) -> str:
    """Check a one-time code or a recovery code (which is then used up): "totp" or "recovery".

    Raises AccountError on the ``code`` field otherwise."""
    cleaned = _normalise(code)
    if not cleaned:
        raise AccountError(MISSING_CODE, field="code")
    if cleaned.isascii() and cleaned.isdigit() and len(cleaned) == 6:
        _check_totp(user, cleaned)
        return "totp"
    if _use_recovery_code(user, cleaned):
        audit.record("second_factor.recovery_code_used", actor=user, target=user.email,
                     remaining=remaining_recovery_codes(user))
        return "recovery"
    raise AccountError(WRONG_CODE, field="code")


# --- recovery codes --------------------------------------------------------------------------------

def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    groups = ("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))
              for _ in range(RECOVERY_GROUPS))
    return "-".join(groups)


def _replace_recovery_codes(user: User) -> list[str]:
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes = [RecoveryCode(code_hash=_hash(code)) for code in codes]  # the old ones: delete-orphan
    db.session.flush()
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    # One UPDATE that only succeeds on an unused code: two requests racing with one code cannot both pass.
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code), RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def remaining_recovery_codes(user: User) -> int:
    query = db.select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    return db.session.execute(query).scalar_one()


# --- turning it on and off -------------------------------------------------------------------------

def enable(user: User, secret: str, code: str | None) -> list[str]:
    """Turn the second factor on once the person proved their app shows the right codes; returns the
    recovery codes, to show once. Every other session of the person ends."""
    step = matching_step(secret, _normalise(code))
    if step is None:
        raise AccountError("Ce code ne correspond pas. Saisissez le code affiché en ce moment par l'application "
                           "après avoir scanné le QR code (vérifiez que l'heure du téléphone est juste).", field="code")
    store_secret(user, secret)
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _replace_recovery_codes(user)
    audit.record("second_factor.enabled", actor=user, target=user.email)
    services.end_all_sessions(user, "second_factor_enabled")
    return codes


def _turn_off(user: User) -> None:
    user.forget_second_factor()
    db.session.flush()


def disable(user: User) -> None:
    if user.second_factor_required():
        raise AccountError("La double authentification est obligatoire pour les administrateurs.")
    _turn_off(user)
    audit.record("second_factor.disabled", actor=user, target=user.email)


def regenerate_recovery_codes(user: User) -> list[str]:
    if not user.has_second_factor:
        raise AccountError("Activez d'abord la double authentification.")
    codes = _replace_recovery_codes(user)
    audit.record("second_factor.recovery_codes_regenerated", actor=user, target=user.email)
    return codes


def reset_by_admin(admin: User, user: User) -> None:
    """For a person who lost both phone and recovery codes; an admin then sets it up again at login."""
    if user.id == admin.id:
        raise AccountError("Gérez votre propre double authentification depuis votre compte.")
    _reset(user, actor=admin)


def reset_from_command_line(user: User) -> None:
    """The last resort of the only admin who lost phone and codes: someone with the server in hand."""
    _reset(user, actor=None, by="command line")


def _reset(user: User, actor: User | None, **details) -> None:
    _turn_off(user)
    services.end_all_sessions(user, "second_factor_reset")
    audit.record("second_factor.reset", actor=actor, target=f"user:{user.id}", **details)


# --- login, second step, and re-authentication ----------------------------------------------------

def verify_login_code(user: User, code: str | None, address: str | None) -> LoginResult:
    """Second step of a login, under the same throttle as the password: the password alone opens nothing."""
    keys = [throttle.account_key(user.email), throttle.address_key(address)]
    if throttle.locked_until(keys):
        audit.record("login.refused_locked", actor=user, target=user.email, step="second_factor")
        return LoginResult(error=services.lock_message(user.email, address))
    try:
        method = verify(user, code)
    except AccountError as error:
        return LoginResult(error=services.register_login_failure(
            user.email, address, user, "login.second_factor_failed", error.message))
    services.complete_login(user, method=method)
    return LoginResult(user=user, method=method)


def confirm_identity(user: User, password: str | None, code: str | None, address: str | None) -> None:
    """Re-authentication before a sensitive change: the password, and the code when the person has a
    second factor. Failures count in the login throttle. Raises AccountError on the failing field."""
    keys = [throttle.account_key(user.email), throttle.address_key(address)]
    if throttle.locked_until(keys):
        raise AccountError(services.lock_message(user.email, address), field="password")
    if not verify_password(user.password_hash, password or ""):
        raise AccountError(services.register_login_failure(
            user.email, address, user, "reauthentication.failed", "Le mot de passe est incorrect."), field="password")
    if user.has_second_factor:
        try:
            verify(user, code)
        except AccountError as error:
            raise AccountError(services.register_login_failure(
                user.email, address, user, "reauthentication.failed", error.message), field="code") from None
    throttle.clear(keys[0])
    audit.record("reauthentication.succeeded", actor=user, target=user.email)


audit.label_actions({
    "login.second_factor_failed": "Échec de connexion : code de vérification",
    "second_factor.enabled": "Double authentification activée",
    "second_factor.disabled": "Double authentification désactivée",
    "second_factor.reset": "Double authentification réinitialisée",
    "second_factor.recovery_codes_regenerated": "Nouveaux codes de secours",
    "second_factor.recovery_code_used": "Connexion avec un code de secours",
    "reauthentication.succeeded": "Identité confirmée avant une modification sensible",
    "reauthentication.failed": "Échec de confirmation d'identité",
}, details={"remaining": "codes restants", "step": "étape", "by": "par"})
