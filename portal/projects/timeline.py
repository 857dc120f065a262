"""The timeline of a project page: items contributed by providers, merged newest first.

Projects contributes milestones and revisions; later modules add theirs (the funding ledger's entries...)
by registering a provider, without touching this code::

    @timeline_provider("funding")
    def funding_entries(project, viewer, before, limit):
        query = ... .where(moment_before(Entry.created_at, Entry.id, "funding", before)) ...
        return [TimelineItem(entry.created_at, item_ref("funding", entry.id), "funding/_timeline_item.html", entry)
                for entry in ...]

Each provider returns at most ``limit`` items older than the cursor, newest first, in one query; the page
asks each once, merges, and keeps ``limit``. The cursor is the last item shown (moment, ref), so "older
events" pages never skip nor repeat an item, whatever the number of items.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, or_, true

from portal.core.formatting import PARIS

REF_DIGITS = 12


@dataclass(frozen=True)
class TimelineCursor:
    moment: datetime  # aware
    ref: str

    def encode(self) -> str:
        return f"{self.moment.isoformat()}~{self.ref}"

    @classmethod
    def decode(cls, text: str | None) -> "TimelineCursor | None":
        """The cursor of a URL, or None when absent or not one of ours (the page then starts at the top)."""
        moment_text, _, ref = (text or "").partition("~")
        prefix, _, number = ref.partition("-")
        if not (prefix.isalpha() and number.isdigit()):
            return None
        try:
            moment = datetime.fromisoformat(moment_text)
        except ValueError:
            return None
        return cls(moment, ref) if moment.tzinfo else None

    @property
    def prefix(self) -> str:
        return self.ref.partition("-")[0]

    @property
    def number(self) -> int:
        return int(self.ref.partition("-")[2])


@dataclass(frozen=True)
class TimelineItem:
    moment: datetime  # aware; when the item sits on the timeline
    ref: str  # "<provider>-<zero-padded id>": unique, breaks ties, and is the HTML anchor
    template: str  # partial that renders the item, receives ``item`` and ``project``
    obj: object

    @property
    def cursor(self) -> TimelineCursor:
        return TimelineCursor(self.moment, self.ref)

    @property
    def sort_key(self) -> tuple:
        return (self.moment, self.ref)


Provider = Callable[..., list[TimelineItem]]
_providers: dict[str, Provider] = {}


def timeline_provider(name: str):
    """Register ``provider(project, viewer, before, limit) -> list[TimelineItem]`` under ``name``."""

    def register(provider: Provider) -> Provider:
        _providers[name] = provider
        return provider

    return register


def item_ref(prefix: str, number: int) -> str:
    return f"{prefix}-{number:0{REF_DIGITS}d}"


def build_timeline(project, viewer, before: TimelineCursor | None = None,
                   limit: int = 20) -> tuple[list[TimelineItem], TimelineCursor | None]:
    """The ``limit`` newest items older than ``before``, and the cursor of the next page (or None)."""
    items = []
    for provider in _providers.values():
        items.extend(provider(project, viewer, before, limit + 1))
    items.sort(key=lambda item: item.sort_key, reverse=True)
    shown = items[:limit]
    return shown, (shown[-1].cursor if len(items) > limit else None)


# --- helpers for providers: "older than the cursor" in SQL -------------------------------------------

def _tie(prefix: str, id_column, cursor: TimelineCursor):
    """Items at the cursor's very moment: ordered by ref, i.e. provider name, then id."""
    if prefix == cursor.prefix:
        return id_column < cursor.number
    return true() if prefix < cursor.prefix else None


def moment_before(moment_column, id_column, prefix: str, cursor: TimelineCursor | None):
    """WHERE clause for a provider whose items sit at a datetime column's moment."""
    if cursor is None:
        return true()
    tie = _tie(prefix, id_column, cursor)
    older = moment_column < cursor.moment
    return older if tie is None else or_(older, and_(moment_column == cursor.moment, tie))


def noon_in_paris(day: date) -> datetime:
    """Where a dated item (a milestone of « mars 2009 ») sits among timed ones: midday, Paris time."""
    return datetime.combine(day, time(12), tzinfo=PARIS)


def day_before(date_column, id_column, prefix: str, cursor: TimelineCursor | None):
    """WHERE clause for a provider whose items sit at noon (Paris) of a DATE column."""
    if cursor is None:
        return true()
    day = cursor.moment.astimezone(PARIS).date()
    noon = noon_in_paris(day)
    if cursor.moment > noon:
        return date_column <= day
    if cursor.moment < noon:
        return date_column < day
    tie = _tie(prefix, id_column, cursor)
    return date_column < day if tie is None else or_(date_column < day, and_(date_column == day, tie))
