"""Published PDFs: downloaded as stored (never rendered again), with a safe name, an ETag and a 304, and read
back with pypdf: text, pages, metadata, PDF/A, embedded fonts, the Markdown attachment."""

import hashlib
import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader

from portal.core.db import db
from portal.meetings.services import reports
from portal.pdf import services as pdf_services
from tests.meetings.helpers import coordinator, make_atelier, make_report
from tests.support.factories import make_user
from tests.support.queries import count_queries
from tests.support.reports import seed_body_markdown


@pytest.fixture
def published(app):
    with app.test_request_context(base_url="https://passerelle.test/"):
        report = make_report()
        version = reports.publish(coordinator(), report)
    db.session.commit()
    return report, version


def url(report, number: int = 1) -> str:
    return f"/rencontres/comptes-rendus/{report.id}/v{number}.pdf"


def words(text: str) -> str:
    return " ".join(text.replace("\u2010\n", "").split())


def test_download_serves_the_stored_bytes_with_a_safe_name_and_etag(client, login, published):
    report, version = published
    login(make_user())
    response = client.get(url(report))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == version.pdf
    assert response.headers["ETag"] == f'"{version.sha256}"'
    assert response.headers["Content-Disposition"] == 'attachment; filename="compte-rendu-atelier-2-isolement-v1.pdf"'
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_revalidation_answers_304_without_the_bytes(client, login, published):
    report, version = published
    login(make_user())
    response = client.get(url(report), headers={"If-None-Match": f'"{version.sha256}"'})
    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == f'"{version.sha256}"'
    changed = client.get(url(report), headers={"If-None-Match": '"autre"'})
    assert changed.status_code == 200


def test_a_download_reads_the_version_and_its_bytes_in_one_statement(client, login, published):
    """The person, the report, the version with its bytes: three statements, the publisher not joined;
    a revalidation that matches reads no bytes."""
    report, version = published
    login(make_user())
    client.get(url(report))
    with count_queries() as counter:
        response = client.get(url(report))
    assert response.status_code == 200 and response.data == version.pdf
    assert counter.count == 3, counter.statements
    assert not any("users_1" in statement for statement in counter.statements[1:]), counter.statements
    etag = f'"{version.sha256}"'
    with count_queries() as counter:
        revalidated = client.get(url(report), headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert counter.count == 3, counter.statements
    assert not any("pdf" in statement.split("FROM")[0] for statement in counter.statements)


def test_a_download_never_renders(client, login, published, monkeypatch):
    report, version = published

    def no_render(*args, **kwargs):
        raise AssertionError("a download must not render")

    monkeypatch.setattr(pdf_services, "html_to_pdf", no_render)
    monkeypatch.setattr(reports, "render_pdf", no_render)
    login(make_user())
    assert client.get(url(report)).data == version.pdf


def test_unknown_version_is_404_and_latest_redirects(client, login, published):
    report, _ = published
    login(make_user())
    assert client.get(url(report, 2)).status_code == 404
    latest = client.get(f"/rencontres/comptes-rendus/{report.id}/dernier.pdf")
    assert latest.status_code == 302 and latest.headers["Location"].endswith(url(report))


def test_the_pdf_read_back_has_text_pages_metadata_pdfa_fonts_and_attachment(published):
    report, version = published
    reader = PdfReader(io.BytesIO(version.pdf))
    assert len(reader.pages) == version.page_count >= 2
    first = words(reader.pages[0].extract_text())
    for part in ("Fédération départementale des Centres Sociaux de l'Ain", "COMPTE RENDU",
                 "Atelier n°2 : Isolement", "Fouzia Zahar et Claudy Debaix", "CS Belley — projet Entracte",
                 "CS Jassans — projet Donnant-donnant", "Version 1"):
        assert part in first, part
    every_page = words(" ".join(page.extract_text() for page in reader.pages))
    assert "Les finances évoluent en même temps que les actions évoluent." in every_page
    assert f"page {version.page_count} / {version.page_count}" in every_page
    info = reader.metadata
    assert info.title == "Compte rendu — Atelier n°2 : Isolement"
    assert info.author == "Fédération départementale des Centres Sociaux de l'Ain"
    assert "Atelier n°2 : Isolement" in info.subject and "2e rencontre" in info.subject
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert _font_names(reader) and all("Source-Sans-3" in name for name in _font_names(reader))
    attachments = reader.attachments
    assert list(attachments) == ["compte-rendu-atelier-2-isolement-v1.md"]
    assert attachments["compte-rendu-atelier-2-isolement-v1.md"][0].decode("utf-8") == report.body
    assert hashlib.sha256(version.pdf).hexdigest() == version.sha256


def _font_names(reader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            names.add(str(font["/BaseFont"]))
    return names


# --- what the Markdown may not do -------------------------------------------------------------------------

class CountingHandler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        CountingHandler.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server():
    CountingHandler.hits = []
    server = HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_hostile_markdown_is_neither_executed_nor_fetched(app, loopback_server):
    body = (seed_body_markdown() + "\n\n<script>alert('x')</script>\n\n<iframe src=\"https://exemple.org\"></iframe>\n\n"
            "<style>@page { size: 10mm }</style>\n\n![mot de passe](file:///etc/passwd)\n\n"
            f"![interne]({loopback_server}/secret.png)\n\n[interne]({loopback_server}/admin)\n")
    with app.test_request_context(base_url="https://passerelle.test/"):
        report = make_report(make_atelier(), body=body)
        version = reports.publish(coordinator(), report)
    assert CountingHandler.hits == []
    reader = PdfReader(io.BytesIO(version.pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "root:x:0:0" not in text  # /etc/passwd was not read into the PDF
    width = float(reader.pages[0].mediabox.width)
    assert round(width * 25.4 / 72) == 210  # the <style> did not change the page size
    with app.test_request_context():
        html = reports.report_document(report, body).body_html
    # Raw HTML typed in the Markdown is shown as text, never as elements; the file:// image is dropped.
    assert "<script" not in html and "<iframe" not in html and "<style" not in html and 'src="file:' not in html
    assert "&lt;script&gt;" in html
