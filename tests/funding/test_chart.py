"""The funding chart: well-formed, accessible SVG with no script and no style attribute."""

import xml.etree.ElementTree as ET

from portal.funding.chart import Bar, funding_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"
BARS = [
    Bar(2023, "CAF de l'Ain", 12_000_00, 12_000_00),
    Bar(2023, "Conseil départemental <de l'Ain>", 8_000_00, 4_000_00),
    Bar(2024, "CAF de l'Ain", 13_500_00, 6_000_00),
]


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 (our own output)


def test_the_chart_is_an_image_with_a_title_and_the_figures_in_its_description():
    svg = parse(funding_chart(BARS, "financements", "Accordé et versé par exercice"))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "financements-title financements-desc"
    assert svg.find(f"{SVG}title").text == "Accordé et versé par exercice"
    description = svg.find(f"{SVG}desc").text
    assert "2023 : accordé 20\u202f000 €, versé 16\u202f000 €." in description
    assert "2024 : accordé 13\u202f500 €, versé 6\u202f000 €." in description


def test_one_bar_per_funder_year_and_series_each_named():
    svg = parse(funding_chart(BARS, "c", "t"))
    titles = [rect.find(f"{SVG}title").text for rect in svg.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert len(titles) == 6
    assert "Conseil départemental <de l'Ain>, 2023, versé : 4\u202f000 €" in titles  # escaped, read back
    hatched = [r for r in svg.iter(f"{SVG}rect") if (r.get("fill") or "").startswith("url(#c-hatch-")]
    assert hatched  # paid bars differ by pattern, not by colour alone


def test_no_script_and_no_style_attribute():
    markup = str(funding_chart(BARS, "c", "t"))
    assert "<script" not in markup and "style=" not in markup and "<style" not in markup


def test_no_figures_no_chart():
    assert str(funding_chart([], "c", "t")) == ""


def test_axis_tops_are_round():
    assert [nice_ceiling(v) for v in (1, 101, 19_000_00, 20_000_01, 73_000_00)] == [
        100, 200, 20_000_00, 25_000_00, 100_000_00]


def test_amount_labels_are_written_as_babel_writes_them():
    """The labels are formatted by hand (hundreds per chart); they must read exactly as Babel's French."""
    from babel.numbers import format_decimal

    from portal.funding.chart import euros_label

    for cents in (0, 99, 100, 123_456, 1_000_000_00, 987_654_321_99):
        assert euros_label(cents) == f"{format_decimal(cents // 100, format='#,##0', locale='fr_FR')} €"


def test_a_long_ledger_draws_each_funder_year_once():
    bars = [Bar(year, f"Financeur {n}", 1_000_00 * n, 500_00 * n) for year in range(2005, 2025) for n in range(1, 7)]
    svg = parse(funding_chart(bars, "long", "t"))
    assert len([rect for rect in svg.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]) == 20 * 6 * 2
