"""The network's name and logo: set by an admin, stored in the database, served by the portal, printed on
the first page of the comptes rendus."""

import io
import struct
import zlib

from pypdf import PdfReader

from portal.core.db import db
from portal.meetings.services import reports
from portal.network import services
from tests.meetings.helpers import coordinator, make_report
from tests.support.factories import make_user


def tiny_png(width: int = 4, height: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    pixels = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))


def test_an_admin_sets_the_name_and_logo(client, login):
    login(make_user("admin"))
    response = client.post("/reseau/identite", data={
        "name": "Réseau des centres sociaux du Bugey", "logo": (io.BytesIO(tiny_png()), "logo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.page_text
    assert services.identity().name == "Réseau des centres sociaux du Bugey"
    assert "Réseau des centres sociaux du Bugey" in client.get("/reseau/identite")  # the header too
    logo = client.get("/reseau/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png" and logo.data == tiny_png()
    again = client.get("/reseau/logo", headers={"If-None-Match": logo.headers["ETag"]})
    assert again.status_code == 304


def test_a_file_that_is_not_a_png_or_jpeg_is_refused_in_french(client, login):
    login(make_user("admin"))
    response = client.post("/reseau/identite", data={
        "name": "", "logo": (io.BytesIO(b"<svg onload='alert(1)'/>"), "logo.png")}, content_type="multipart/form-data")
    assert response.status_code == 200 and "Le logo doit être une image PNG ou JPEG." in response
    assert services.logo() is None


def test_only_admins_change_the_identity(client, login):
    login(make_user("coordinator"))
    assert client.get("/reseau/identite").status_code == 403


def test_the_stored_logo_and_name_are_on_the_pdf(app):
    services.update_identity(None, "Réseau du Bugey", logo=tiny_png(16, 16))
    db.session.flush()
    with app.test_request_context():
        version = reports.publish(coordinator(), make_report())
    reader = PdfReader(io.BytesIO(version.pdf))
    assert reader.pages[0].extract_text().startswith("Réseau du Bugey")
    assert reader.metadata.author == "Réseau du Bugey"
    assert any(image.image.size == (16, 16) for image in reader.pages[0].images)
