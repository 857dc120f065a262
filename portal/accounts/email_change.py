"""Changing one's e-mail address: a link mailed to the new address confirms it (24 hours, single use),
and the old address is told. Nothing changes until the link is opened.

Services flush and never commit.
"""

from flask import current_app

from portal.accounts.models import User, find_user_by_email, normalise_email
from portal.accounts.services import AccountError, fingerprint, serializer, user_for_link
from portal.core import audit
from portal.core.db import db

SALT = "email-change"


def _email_fingerprint(user: User) -> str:
    """Changes with the address and with the password: a confirmation link serves once, and changing
    one's password (what the notice to the old address advises) cancels every pending link."""
    return fingerprint(user.email, user.password_hash)


def _check_email_free(email: str, user: User) -> None:
    if email == user.email:
        raise AccountError("C'est déjà l'adresse de votre compte.", field="email")
    if find_user_by_email(email):
        raise AccountError("Un compte existe déjà avec cette adresse e-mail.", field="email")


def request_email_change(user: User, new_email: str) -> str:
    """The token of the confirmation link to mail to the new address."""
    new_email = normalise_email(new_email)
    _check_email_free(new_email, user)
    audit.record("email.change_requested", actor=user, target=f"user:{user.id}", new_email=new_email)
    return serializer(SALT).dumps({"user": user.id, "email": new_email, "fp": _email_fingerprint(user)})


def email_change_for_token(token: str) -> tuple[User, str]:
    """The user and the new address of a confirmation link; AccountError when expired, altered or used."""
    user, data = user_for_link(SALT, token, current_app.config["EMAIL_CHANGE_MAX_AGE"],
                               "Ce lien a expiré (il est valable 24 heures). Refaites la demande depuis votre compte.",
                               _email_fingerprint)
    return user, normalise_email(str(data.get("email")))


def change_email(user: User, new_email: str) -> str:
    """Give the account its confirmed new address; returns the old one (to tell it). The audit event
    keeps both addresses, which anonymisation erases with the others (services.anonymise_user)."""
    _check_email_free(new_email, user)
    old_email = user.email
    user.email = new_email
    db.session.flush()
    audit.record("email.changed", actor=user, target=f"user:{user.id}", previous_email=old_email,
                 new_email=new_email)
    return old_email


audit.label_actions({
    "email.change_requested": "Demande de changement d'adresse e-mail",
    "email.changed": "Adresse e-mail changée",
}, details={"previous_email": "ancienne adresse", "new_email": "nouvelle adresse"})
