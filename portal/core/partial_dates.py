"""Dates as people know them in a project's story: a year ("2009"), a month ("mars 2009") or a day.

A partial date is stored as two columns: the first day of the period (a real DATE, so it sorts and filters
in SQL) and its precision. It is read from what people type in French and written back the same way.
"""

import re
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from portal.core.choices import LabelledChoice
from portal.core.formatting import LOCALE
from portal.core.text import fold

MIN_YEAR, MAX_YEAR = 1900, 2100


class Precision(LabelledChoice):
    YEAR = "year", "Année"
    MONTH = "month", "Mois"
    DAY = "day", "Jour"


class PartialDateError(ValueError):
    """The text is not a date; the message says why, in French."""


EXAMPLES = "par exemple 2009, 03/2009, mars 2009 ou 15/03/2009"

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}
MONTH_NAMES = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre"]

_SEP = r"\s*[/.\-]\s*"
_NUMERIC = [
    (re.compile(r"^(?P<y>\d{4})$"), Precision.YEAR),
    (re.compile(rf"^(?P<m>\d{{1,2}}){_SEP}(?P<y>\d{{4}})$"), Precision.MONTH),
    (re.compile(rf"^(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}})$"), Precision.MONTH),
    (re.compile(rf"^(?P<d>\d{{1,2}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<y>\d{{4}})$"), Precision.DAY),
    (re.compile(rf"^(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<d>\d{{1,2}})$"), Precision.DAY),
]
_WORDS = re.compile(r"^(?:(?P<d>\d{1,2})(?:er)?\s+)?(?P<month>[a-z]+)\.?\s+(?P<y>\d{4})$")


@dataclass(frozen=True, order=True)
class PartialDate:
    start: date  # first day of the period
    precision: Precision

    @classmethod
    def from_columns(cls, start: date | None, precision: str | None) -> "PartialDate | None":
        if start is None:
            return None
        return cls(start, Precision(precision or Precision.DAY))

    @property
    def end(self) -> date:
        """Last day of the period (for "the end must not be before the start")."""
        if self.precision == Precision.YEAR:
            return date(self.start.year, 12, 31)
        if self.precision == Precision.MONTH:
            next_month = date(self.start.year + self.start.month // 12, self.start.month % 12 + 1, 1)
            return date.fromordinal(next_month.toordinal() - 1)
        return self.start

    def display(self) -> str:
        """« 2009 », « mars 2009 », « 15 mars 2009 »."""
        if self.precision == Precision.YEAR:
            return str(self.start.year)
        if self.precision == Precision.MONTH:
            return f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        day = "1er" if self.start.day == 1 else str(self.start.day)  # French writes « 1er mars »
        return f"{day} {format_date(self.start, 'MMMM y', locale=LOCALE)}"

    def as_input(self) -> str:
        """What the person would type to get this date back: « 2009 », « 03/2009 », « 15/03/2009 »."""
        if self.precision == Precision.YEAR:
            return f"{self.start.year}"
        if self.precision == Precision.MONTH:
            return f"{self.start.month:02d}/{self.start.year}"
        return self.start.strftime("%d/%m/%Y")

    def __str__(self) -> str:
        return self.display()


def _build(year: int, month: int = 1, day: int = 1, precision: Precision = Precision.DAY) -> PartialDate:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PartialDateError(f"L'année doit être comprise entre {MIN_YEAR} et {MAX_YEAR}.")
    if not 1 <= month <= 12:
        raise PartialDateError("Le mois doit être compris entre 1 et 12.")
    try:
        return PartialDate(date(year, month, day), precision)
    except ValueError:
        raise PartialDateError(
            f"Le {day} {MONTH_NAMES[month - 1]} {year} n'existe pas : vérifiez le jour et le mois.") from None


def parse_partial_date(text: str) -> PartialDate:
    """Read « 2009 », « 03/2009 », « mars 2009 », « 15/03/2009 », « 15 mars 2009 » or « 2009-03-15 »."""
    folded = fold(text)
    if not folded:
        raise PartialDateError("Indiquez une date.")
    for pattern, precision in _NUMERIC:
        match = pattern.match(folded)
        if match:
            parts = match.groupdict()
            return _build(int(parts["y"]), int(parts.get("m") or 1), int(parts.get("d") or 1), precision)
    match = _WORDS.match(folded)
    if match and match["month"] in MONTHS:
        precision = Precision.DAY if match["d"] else Precision.MONTH
        return _build(int(match["y"]), MONTHS[match["month"]], int(match["d"] or 1), precision)
    raise PartialDateError(f"Date illisible : écrivez {EXAMPLES}.")
