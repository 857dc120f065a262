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

    # Services check typed text as forms do, because the demo, the commands and the imports call them
    # directly. Class methods, so that each module's refusal is the one raised (``ProjectError``...).
    @classmethod
    def require_text(cls, value: str | None, field: str, label: str, limit: int) -> str:
        """The text, stripped; refused when empty or longer than ``limit``."""
        value = (value or "").strip()
        if not value:
            raise cls(f"{label} est obligatoire.", field)
        return cls.optional_text(value, field, label, limit)

    @classmethod
    def optional_text(cls, value: str | None, field: str, label: str, limit: int) -> str:
        """The text, stripped (possibly empty); refused when longer than ``limit``."""
        value = (value or "").strip()
        if len(value) > limit:
            raise cls(f"{label} : {limit} caractères au plus.", field)
        return value


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
