"""What a PDF may read: the portal's static files and its stored images, nothing else, ever."""

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.pdf import PdfMetadata, StoredImage, html_to_pdf, render_report_pdf
from portal.pdf.document import STATIC_ROOT
from portal.pdf.fetcher import ResourceRefused, RestrictedFetcher
from tests.pdf.conftest import read_pdf
from tests.support.reports import make_report

BASE = "https://passerelle.example.org/"
# A 1×1 transparent PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJ"
                       "RU5ErkJggg==")


@pytest.fixture
def fetcher():
    return RestrictedFetcher(base_url=BASE, static_root=STATIC_ROOT,
                             stored_images={"42": StoredImage(PNG, "image/png")})


@pytest.fixture
def loopback_server():
    """A real HTTP server on 127.0.0.1 that records every request it gets (it should get none)."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


# --- the fetcher on its own -----------------------------------------------------------------------

def test_static_files_are_read_from_disk(fetcher):
    response = fetcher.fetch(BASE + "static/css/print.css")
    assert b"@font-face" in response.read()
    assert response.content_type == "text/css"


def test_stored_images_come_from_what_the_caller_handed_in(fetcher):
    response = fetcher.fetch(BASE + "fichiers/42")
    assert response.read() == PNG
    assert response.content_type == "image/png"


@pytest.mark.parametrize("url", [
    BASE + "static/../portal/config.py",
    BASE + "static/%2e%2e/portal/config.py",
    BASE + "static/..%2F..%2F..%2Fetc%2Fpasswd",
    BASE + "static/css/absent.css",
    BASE + "static/css",
    BASE + "fichiers/43",
    BASE + "fichiers/..%2F42",
    BASE + "connexion",
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://127.0.0.1:8000/static/css/print.css",
    "http://localhost/image.png",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/image.png",
    "https://passerelle.example.org.evil.test/static/css/print.css",
    "https://user@passerelle.example.org/static/css/print.css",
    "http://passerelle.example.org/static/css/print.css",  # another scheme is another origin
    "ftp://passerelle.example.org/static/css/print.css",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:application/pdf;base64,JVBERi0=",
])
def test_everything_else_is_refused_and_recorded(fetcher, url):
    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    assert len(fetcher.skipped) == 1


def test_small_inline_images_are_allowed_large_ones_refused(fetcher):
    small = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert fetcher.fetch(small).read() == PNG
    large = "data:image/png;base64," + base64.b64encode(b"\0" * 300 * 1024).decode()
    with pytest.raises(ResourceRefused, match="trop lourde"):
        fetcher.fetch(large)


def test_symbolic_links_out_of_static_are_refused(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "static" / "link.txt").symlink_to(tmp_path / "secret.txt")
    fetcher = RestrictedFetcher(base_url=BASE, static_root=tmp_path / "static", stored_images={})
    with pytest.raises(ResourceRefused):
        fetcher.fetch(BASE + "static/link.txt")


def test_a_portal_served_under_a_path_serves_static_under_that_path():
    fetcher = RestrictedFetcher(base_url="https://exemple.fr/passerelle/", static_root=STATIC_ROOT, stored_images={})
    assert fetcher.fetch("https://exemple.fr/passerelle/static/img/logo.svg").read().startswith(b"<svg")
    with pytest.raises(ResourceRefused):
        fetcher.fetch("https://exemple.fr/static/img/logo.svg")


# --- whole renders ------------------------------------------------------------------------------------

@pytest.mark.parametrize("sanitised", [True, False], ids=["sanitised", "sanitiser-bypassed"])
def test_a_report_linking_local_files_and_loopback_still_renders_without_them(app, loopback_server, sanitised):
    """Markdown and nh3 already drop file:// links; were they ever bypassed, the fetcher still refuses them."""
    server_url, requests = loopback_server
    markdown = (f"Texte avant.\n\n![mot de passe](file:///etc/passwd)\n\n![interne]({server_url}/image.png)\n\n"
                f"[lien]({server_url}/page)\n\nTexte après.\n")
    raw_html = f'<p>Texte avant.</p><img src="file:///etc/passwd"><img src="{server_url}/image.png"><p>Texte après.</p>'
    report = make_report(markdown) if sanitised else make_report(markdown, body_html=raw_html)
    with app.test_request_context(base_url=BASE):
        rendered = render_report_pdf(report)
    assert requests == []
    skipped = " ".join(rendered.skipped_resources)
    assert f"{server_url}/image.png (adresse extérieure au portail refusée)" in skipped
    assert ("file:///etc/passwd (fichier local refusé)" in skipped) is not sanitised
    text = " ".join(page.extract_text() for page in read_pdf(rendered.data).pages)
    assert "Texte avant." in text and "Texte après." in text
    assert "root:" not in text


def test_raw_html_cannot_reach_files_or_the_network_by_any_route(app, loopback_server):
    """html_to_pdf takes any HTML: stylesheets, imports, backgrounds, attachments, objects, fonts."""
    server_url, requests = loopback_server
    html = f"""<!doctype html><html lang="fr"><head>
      <link rel="stylesheet" href="{server_url}/style.css">
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="attachment" href="{server_url}/piece.txt">
      <style>@import url("{server_url}/import.css"); @import url("file:///etc/passwd");
        @font-face {{ font-family: X; src: url("{server_url}/font.ttf"); }}
        body {{ background: url("{server_url}/fond.png"); }}
        p::after {{ content: url("file:///etc/hostname"); }}</style>
      </head><body><p>Contenu.</p><img src="{server_url}/a.png"><object data="file:///etc/passwd"></object>
      <embed src="{server_url}/b.png"><iframe src="file:///etc/passwd"></iframe>
      <svg xmlns="http://www.w3.org/2000/svg"><image href="{server_url}/c.png" width="5" height="5"/></svg>
      </body></html>"""
    with app.app_context():
        rendered = html_to_pdf(html, metadata=PdfMetadata(title="Essai"), base_url=BASE)
    assert requests == []
    reader = read_pdf(rendered.data)
    assert "Contenu." in reader.pages[0].extract_text()
    assert reader.attachments == {}
    assert b"root:x:0:0" not in rendered.data
    assert any("file:///etc/passwd" in entry for entry in rendered.skipped_resources)


def test_stored_images_are_resolved_by_the_callers_function(app):
    asked = []

    stored = {"7": StoredImage(PNG, "image/png"), "8": StoredImage(b"MZ...", "application/x-msdownload")}

    def resolver(identifier):
        asked.append(identifier)
        return stored.get(identifier)

    markdown = "![photo](/fichiers/7)\n\n![programme](/fichiers/8)\n\n![absente](/fichiers/9)\n"
    with app.test_request_context(base_url=BASE):
        rendered = render_report_pdf(make_report(markdown), image_resolver=resolver)
    assert sorted(asked) == ["7", "8", "9"]
    skipped = " ".join(rendered.skipped_resources)
    assert "fichiers/8 (pas une image)" in skipped
    assert "fichiers/9 (image introuvable dans le portail)" in skipped
    assert "fichiers/7" not in skipped
    images = [image for page in read_pdf(rendered.data).pages for image in page.images]
    assert len(images) == 1  # the photo; the logo is a vector SVG, not an image
