"""The one place that turns a template into PDF bytes, from the web process's side.

``render_report_pdf(document)`` renders ``templates/pdf/report.html`` and hands it to
``html_to_pdf``, which checks the input size, gathers the stored images the HTML points to (in this
process, where the database is), and has the PDF made in an isolated child process
(``portal.pdf.worker``). WeasyPrint is never imported here: the web worker stays small.
"""

import dataclasses
import logging
import re
from collections.abc import Callable, Iterable

from flask import current_app, has_app_context, has_request_context, render_template, request

from portal.pdf.document import (
    IMAGE_TYPES,
    STATIC_ROOT,
    STORED_FILES_PATH,
    PdfAttachment,
    PdfMetadata,
    PdfRenderError,
    RenderedPdf,
    RenderJob,
    ReportDocument,
    StoredImage,
)
from portal.pdf.worker import RenderLimits, run_isolated

logger = logging.getLogger(__name__)

ImageResolver = Callable[[str], StoredImage | None]

FALLBACK_BASE_URL = "https://passerelle.invalid/"
STORED_REFERENCE = re.compile(STORED_FILES_PATH + r"([A-Za-z0-9_-]{1,64})")
MAX_STORED_IMAGES = 200
TOO_LONG_MESSAGE = ("Le document est trop long pour être mis en page ({size} ; au plus {limit}). "
                    "Découpez-le en plusieurs comptes rendus.")


def report_html(document: ReportDocument) -> str:
    """The full HTML of a compte rendu as the PDF shows it (needs an app context)."""
    return render_template("pdf/report.html", report=document)


def render_report_pdf(document: ReportDocument, *, image_resolver: ImageResolver | None = None,
                      base_url: str | None = None) -> RenderedPdf:
    """Render a compte rendu to a tagged PDF/A-3a with its metadata and its Markdown source attached.

    Raises ``PdfRenderError`` (French message) when the document is too long, too heavy, too slow,
    or the renderer fails; nothing is written anywhere, so the caller's draft stays as it was.
    """
    attachment = document.source_attachment()
    return html_to_pdf(report_html(document), metadata=document.metadata(),
                       attachments=[attachment] if attachment else [],
                       image_resolver=image_resolver, base_url=base_url)


def html_to_pdf(html: str, *, metadata: PdfMetadata, attachments: Iterable[PdfAttachment] = (),
                image_resolver: ImageResolver | None = None, base_url: str | None = None,
                limits: RenderLimits | None = None, max_pages: int | None = None) -> RenderedPdf:
    """Any HTML to PDF/A-3a bytes in an isolated process, reading only static files and stored images.

    ``base_url`` is the portal's public root (default: the current request's, else
    ``https://passerelle.invalid/``); relative links resolve against it, and only its ``static/`` and
    ``fichiers/<id>`` paths are read. ``image_resolver(id)`` returns the stored image for
    ``fichiers/<id>``, or None; it is called here, before the render, for each id the HTML mentions.
    """
    config = current_app.config if has_app_context() else {}
    attachments = tuple(attachments)
    _check_size(html, attachments, config.get("PDF_MAX_INPUT_BYTES", 8 * 1024 * 1024))
    base_url = base_url or _default_base_url()
    stored, skipped = collect_stored_images(html, image_resolver, config.get("PDF_MAX_IMAGE_BYTES", 10 * 1024 * 1024))
    static_root = current_app.static_folder if has_app_context() else str(STATIC_ROOT)
    job = RenderJob(html=html, metadata=metadata, base_url=base_url, static_root=static_root, stored_images=stored,
                    attachments=attachments, max_pages=max_pages or config.get("PDF_MAX_PAGES"))
    rendered = run_isolated(RenderJob.run, job, limits or limits_from_config(config))
    rendered = _with_skipped(rendered, skipped)
    for skipped_url in rendered.skipped_resources:
        logger.info("PDF %r rendered without %s", metadata.title, skipped_url)
    return rendered


def limits_from_config(config) -> RenderLimits:
    """``PDF_RENDER_TIMEOUT`` in seconds, ``PDF_RENDER_MAX_MEMORY_MB`` in MiB (0: no ceiling)."""
    megabytes = int(config.get("PDF_RENDER_MAX_MEMORY_MB", 2048))
    return RenderLimits(timeout=float(config.get("PDF_RENDER_TIMEOUT", 120)),
                        max_memory_bytes=megabytes * 1024 * 1024 if megabytes else None)


def collect_stored_images(html: str, resolver: ImageResolver | None,
                          max_bytes: int) -> tuple[dict[str, StoredImage], list[str]]:
    """Ask ``resolver`` for each ``fichiers/<id>`` the HTML mentions; keep the images fit for a PDF."""
    if resolver is None:
        return {}, []
    identifiers = list(dict.fromkeys(STORED_REFERENCE.findall(html)))[:MAX_STORED_IMAGES]
    images, skipped = {}, []
    for identifier in identifiers:
        image = resolver(identifier)
        if image is None:
            continue  # the fetcher reports it as missing if the PDF really needed it
        if image.mime_type not in IMAGE_TYPES:
            skipped.append(f"{STORED_FILES_PATH}{identifier} (pas une image)")
        elif len(image.data) > max_bytes:
            skipped.append(f"{STORED_FILES_PATH}{identifier} (image trop lourde)")
        else:
            images[identifier] = image
    return images, skipped


def _check_size(html: str, attachments: tuple[PdfAttachment, ...], limit: int) -> None:
    size = len(html.encode("utf-8")) + sum(len(attachment.data) for attachment in attachments)
    if size > limit:
        raise PdfRenderError(TOO_LONG_MESSAGE.format(size=_readable_size(size), limit=_readable_size(limit)),
                             field="body")


def _readable_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} ko"
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def _default_base_url() -> str:
    return request.url_root if has_request_context() else FALLBACK_BASE_URL


def _with_skipped(rendered: RenderedPdf, skipped: list[str]) -> RenderedPdf:
    if not skipped:
        return rendered
    return dataclasses.replace(rendered, skipped_resources=tuple(skipped) + rendered.skipped_resources)
