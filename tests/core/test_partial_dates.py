"""Dates as people know them: a year, a month or a day, typed the French way."""

from datetime import date

import pytest

from portal.core.partial_dates import PartialDate, PartialDateError, Precision, parse_partial_date


@pytest.mark.parametrize(("text", "start", "precision", "display"), [
    ("2009", date(2009, 1, 1), Precision.YEAR, "2009"),
    ("03/2009", date(2009, 3, 1), Precision.MONTH, "mars 2009"),
    ("3-2009", date(2009, 3, 1), Precision.MONTH, "mars 2009"),
    ("2009-03", date(2009, 3, 1), Precision.MONTH, "mars 2009"),
    ("mars 2009", date(2009, 3, 1), Precision.MONTH, "mars 2009"),
    ("Février 2010", date(2010, 2, 1), Precision.MONTH, "février 2010"),
    ("fevr. 2010", date(2010, 2, 1), Precision.MONTH, "février 2010"),
    ("AOÛT 2012", date(2012, 8, 1), Precision.MONTH, "août 2012"),
    ("15/03/2009", date(2009, 3, 15), Precision.DAY, "15 mars 2009"),
    ("15.03.2009", date(2009, 3, 15), Precision.DAY, "15 mars 2009"),
    ("2009-03-15", date(2009, 3, 15), Precision.DAY, "15 mars 2009"),
    ("1er mars 2009", date(2009, 3, 1), Precision.DAY, "1er mars 2009"),
    ("29/02/2024", date(2024, 2, 29), Precision.DAY, "29 février 2024"),
    ("  2009  ", date(2009, 1, 1), Precision.YEAR, "2009"),
])
def test_reads_years_months_and_days(text, start, precision, display):
    parsed = parse_partial_date(text)
    assert (parsed.start, parsed.precision, parsed.display()) == (start, precision, display)
    assert parse_partial_date(parsed.as_input()) == parsed  # what the form shows back reads the same


@pytest.mark.parametrize(("text", "message"), [
    ("31/02/2024", "Le 31 février 2024 n'existe pas"),
    ("29/02/2023", "Le 29 février 2023 n'existe pas"),
    ("31/04/2020", "Le 31 avril 2020 n'existe pas"),
    ("13/2009", "Le mois doit être compris entre 1 et 12."),
    ("1850", "L'année doit être comprise entre 1900 et 2100."),
    ("brumaire 2009", "Date illisible"),
    ("hier", "Date illisible"),
    ("", "Indiquez une date."),
])
def test_refuses_impossible_or_unreadable_dates_in_french(text, message):
    with pytest.raises(PartialDateError, match=message):
        parse_partial_date(text)


def test_period_end_and_order():
    assert parse_partial_date("2009").end == date(2009, 12, 31)
    assert parse_partial_date("02/2024").end == date(2024, 2, 29)
    assert parse_partial_date("12/2009").end == date(2009, 12, 31)
    assert parse_partial_date("2009") < parse_partial_date("03/2009")
    assert PartialDate.from_columns(None, None) is None
