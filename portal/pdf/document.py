"""The plain data that goes into a PDF and comes out of it.

Nothing here imports WeasyPrint or Flask: these objects are built in the web process, pickled to
the render process and back, and filled by modules (meetings) that know nothing of the renderer.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

STATIC_ROOT = Path(__file__).resolve().parents[2] / "static"
STORED_FILES_PATH = "fichiers/"  # stored images are linked as <portal root>/fichiers/<id>
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"})


def as_utc(moment: datetime) -> datetime:
    """Aware in UTC; a naive moment is taken as UTC already (the portal stores UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


class PdfRenderError(Exception):
    """The PDF could not be made; ``message`` is French and can be shown to the person who asked."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class StoredImage:
    """An image kept by the portal (in the database), handed to the renderer as bytes."""

    data: bytes
    mime_type: str


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF. ``relationship`` is PDF/A-3's AFRelationship ("Source", "Data"...)."""

    filename: str
    data: bytes
    description: str = ""
    relationship: str = "Source"
    created: datetime | None = None


@dataclass(frozen=True)
class PdfMetadata:
    """The document information written into the PDF (Info dictionary and XMP), language ``fr``."""

    title: str
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    created: datetime | None = None
    lang: str = "fr"

    def w3c_created(self) -> str | None:
        """The creation moment as WeasyPrint reads it: a W3C date-time in UTC."""
        if self.created is None:
            return None
        return as_utc(self.created).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class RenderedPdf:
    """The bytes of a finished PDF with what the caller stores beside them."""

    data: bytes
    page_count: int
    sha256: str
    # URLs the fetcher refused or could not find, and WeasyPrint's own warnings: the PDF was made
    # without them. Worth showing to the coordinator who publishes ("1 image ignorée").
    skipped_resources: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderJob:
    """Everything one render needs, as plain data: it is pickled to the render process."""

    html: str
    metadata: PdfMetadata
    base_url: str
    static_root: str = str(STATIC_ROOT)
    stored_images: dict[str, StoredImage] = field(default_factory=dict)
    attachments: tuple[PdfAttachment, ...] = ()
    max_pages: int | None = None

    def run(self) -> "RenderedPdf":
        """Make the PDF; called in the render process (the renderer, and WeasyPrint, load there only)."""
        from portal.pdf.renderer import render_job

        return render_job(self)


@dataclass(frozen=True)
class Testimony:
    """"Témoignage n°1 : CS Belley — projet Entracte"; ``project_url`` makes the project a link."""

    structure: str
    project: str
    project_url: str | None = None


@dataclass(frozen=True)
class ReportDocument:
    """Everything the compte rendu template shows, filled by the meetings module.

    ``body_html`` must already be sanitised (nh3): it is inserted as is. Its headings are moved so
    that the highest becomes ``<h2>`` under the report's ``<h1>`` (a body written with ``####``
    still gives headings in order and a clean bookmark tree).
    """

    network_name: str
    heading: str  # "Atelier n°2 : Isolement"
    body_html: str
    markdown_source: str = ""
    kind_label: str = "Compte rendu"
    rencontre_ordinal: int | None = None  # 2 -> "2e rencontre", with the "e" in superscript
    rencontre_title: str = ""  # shown after the ordinal: "2e rencontre — Agir contre l'isolement"
    rencontre_details: str = ""  # date and place, as the caller words them
    co_facilitators: tuple[str, ...] = ()
    testimonies: tuple[Testimony, ...] = ()
    version: int | None = None  # None: a draft, shown as such
    published_at: datetime | None = None
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    logo_url: str = "static/img/logo.svg"  # relative to the portal's root, or a stored image URL
    source_filename: str = "compte-rendu.md"

    @property
    def title(self) -> str:
        return f"{self.kind_label} — {self.heading}"

    @property
    def rencontre_label(self) -> Markup:
        """"2<sup>e</sup> rencontre" (1<sup>re</sup> for the first), followed by the title if any."""
        parts = []
        if self.rencontre_ordinal is not None:
            parts.append(french_ordinal(self.rencontre_ordinal) + Markup(" rencontre"))
        if self.rencontre_title:
            parts.append(Markup.escape(self.rencontre_title))
        return Markup(" — ").join(parts)

    @property
    def co_facilitation(self) -> str:
        return french_join(self.co_facilitators)

    @property
    def body(self) -> Markup:
        # Trusted: the caller hands body_html already sanitised by nh3 (see the class docstring).
        return Markup(nest_headings(self.body_html, top_level=2))  # noqa: S704

    def metadata(self) -> PdfMetadata:
        subject = self.subject or " — ".join(
            part for part in (self.title, self.rencontre_label.striptags()) if part)
        return PdfMetadata(title=self.title, author=self.author or self.network_name, subject=subject,
                           keywords=self.keywords, created=self.published_at)

    def source_attachment(self) -> PdfAttachment | None:
        if not self.markdown_source:
            return None
        return PdfAttachment(filename=self.source_filename, data=self.markdown_source.encode("utf-8"),
                             description="Texte source du compte rendu (Markdown)", relationship="Source",
                             created=self.published_at)


def french_ordinal(number: int) -> Markup:
    """1 -> 1<sup>re</sup>, 2 -> 2<sup>e</sup>: the abbreviations French typography asks for."""
    suffix = "re" if number == 1 else "e"
    return Markup("{}<sup>{}</sup>").format(number, suffix)


def french_join(names: tuple[str, ...] | list[str]) -> str:
    """("A", "B", "C") -> "A, B et C"."""
    names = [name for name in names if name]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} et {names[-1]}"


_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>/])", re.IGNORECASE)


def nest_headings(html: str, top_level: int = 2) -> str:
    """Shift every heading so the highest one in ``html`` becomes ``<h{top_level}>`` (never past h6).

    The body comes from nh3, which writes tags well formed and escapes "<" inside attribute values,
    so the pattern only ever meets real heading tags.
    """
    levels = [int(level) for _, level in _HEADING_TAG.findall(html)]
    if not levels:
        return html
    shift = top_level - min(levels)
    if shift == 0:
        return html
    return _HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(6, max(1, int(m[2]) + shift))}", html)
