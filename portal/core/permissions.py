"""Route guards. Object-level rules live on the objects themselves (``project.can_view(user)``...).

Every refusal is audited: ``abort(403)`` through the error handler, and a view that refuses a
protected object calls ``refuse(404, target=...)`` (not visible) or ``refuse(403, ...)`` (visible,
action not allowed), which records who tried what before answering.
"""

from functools import wraps
from typing import NoReturn

from flask import abort, g, request
from flask_login import current_user, login_required

from portal.core import audit


def require(predicate):
    """Log-in required, then ``predicate(current_user)`` or 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = require(lambda user: user.can_manage_accounts())
coordinator_required = require(lambda user: user.is_coordinator)
inviter_required = require(lambda user: user.can_invite())


def current_actor():
    """The logged-in user as a plain object (not the proxy), to hand to services and relationships."""
    return current_user._get_current_object()


def record_refusal(status: int, target: str | None = None, **details) -> None:
    """Audit an access refused to the current person (once per request)."""
    if g.get("access_refusal_recorded"):
        return
    g.access_refusal_recorded = True
    actor = current_actor() if current_user.is_authenticated else None
    audit.record_now("access.refused", actor=actor, target=target or request.path, status=status,
                     http_method=request.method, **details)


def refuse(status: int = 404, target: str | None = None, **details) -> NoReturn:
    """Refuse access to a protected object, audited: 404 when the person may not see it (its existence
    stays hidden), 403 for an action on something they see. ``target`` names the object
    ("project:12"); the request path is used otherwise."""
    record_refusal(status, target, **details)
    abort(status)


audit.label_actions({"access.refused": "Accès refusé"}, details={"status": "code HTTP", "http_method": "requête"})
