"""The signed session of a person: when it started, when it was last used, when the password was last
typed, and the half-way state of a two-step login.

Sessions are signed cookies (no server-side store). Lifetimes (OWASP ASVS 3.3) are checked on every
request from the timestamps the cookie carries, so a copied cookie ages exactly like the original; the
per-user ``session_token`` inside it ends every session of a person at once.
"""

from datetime import UTC, datetime
from functools import wraps

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal.accounts import clock
from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db
from portal.core.formatting import format_duration
from portal.core.permissions import current_actor

STARTED_AT = "started_at"
LAST_SEEN_AT = "last_seen_at"
AUTHENTICATED_AT = "authenticated_at"  # the last time the password (and code) were typed
PENDING_LOGIN = "second_factor_pending"

# What an admin who has no second factor yet may reach: setting it up, and leaving.
SECOND_FACTOR_SETUP_ENDPOINTS = frozenset({
    "accounts.second_factor", "accounts.reauthenticate", "accounts.logout", "dashboard.accessibility",
    "dashboard.healthz", "static",
})


def user_for_session_id(session_id: str | None) -> User | None:
    """Session ids are "<user id>:<session token>": a rotated token ends the session."""
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def start(user: User) -> None:
    """A brand-new session on every login, so a session planted before login is worthless."""
    session.clear()
    login_user(user)
    session.permanent = True
    now = clock.now()
    session[STARTED_AT] = session[LAST_SEEN_AT] = session[AUTHENTICATED_AT] = now


def continue_with_new_token(user: User) -> None:
    """After the person's token rotated (other sessions ended), this session carries the new one and
    keeps its timestamps: ending the others must not lengthen this one."""
    login_user(user)


def started_at() -> datetime | None:
    started = session.get(STARTED_AT)
    return datetime.fromtimestamp(started, UTC) if isinstance(started, int | float) else None


def end() -> None:
    logout_user()
    session.clear()


# --- lifetimes ------------------------------------------------------------------------------------

def _seconds(setting: str) -> int:
    return int(current_app.config[setting])


def expiry_reason() -> str | None:
    """"idle" or "absolute" when the session is past one of its lifetimes. A session without its
    timestamps (made before they existed, or not by this portal) is not trusted."""
    started, seen = session.get(STARTED_AT), session.get(LAST_SEEN_AT, session.get(STARTED_AT))
    if not isinstance(started, int | float) or not isinstance(seen, int | float):
        return "absolute"
    now = clock.now()
    if now - started > _seconds("SESSION_ABSOLUTE_LIFETIME"):
        return "absolute"
    if now - seen > _seconds("SESSION_IDLE_TIMEOUT"):
        return "idle"
    return None


def expiry_message(reason: str) -> str:
    if reason == "idle":
        idle = format_duration(_seconds("SESSION_IDLE_TIMEOUT"))
        return f"Votre session a été fermée après {idle} sans activité. Reconnectez-vous pour continuer."
    longest = format_duration(_seconds("SESSION_ABSOLUTE_LIFETIME"))
    return f"Par sécurité, une session dure au plus {longest}. Reconnectez-vous pour continuer."


def _end_expired_session(reason: str):
    audit.record_now("session.expired", actor=current_actor(), reason=reason)
    end()
    flash(expiry_message(reason), "info")
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.login", next=next_url))


def enforce_session_rules():
    """Before every request: end a session past its lifetimes, note this request as activity, and keep
    an admin without a second factor on its setup page."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    reason = expiry_reason()
    if reason:
        return _end_expired_session(reason)
    session[LAST_SEEN_AT] = clock.now()
    if current_user.must_set_up_second_factor() and request.endpoint not in SECOND_FACTOR_SETUP_ENDPOINTS:
        flash("Les comptes administrateur doivent activer la double authentification avant de continuer.", "warning")
        return redirect(url_for("accounts.second_factor"))
    return None


# --- re-authentication ----------------------------------------------------------------------------

def mark_authenticated() -> None:
    session[AUTHENTICATED_AT] = clock.now()


def recently_authenticated() -> bool:
    when = session.get(AUTHENTICATED_AT)
    return isinstance(when, int | float) and clock.now() - when <= _seconds("REAUTHENTICATION_WINDOW")


def recent_authentication_required(return_to: str | None = None):
    """The view needs the password typed recently; otherwise the re-authentication page asks for it,
    then comes back. A GET comes back to itself; a POST to ``return_to`` (the page with its form),
    since a form post cannot be replayed."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if recently_authenticated():
                return view(*args, **kwargs)
            if request.method == "GET" or return_to is None:
                target = request.full_path.rstrip("?") if request.method == "GET" else request.path
            else:
                target = url_for(return_to)
            return redirect(url_for("accounts.reauthenticate", next=target))

        return wrapped

    return decorator


# --- the half-way state of a two-step login -------------------------------------------------------

def begin_second_factor(user: User, next_url: str | None) -> None:
    """The password was right; remember whom the code is for. This grants nothing: the person stays
    anonymous to every page until the code is right."""
    session.clear()
    session[PENDING_LOGIN] = {"user": user.get_id(), "since": clock.now(), "next": next_url}


def pending_second_factor() -> tuple[User, str | None] | None:
    """The user waiting for their code and where they were going, while the step is still open."""
    pending = session.get(PENDING_LOGIN)
    if not isinstance(pending, dict) or not isinstance(pending.get("since"), int | float):
        return None
    if clock.now() - pending["since"] > _seconds("SECOND_FACTOR_STEP_TIMEOUT"):
        return None
    user = user_for_session_id(pending.get("user"))
    return (user, pending.get("next")) if user else None


audit.label_actions({"session.expired": "Session expirée"}, details={"reason": "raison"})
