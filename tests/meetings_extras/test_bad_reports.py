"""Bad input at publishing: a 300-page report, huge images, a render that fails. Each ends in a clear French
message or a PDF within the limits, and never in a changed draft or a changed stored PDF."""

import time

import pytest

from portal.deploy import gunicorn_conf
from portal.meetings.services import reports
from portal.pdf import PdfRenderError
from tests.meetings.helpers import coordinator, make_report
from tests.support.reports import long_markdown

pytestmark = pytest.mark.slow


@pytest.fixture
def publishing(app):
    with app.test_request_context(base_url="https://passerelle.example.org/"):
        yield


def test_a_300_page_report_past_the_render_time_is_stopped_with_a_french_message(app, publishing, monkeypatch):
    """300 pages are under PDF_MAX_PAGES (400); what stops them on a slow machine is PDF_RENDER_TIMEOUT
    (120 s, below gunicorn's 180 s). Lowered here to 10 s, so the test is quick and the outcome certain
    (no machine lays out 300 pages in 10 s): the render process is killed, the coordinator told why, and
    nothing is stored. At the real limits, tests/perf/meetings_bench.py publishes it and reports the time."""
    assert app.config["PDF_MAX_PAGES"] >= 300 and app.config["PDF_RENDER_TIMEOUT"] < gunicorn_conf.timeout
    monkeypatch.setitem(app.config, "PDF_RENDER_TIMEOUT", 10)
    actor = coordinator()
    other = reports.publish(actor, make_report(body="Un autre compte rendu, déjà publié.\n"))
    report = make_report(body=long_markdown(190))  # 190 × (seed + table) ≈ 300 A4 pages
    body, lock = report.body, report.lock_version
    started = time.monotonic()
    with pytest.raises(PdfRenderError) as refused:
        reports.publish(actor, report)
    assert time.monotonic() - started < 60  # stopped at the limit (plus the HTML), far from a full layout
    assert refused.value.message.startswith("La mise en page du PDF a dépassé la durée permise (10 s)")
    assert "découpez-le" in refused.value.message
    assert reports.versions_of(report) == [] and (report.body, report.lock_version) == (body, lock)
    assert reports.latest_version(other.report).pdf == other.pdf


def test_more_pages_than_the_limit_are_refused_with_their_count(app, publishing, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_MAX_PAGES", 5)
    report = make_report(body=long_markdown(6))
    with pytest.raises(PdfRenderError) as refused:
        reports.publish(coordinator(), report)
    assert refused.value.message.startswith("Le document ferait ")
    assert "au-delà des 5 pages permises" in refused.value.message
    assert reports.versions_of(report) == []


def bomb_png(side: int = 30_000) -> bytes:
    """A 1-bit PNG of side × side pixels that weighs about 110 kB: billions of bytes once decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + side // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def test_a_logo_that_decodes_to_gigabytes_leaves_the_pdf_without_it(app, publishing):
    from portal.network import services as network

    logo = bomb_png()
    assert len(logo) < network.MAX_LOGO_BYTES
    network.update_identity(None, "Réseau", logo=logo)
    version = reports.publish(coordinator(), make_report())
    assert version.pdf.startswith(b"%PDF-") and version.page_count >= 2
    assert version.size_bytes < 2 * 1024 * 1024  # the giant was not embedded


def test_images_inlined_as_data_or_fetched_from_elsewhere_are_not_embedded(app, publishing):
    import base64

    inline = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 1_000_000).decode()  # 1.3 million characters
    body = (f"# Images\n\n![énorme](data:image/png;base64,{inline})\n\n![distante](https://example.org/huge.png)\n\n"
            "![locale](file:///etc/passwd)\n\n![boucle](http://127.0.0.1:5000/static/img/logo.svg)\n\nTexte.\n")
    version = reports.publish(coordinator(), make_report(body=body))
    assert version.size_bytes < 1024 * 1024 and version.page_count >= 1
    assert b"root:x:0" not in version.pdf


def test_an_image_too_big_for_any_report_is_refused_before_the_render(app, publishing):
    from portal.meetings.services.common import MeetingError

    inline = "A" * 8_000_000  # a 6 MB image pasted as text
    report = make_report(body="Texte.\n")
    with pytest.raises(MeetingError) as refused:
        reports.save_draft(coordinator(), report, f"![photo](data:image/png;base64,{inline})\n",
                           expected_version=report.lock_version)
    assert refused.value.message.startswith("Le texte est trop long (8")
    assert "Découpez-le" in refused.value.message and report.body == "Texte.\n"
