"""WeasyPrint itself: HTML string in, PDF/A-3a bytes out. Runs inside the render process.

``render_job`` is what the isolated worker calls; it can also run in-process (benchmarks do, to
measure WeasyPrint alone). It sets this process's fontconfig to the portal's fonts only.
"""

import contextlib
import hashlib
import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pydyf
from weasyprint import HTML, Attachment
from weasyprint.logger import LOGGER as WEASYPRINT_LOGGER
from weasyprint.pdf import fonts as weasyprint_fonts
from weasyprint.text.fonts import FontConfiguration

from portal.pdf.document import PdfAttachment, PdfMetadata, PdfRenderError, RenderedPdf, RenderJob, as_utc
from portal.pdf.fetcher import RestrictedFetcher

FONTS_CONF = Path(__file__).with_name("fonts.conf")

# PDF/A-3a: archival, tagged (structure tree for screen readers), with embedded files allowed.
PDF_OPTIONS = {"pdf_variant": "pdf/a-3a", "pdf_tags": True, "pdf_identifier": True}
MAX_WARNINGS = 50


def render_job(job: RenderJob) -> RenderedPdf:
    """Lay out ``job.html`` with the restricted fetcher and write a PDF/A-3a with metadata and attachments."""
    prepare_process()
    fetcher = RestrictedFetcher(base_url=job.base_url, static_root=job.static_root, stored_images=job.stored_images)
    with _collected_warnings() as warnings:
        html = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher)
        document = html.render(font_config=FontConfiguration(), **PDF_OPTIONS)
        _check_page_count(len(document.pages), job.max_pages)
        _apply_metadata(document.metadata, job.metadata)
        attachments = [_weasyprint_attachment(attachment) for attachment in job.attachments]
        data = document.write_pdf(attachments=attachments, finisher=_one_association_per_file, **PDF_OPTIONS)
    return RenderedPdf(data=data, page_count=len(document.pages), sha256=hashlib.sha256(data).hexdigest(),
                       skipped_resources=tuple(fetcher.skipped), warnings=tuple(warnings))


def prepare_process() -> None:
    """Set up this (render) process; idempotent.

    Fontconfig reads ``fonts.conf`` (static/fonts/ only) each time WeasyPrint builds a
    FontConfiguration, so this holds even if WeasyPrint was imported earlier in the process.
    """
    os.environ["FONTCONFIG_FILE"] = str(FONTS_CONF)
    if not isinstance(weasyprint_fonts.ffi, _UnsizedArrays):
        weasyprint_fonts.ffi = _UnsizedArrays(weasyprint_fonts.ffi)


class _UnsizedArrays:
    """Stands in for cffi in WeasyPrint's font subsetter, which asks for ``hb_codepoint_t[1418]``:
    cffi parses a new C type for each glyph count (about 10 ms each), a cost a long-lived process
    pays once per count but every fresh render process pays again. ``hb_codepoint_t[]`` with the
    same items builds the same array from a type parsed once, in the fork server."""

    _SIZED = re.compile(r"^([\w ]+)\[(\d+)\]$")

    def __init__(self, ffi):
        self._ffi = ffi

    def new(self, cdecl, init=None):
        sized = self._SIZED.match(cdecl) if init is not None else None
        if sized and int(sized[2]) == len(init):
            cdecl = f"{sized[1]}[]"
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name):
        return getattr(self._ffi, name)


def _check_page_count(pages: int, max_pages: int | None) -> None:
    if max_pages is not None and pages > max_pages:
        raise PdfRenderError(
            f"Le document ferait {pages} pages, au-delà des {max_pages} pages permises. "
            "Découpez-le en plusieurs comptes rendus.", field="body")


def _apply_metadata(target, metadata: PdfMetadata) -> None:
    """The caller's metadata wins over whatever the HTML head says."""
    target.title = metadata.title
    target.authors = [metadata.author] if metadata.author else []
    target.description = metadata.subject or None
    target.keywords = list(metadata.keywords)
    target.created = target.modified = metadata.w3c_created()
    target.generator = "Passerelle"
    target.lang = metadata.lang


def _weasyprint_attachment(attachment: PdfAttachment) -> Attachment:
    # WeasyPrint writes the dates with a "Z": give them in UTC.
    moment = as_utc(attachment.created or datetime.now(UTC))
    return Attachment(string=attachment.data, name=attachment.filename, description=attachment.description or None,
                      relationship=attachment.relationship, created=moment, modified=moment)


def _one_association_per_file(_document, pdf) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's /AF (from the name tree and from the
    file specification); PDF/A-3 wants each embedded file associated once."""
    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))


class _ListHandler(logging.Handler):
    def __init__(self, messages: list[str]):
        super().__init__(level=logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if len(self.messages) < MAX_WARNINGS and message not in self.messages:
            self.messages.append(message[:300])


@contextlib.contextmanager
def _collected_warnings():
    """WeasyPrint's warnings go back to the caller with the PDF instead of this process's stderr."""
    messages: list[str] = []
    handler = _ListHandler(messages)
    propagate = WEASYPRINT_LOGGER.propagate
    WEASYPRINT_LOGGER.addHandler(handler)
    WEASYPRINT_LOGGER.propagate = False
    try:
        yield messages
    finally:
        WEASYPRINT_LOGGER.removeHandler(handler)
        WEASYPRINT_LOGGER.propagate = propagate


# Every kind of box the report template makes, and a paragraph long enough to be hyphenated.
WARM_UP_HTML = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Préparation</title>
<link rel="stylesheet" href="static/css/print.css"></head><body>
<div class="report-banner"><img class="report-banner__logo" src="static/img/logo.svg" alt="Logo">
<p class="report-banner__network">Réseau</p></div>
<article class="report"><header class="report-header"><p class="report-rencontre">2<sup>e</sup> rencontre</p>
<h1 class="report-title"><span class="report-kind">Compte rendu</span> <span class="report-heading">Atelier</span></h1>
<dl class="report-people"><div><dt>Co-animation&nbsp;:</dt> <dd>Une personne et une autre</dd></div></dl>
<p class="report-edition">Version 1</p></header>
<div class="report-body"><h2>Présentation</h2><h3>Projet</h3><h4>Suite</h4><h5>Détail</h5>
<p>Œuvre « commune » d’été : <strong>gras</strong> <em>italique</em> <strong><em>les deux</em></strong>
<a href="https://passerelle.invalid/">lien</a> <code>code</code>. Les institutionnels, professionnels et
bénévoles coordonnent l’accompagnement intergénérationnel des habitants ; anticonstitutionnellement.</p>
<ul><li>Un</li><li>Deux</li></ul><ol><li>Un</li></ol><blockquote><p>Citation</p></blockquote><hr><pre>bloc</pre>
<table><thead><tr><th>Structure</th><th>Action</th></tr></thead><tbody><tr><td>CS</td><td>Atelier</td></tr>
</tbody></table></div></article></body></html>"""


def warm_up() -> None:
    """Render a representative page so libraries, fonts, hyphenation and style sheets are loaded
    before the fork server starts forking render processes."""
    job = RenderJob(html=WARM_UP_HTML, metadata=PdfMetadata(title="Préparation"), base_url="https://passerelle.invalid/",
                    attachments=(PdfAttachment("source.md", b"# Source"),))
    render_job(job)
