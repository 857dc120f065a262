"""A service's refusal, and how a view turns it into a French message next to the field it names.

Each module's services raise their own subclass (``ProjectError``, ``MeetingError``); views run them
through ``attempt`` so that a refusal never reaches the person as a 500 and never leaves half a change.
"""

from collections.abc import Callable
from dataclasses import dataclass

from portal.core.db import db


class Refusal(Exception):
    """A rule refused the action; ``field`` names the form field the French message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Attempt:
    ok: bool
    result: object = None


def attempt(form, action: Callable) -> Attempt:
    """Run a service: commit once when it succeeds; when it refuses, roll back whatever it flushed and put
    its French message next to the field it names."""
    try:
        result = action()
    except Refusal as error:
        db.session.rollback()
        form.add_error(error.field, error.message)
        return Attempt(False)
    db.session.commit()
    return Attempt(True, result)
