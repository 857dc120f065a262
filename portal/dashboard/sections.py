"""The dashboard is a list of sections that modules contribute, so a new module adds its own (recent
funding entries, coming rencontres, new comptes rendus) without rewriting the page::

    @dashboard_section("funding", "Derniers mouvements financiers", "funding/_dashboard.html", order=50)
    def recent_entries(user):
        return {"entries": ...}   # or None to leave the section out for this person

Each section's template receives ``data`` (what its loader returned) and ``section``.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    order: int
    load: Callable


_sections: dict[str, Section] = {}


def dashboard_section(key: str, title: str, template: str, order: int = 100):
    """Register a section loader ``load(user) -> dict | None`` (None: nothing to show this person)."""

    def register(load: Callable) -> Callable:
        _sections[key] = Section(key, title, template, order, load)
        return load

    return register


def sections_for(user) -> list[tuple[Section, dict]]:
    """The sections to show, in order, each with its data."""
    shown = []
    for section in sorted(_sections.values(), key=lambda section: (section.order, section.key)):
        data = section.load(user)
        if data is not None:
            shown.append((section, data))
    return shown
