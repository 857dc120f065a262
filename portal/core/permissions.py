"""Route guards. Object-level rules live on the objects themselves (``project.can_view(user)``...)."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


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
