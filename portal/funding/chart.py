"""The chart of granted and paid amounts per fiscal year and funder, drawn as SVG on the server.

No script, no style attribute (the CSP forbids both): colours come from classes in portal.css, the
« paid » bars are hatched so the two series differ without colour. The SVG is an image with a title
and a description; the page puts the same figures in a table beside it for screen readers.
"""

import math
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from portal.core.formatting import NARROW_NBSP

WIDTH, PLOT_HEIGHT = 720, 232
LEFT, RIGHT, TOP = 86, 16, 16  # margins: axis labels on the left
PLOT_BOTTOM = TOP + PLOT_HEIGHT
LEGEND_TOP = PLOT_BOTTOM + 44  # below the years
LEGEND_LINE = 22
PALETTE_SIZE = 8  # .chart-series-0 ... -7 in portal.css; funders beyond share colours in turn


@dataclass(frozen=True)
class Bar:
    """One funder's part of a year: what it granted and what it paid, in cents."""

    fiscal_year: int
    funder: str
    granted: int
    paid: int


def euros_label(cents: int) -> str:
    """« 12 345 € » as Babel's French '#,##0' writes it (narrow no-break spaces), written out: a chart
    of a long ledger has hundreds of labels and Babel takes some 100 µs for each."""
    return f"{cents // 100:,}".replace(",", NARROW_NBSP) + " €"


def nice_ceiling(cents: int) -> int:
    """A round top for the axis (1, 2, 2.5 or 5 times a power of ten), at least 1 €."""
    if cents <= 100:
        return 100
    power = 10 ** math.floor(math.log10(cents))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= cents)


def funding_chart(bars: list[Bar], chart_id: str, title: str) -> Markup:
    """The SVG markup; ``chart_id`` (letters, digits, dashes) makes its ids unique on the page."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", chart_id):
        raise ValueError("chart_id: lower-case letters, digits and dashes")
    years = sorted({bar.fiscal_year for bar in bars})
    funders = list(dict.fromkeys(bar.funder for bar in sorted(bars, key=lambda b: (b.funder, b.fiscal_year))))
    if not years:
        return Markup()
    top = nice_ceiling(max(_year_total(bars, year, attr) for year in years for attr in ("granted", "paid")))
    legend, height = _legend(funders, chart_id)
    parts = [_open(chart_id, title, _description(bars, years), height), _defs(chart_id, len(funders)), _axis(top)]
    group_width = (WIDTH - LEFT - RIGHT) / len(years)
    sums = _sums(bars)
    for index, year in enumerate(years):
        parts.append(_year_group(sums, year, funders, LEFT + index * group_width, group_width, top, chart_id))
    parts += [legend, "</svg>"]
    return Markup("".join(parts))  # noqa: S704 (every text in it went through escape(); ids are checked)


def _year_total(bars: list[Bar], year: int, attr: str) -> int:
    return sum(getattr(bar, attr) for bar in bars if bar.fiscal_year == year)


def _open(chart_id: str, title: str, description: str, height: int) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{chart_id}-title">{escape(title)}</title>'
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>')


def _description(bars: list[Bar], years: list[int]) -> str:
    sentences = [f"{year} : accordé {euros_label(_year_total(bars, year, 'granted'))}, "
                 f"versé {euros_label(_year_total(bars, year, 'paid'))}." for year in years]
    return "Barres empilées par financeur, pleines pour l'accordé, hachurées pour le versé. " + " ".join(sentences)


def _defs(chart_id: str, count: int) -> str:
    patterns = "".join(
        f'<pattern id="{chart_id}-hatch-{i}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" class="chart-paid-ground"/>'
        f'<rect width="3" height="6" class="chart-series-{i % PALETTE_SIZE}"/></pattern>'
        for i in range(min(count, PALETTE_SIZE)))
    return f"<defs>{patterns}</defs>"


def _y(cents: int, top: int) -> float:
    return TOP + PLOT_HEIGHT * (1 - cents / top)


def _axis(top: int) -> str:
    """Grid lines at round values: a top of 20 000 € is cut in 4 (5 000 € each), others in 5."""
    steps = 4 if str(top).startswith("2") and not str(top).startswith("25") else 5
    lines = []
    for step in range(steps + 1):
        value = top * step // steps
        y = _y(value, top)
        lines.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="chart-label" x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{escape(euros_label(value))}</text>")
    return "".join(lines)


def _sums(bars) -> dict[tuple[int, str, str], int]:
    """(year, funder, "granted" or "paid") → amount, summed once rather than once per cell."""
    sums: dict[tuple[int, str, str], int] = {}
    for bar in bars:
        for attr in ("granted", "paid"):
            key = (bar.fiscal_year, bar.funder, attr)
            sums[key] = sums.get(key, 0) + getattr(bar, attr)
    return sums


def _year_group(sums, year, funders, x, width, top, chart_id) -> str:
    bar_width = min(width * 0.32, 56)
    centre = x + width / 2
    granted_x, paid_x = centre - bar_width - 2, centre + 2
    parts = [_stack(sums, year, funders, "granted", granted_x, bar_width, top, chart_id),
             _stack(sums, year, funders, "paid", paid_x, bar_width, top, chart_id),
             f'<text class="chart-label chart-year" x="{centre:.1f}" y="{PLOT_BOTTOM + 22}" '
             f'text-anchor="middle">{year}</text>']
    return "".join(parts)


def _stack(sums, year, funders, attr, x, width, top, chart_id) -> str:
    base = 0
    rects = []
    for index, funder in enumerate(funders):
        amount = sums.get((year, funder, attr), 0)
        if amount <= 0:
            continue
        y_top, y_bottom = _y(base + amount, top), _y(base, top)
        paint = (f'class="chart-series-{index % PALETTE_SIZE}"' if attr == "granted"
                 else f'fill="url(#{chart_id}-hatch-{index % PALETTE_SIZE})" class="chart-paid"')
        label = f"{funder}, {year}, {'accordé' if attr == 'granted' else 'versé'} : {euros_label(amount)}"
        rects.append(f'<rect {paint} x="{x:.1f}" y="{y_top:.1f}" width="{width:.1f}" '
                     f'height="{max(y_bottom - y_top, 0.5):.1f}"><title>{escape(label)}</title></rect>')
        base += amount
    return "".join(rects)


def _legend(funders: list[str], chart_id: str) -> tuple[str, int]:
    """The key (plain: granted, hatched: paid) then one swatch per funder, wrapped; and the SVG's height."""
    y = LEGEND_TOP
    items = [f'<rect class="chart-series-0" x="{LEFT}" y="{y - 10}" width="12" height="12"/>'
             f'<text class="chart-label" x="{LEFT + 18}" y="{y}">plein : accordé</text>'
             f'<rect fill="url(#{chart_id}-hatch-0)" class="chart-paid" x="{LEFT + 130}" y="{y - 10}" '
             f'width="12" height="12"/><text class="chart-label" x="{LEFT + 148}" y="{y}">hachuré : versé</text>']
    x, y = LEFT, y + LEGEND_LINE
    for index, funder in enumerate(funders):
        label = funder if len(funder) <= 34 else funder[:33] + "…"
        width = 30 + 7 * len(label)  # about 7 units a character at the label's size
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = LEFT, y + LEGEND_LINE
        items.append(f'<rect class="chart-series-{index % PALETTE_SIZE}" x="{x}" y="{y - 10}" width="12" '
                     f'height="12"/><text class="chart-label" x="{x + 18}" y="{y}">{escape(label)}</text>')
        x += width
    return "".join(items), y + 12
