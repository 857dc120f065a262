"""WeasyPrint itself: HTML string in, PDF/A-3a bytes out. Runs inside the render process.

``render_job`` is what the isolated worker calls; it can also run in-process (benchmarks do, to
measure WeasyPrint alone). It sets this process's fontconfig to the portal's fonts only.
"""

import contextlib
import hashlib
import logging
import os
from pathlib import Path

import pydyf
from weasyprint import HTML, Attachment
from weasyprint.logger import LOGGER as WEASYPRINT_LOGGER
from weasyprint.text.fonts import FontConfiguration

from portal.pdf.document import PdfAttachment, PdfMetadata, PdfRenderError, RenderedPdf, RenderJob
from portal.pdf.fetcher import RestrictedFetcher

FONTS_CONF = Path(__file__).with_name("fonts.conf")

# PDF/A-3a: archival, tagged (structure tree for screen readers), with embedded files allowed.
PDF_OPTIONS = {"pdf_variant": "pdf/a-3a", "pdf_tags": True, "pdf_identifier": True}
MAX_WARNINGS = 50


def render_job(job: RenderJob) -> RenderedPdf:
    """Lay out ``job.html`` with the restricted fetcher and write a PDF/A-3a with metadata and attachments."""
    use_portal_fonts_only()
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


def use_portal_fonts_only() -> None:
    """Point fontconfig at ``fonts.conf`` (static/fonts/ only). Read each time WeasyPrint builds a
    FontConfiguration, so it holds even if WeasyPrint was imported earlier in this process."""
    os.environ["FONTCONFIG_FILE"] = str(FONTS_CONF)


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
    return Attachment(string=attachment.data, name=attachment.filename, description=attachment.description or None,
                      relationship=attachment.relationship, created=attachment.created,
                      modified=attachment.created)


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


WARM_UP_HTML = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<link rel="stylesheet" href="static/css/print.css"></head>
<body><h1>Préparation</h1><p>Œuvre « commune » d’été : <strong>gras</strong> <em>italique</em>
<strong><em>les deux</em></strong>.</p><table><thead><tr><th>a</th></tr></thead><tbody><tr><td>b</td></tr></tbody>
</table></body></html>"""


def warm_up() -> None:
    """Render a small page once so fonts, hyphenation and style sheets are loaded before forking."""
    job = RenderJob(html=WARM_UP_HTML, metadata=PdfMetadata(title="Préparation"), base_url="https://passerelle.invalid/")
    render_job(job)
