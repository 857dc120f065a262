"""French display of dates and money; parsing of amounts as people type them.

Times are stored in UTC and shown in Europe/Paris. Money is integer euro cents everywhere.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

PARIS = ZoneInfo("Europe/Paris")
LOCALE = "fr_FR"


def to_paris(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


def format_moment(moment: datetime | None, pattern: str = "d MMMM y 'à' HH:mm") -> str:
    """« 26 novembre 2026 à 11:41 » in Paris time."""
    if moment is None:
        return ""
    return format_datetime(to_paris(moment), pattern, locale=LOCALE)


def format_day(day: date | datetime | None, pattern: str = "d MMMM y") -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = to_paris(day).date()
    return format_date(day, pattern, locale=LOCALE)


def format_count(count: int, singular: str, plural: str | None = None) -> str:
    """1 -> « 1 page », 3 -> « 3 pages »; French keeps the singular for 0 and 1."""
    word = singular if abs(count) < 2 else (plural or f"{singular}s")
    return f"{count} {word}"


def format_duration(seconds: int) -> str:
    """3600 -> « 1 heure », 9000 -> « 2 heures 30 minutes », 600 -> « 10 minutes »."""
    hours, minutes = divmod(int(seconds) // 60, 60)
    parts = []
    if hours:
        parts.append(format_count(hours, "heure"))
    if minutes or not hours:
        parts.append(format_count(minutes, "minute"))
    return " ".join(parts)


NARROW_NBSP, NBSP = "\u202f", "\u00a0"


def format_cents(cents: int | None, with_symbol: bool = True) -> str:
    """12345678 -> « 123 456,78 € » (narrow no-break spaces, as French typography wants).

    Written out rather than asked of Babel: a funding page shows thousands of amounts, Babel takes
    some 100 µs for each, and integer cents need no float (the tests compare both, amount by amount)."""
    if cents is None:
        return ""
    units, decimals = divmod(abs(cents), 100)
    text = f"{'-' if cents < 0 else ''}{units:,}".replace(",", NARROW_NBSP) + f",{decimals:02d}"
    return f"{text}{NBSP}€" if with_symbol else text


class AmountError(ValueError):
    """The text is not an amount in euros."""


_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN = re.compile(r"^(?P<sign>[-+]?)(?P<units>\d+)(?:[.,](?P<decimals>\d{1,2}))?$")
_GROUPED = re.compile(r"^(?P<sign>[-+]?)(?P<units>\d{1,3}(?:[.,]\d{3})+)(?:[.,](?P<decimals>\d{1,2}))?$")


def parse_amount(text: str) -> int:
    """Read « 1 234,56 € », « 1234.56 », « 1.234,56 » or « 1,234.56 » as cents; refuse anything else."""
    cleaned = _SPACES.sub("", (text or "").replace("€", "").replace("EUR", ""))
    if not cleaned:
        raise AmountError("Indiquez un montant.")
    match = _PLAIN.match(cleaned) or _grouped_match(cleaned)
    if not match:
        raise AmountError("Montant illisible : écrivez par exemple 1 234,56 €.")
    units = re.sub(r"[.,]", "", match["units"])
    decimals = (match["decimals"] or "").ljust(2, "0")
    cents = int(units) * 100 + int(decimals or 0)
    return -cents if match["sign"] == "-" else cents


def _grouped_match(cleaned: str):
    """Thousands separators must be consistent and differ from the decimal mark (1.234,56 or 1,234.56)."""
    match = _GROUPED.match(cleaned)
    if not match:
        return None
    separators = set(re.findall(r"[.,]", match["units"]))
    if len(separators) != 1:
        return None
    if match["decimals"] is not None and cleaned[-len(match["decimals"]) - 1] in separators:
        return None
    return match
