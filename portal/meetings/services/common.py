"""What every meetings service shares: the domain error and the checks of typed text."""


class MeetingError(Exception):
    """A rule refused the action; ``field`` names the form field the French message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


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
