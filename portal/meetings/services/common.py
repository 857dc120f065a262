"""What every meetings service shares: the domain error and the checks of typed text."""

from portal.core.refusals import Refusal


class MeetingError(Refusal):
    """A rule of the meetings refused the action (message and field: ``portal.core.refusals.Refusal``)."""


def require_text(value: str | None, field: str, label: str, limit: int) -> str:
    """Services check what forms check too: the demo and the commands call them directly."""
    value = (value or "").strip()
    if not value:
        raise MeetingError(f"{label} est obligatoire.", field)
    if len(value) > limit:
        raise MeetingError(f"{label} : {limit} caractères au plus.", field)
    return value


def optional_text(value: str | None, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise MeetingError(f"{label} : {limit} caractères au plus.", field)
    return value
