"""iCalendar (RFC 5545) files of the rencontres, written by hand: a dozen properties do not need a library.

What the RFC asks and calendar programs check:
- lines end with CRLF and are folded past 75 octets (UTF-8 octets, never inside a character) with CRLF
  followed by one space (3.1);
- TEXT values escape backslash, semicolon, comma and newlines (3.3.11);
- every event has a UID stable across downloads (so re-importing updates instead of duplicating) and a
  DTSTAMP (3.8.7.2);
- times are written in UTC with the "Z" suffix (3.3.5, form #2): the portal stores UTC, so no VTIMEZONE
  is needed and the calendar shows each partner the right local hour, summer or winter.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

PRODUCT_ID = "-//Passerelle//Rencontres du réseau//FR"
FOLD_AT = 75  # octets per line, CRLF excluded


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime | None = None
    location: str = ""
    description: str = ""
    url: str = ""
    organiser: str = ""
    last_modified: datetime | None = None


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): \\ ; , escaped, every line break as \\n."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never cutting a UTF-8 character."""
    chunks, current, size = [], [], 0
    limit = FOLD_AT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append("".join(current))
            current, size = [], 0
            limit = FOLD_AT - 1  # continuation lines start with the space that marks them
        current.append(char)
        size += width
    chunks.append("".join(current))
    return "\r\n ".join(chunks)


def _event_lines(event: CalendarEvent, stamp: datetime) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{utc_stamp(stamp)}",
             f"DTSTART:{utc_stamp(event.starts_at)}"]
    if event.ends_at is not None:
        lines.append(f"DTEND:{utc_stamp(event.ends_at)}")
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")  # a URI value: not escaped as TEXT
    if event.last_modified is not None:
        lines.append(f"LAST-MODIFIED:{utc_stamp(event.last_modified)}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[CalendarEvent], name: str, stamp: datetime | None = None) -> str:
    """The whole VCALENDAR, lines folded and ended with CRLF."""
    stamp = stamp or datetime.now(UTC)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT_ID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
