"""PDF: the one place that turns a Jinja template into archival PDF bytes.

Used by meetings (comptes rendus) and by anything else that needs a PDF; it imports no domain module.

    from portal.pdf import ReportDocument, Testimony, render_report_pdf
    rendered = render_report_pdf(ReportDocument(...), image_resolver=load_stored_image)
    rendered.data, rendered.page_count, rendered.sha256, rendered.skipped_resources

Images stored in the portal are linked as ``<portal root>/fichiers/<id>`` (``STORED_FILES_PATH``);
``image_resolver(id)`` returns a ``StoredImage`` or None. Errors are ``PdfRenderError`` (French).

WeasyPrint runs in a child process (``worker``) with a restricted URL fetcher (``fetcher``). The
render server imports this package too, so what needs Flask (``services``) loads on first use only:
the web process never imports WeasyPrint, the render server never imports Flask.
"""

from portal.pdf.document import (
    STORED_FILES_PATH,
    PdfAttachment,
    PdfMetadata,
    PdfRenderError,
    RenderedPdf,
    ReportDocument,
    StoredImage,
    Testimony,
)
from portal.pdf.worker import RenderLimits, start_render_server

_FROM_SERVICES = {"ImageResolver", "html_to_pdf", "render_report_pdf", "report_html"}

__all__ = [
    "STORED_FILES_PATH",
    "ImageResolver",
    "PdfAttachment",
    "PdfMetadata",
    "PdfRenderError",
    "RenderLimits",
    "RenderedPdf",
    "ReportDocument",
    "StoredImage",
    "Testimony",
    "html_to_pdf",
    "render_report_pdf",
    "report_html",
    "start_render_server",
]


def __getattr__(name: str):
    if name in _FROM_SERVICES:
        from portal.pdf import services

        return getattr(services, name)
    raise AttributeError(f"module 'portal.pdf' has no attribute {name!r}")
