"""Comptes rendus for the PDF tests and benchmarks: the seed, and long reports made from it.

The body goes through the portal's own Markdown renderer (``portal.core.markdown``), as publishing does.
"""

from datetime import UTC, datetime
from pathlib import Path

from portal.core.markdown import render_markdown
from portal.pdf import ReportDocument, Testimony

SEED = Path(__file__).with_name("compte-rendu-atelier-isolement.md")  # copy of ../shared/seed/
NETWORK = "Fédération départementale des Centres Sociaux de l'Ain"
PUBLISHED_AT = datetime(2025, 3, 12, 9, 30, tzinfo=UTC)


def sanitised_html(markdown: str) -> str:
    return str(render_markdown(markdown))


def seed_markdown() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_body_markdown() -> str:
    """The seed without its header lines (federation, rencontre, atelier, co-animation, testimonies),
    which the report's header rebuilds from the atelier: the body starts after the first rule."""
    text = seed_markdown()
    return text.split("\n---\n", 1)[1].strip() + "\n"


def make_report(markdown: str | None = None, **fields) -> ReportDocument:
    """The seed's compte rendu as meetings will describe it, with any field overridden."""
    markdown = seed_body_markdown() if markdown is None else markdown
    values = {
        "network_name": NETWORK,
        "heading": "Atelier n°2 : Isolement",
        "body_html": sanitised_html(markdown),
        "markdown_source": markdown,
        "rencontre_ordinal": 2,
        "co_facilitators": ("Fouzia Zahar", "Claudy Debaix"),
        "testimonies": (Testimony("CS Belley", "Entracte"), Testimony("CS Jassans", "Donnant-donnant")),
        "version": 1,
        "published_at": PUBLISHED_AT,
        "author": "Coordination du réseau",
        "subject": "Compte rendu de l'atelier Isolement, 2e rencontre du réseau",
        "keywords": ("isolement", "centres sociaux", "rencontre"),
        "source_filename": "compte-rendu-atelier-2-isolement.md",
    }
    values.update(fields)
    return ReportDocument(**values)


def long_markdown(pages: int) -> str:
    """About ``pages`` A4 pages: the seed's body repeated, numbered, with a table every few sections."""
    body = seed_body_markdown()
    table = "\n".join(
        ["| Structure | Action | Public | Financeurs |", "|---|---|---|---|"]
        + [f"| CS n°{row} | Atelier cuisine « Entracte » | Femmes isolées, personnes âgées | CAF, Département, "
           f"centre social |" for row in range(1, 13)])
    sections = [f"## Partie {number}\n\n{body}\n\n{table}\n" for number in range(1, pages + 1)]
    return "\n".join(sections)
