"""French money and dates, amounts as people type them, SIRET keys, safe redirects."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal
from hypothesis import given
from hypothesis import strategies as st

from portal.core.formatting import AmountError, format_cents, format_day, format_moment, parse_amount
from portal.core.siret import clean_siret, is_valid_siret
from portal.core.urls import safe_next_url

NNBSP = "\u202f"


def test_money_is_shown_the_french_way():
    assert format_cents(123456789) == f"1{NNBSP}234{NNBSP}567,89\u00a0€"
    assert format_cents(-5000) == "-50,00\u00a0€"
    assert format_cents(0, with_symbol=False) == "0,00"


@given(st.integers(min_value=-10**13, max_value=10**13))
def test_money_is_written_as_babel_writes_it(cents):
    assert format_cents(cents) == format_currency(Decimal(cents) / 100, "EUR", locale="fr_FR")
    assert format_cents(cents, with_symbol=False) == format_decimal(Decimal(cents) / 100, format="#,##0.00",
                                                                    locale="fr_FR")


def test_times_are_shown_in_paris_time():
    summer = datetime(2026, 7, 14, 10, 0, tzinfo=UTC)
    winter = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    assert format_moment(summer) == "14 juillet 2026 à 12:00"
    assert format_moment(winter) == "15 janvier 2026 à 11:00"
    assert format_day(date(2009, 3, 1)) == "1 mars 2009"
    assert format_day(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1 janvier 2027"


@pytest.mark.parametrize("text,cents", [
    ("1 234,56 €", 123456), ("1234.56", 123456), ("1234,5", 123450), ("1\u202f234,56\u00a0€", 123456),
    ("1.234,56", 123456), ("1,234.56", 123456), ("12 000", 1200000), ("0,01", 1), ("-50", -5000), ("1.234", 123400),
])
def test_amounts_are_read_as_people_type_them(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", [
    "", "abc", "1,2,3", "12,345,67", "1.234.56,7.8", "1e5", "12,345.678", "--5", "1,234,56",
])
def test_unreadable_amounts_are_refused(text):
    with pytest.raises(AmountError):
        parse_amount(text)


@pytest.mark.parametrize("raw,valid", [
    ("44306184100013", True), ("443 061 841 00013", True), ("44306184100013.0", True),
    ("44306184100014", False), ("4430618410001", False), ("35600000000047", True), ("35600000000048", False),
])
def test_siret_check_digit(raw, valid):
    assert is_valid_siret(clean_siret(raw)) is valid


@pytest.mark.parametrize("target,safe", [
    ("/projets?page=2", "/projets?page=2"), ("//evil.example", None), ("https://evil.example", None),
    ("/\\evil.example", None), ("javascript:alert(1)", None), ("/ok\r\nSet-Cookie: x", None), ("", None),
])
def test_safe_next_url(target, safe):
    assert safe_next_url(target) == safe


@pytest.mark.parametrize(("count", "expected"), [(0, "0 page"), (1, "1 page"), (2, "2 pages"), (150, "150 pages")])
def test_counts_agree_in_french(count, expected):
    from portal.core.formatting import format_count

    assert format_count(count, "page") == expected


def test_a_count_may_name_an_irregular_plural():
    from portal.core.formatting import format_count

    assert format_count(3, "ressource ignorée", "ressources ignorées") == "3 ressources ignorées"
