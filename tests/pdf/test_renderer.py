"""The in-process renderer's own rules, below the isolation layer."""

from weasyprint.text.ffi import ffi

from portal.pdf import PdfMetadata, html_to_pdf
from portal.pdf.renderer import _UnsizedArrays
from tests.pdf.conftest import read_pdf


def test_metadata_given_by_the_caller_wins_over_the_html_head(app):
    html = ('<html lang="en"><head><title>Autre titre</title><meta name="author" content="Quelqu’un"></head>'
            "<body><p>Texte</p></body></html>")
    with app.app_context():
        rendered = html_to_pdf(html, metadata=PdfMetadata(title="Titre voulu", author="Réseau"))
    reader = read_pdf(rendered.data)
    assert (reader.metadata.title, reader.metadata.author) == ("Titre voulu", "Réseau")
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_weasyprints_warnings_come_back_with_the_pdf(app):
    with app.app_context():
        rendered = html_to_pdf('<p style="colour: red">Texte</p>', metadata=PdfMetadata(title="t"))
    assert any("colour" in warning for warning in rendered.warnings)


def test_sized_arrays_are_built_from_one_unsized_type():
    shim = _UnsizedArrays(ffi)
    array = shim.new("hb_codepoint_t[3]", [4, 5, 6])
    assert list(array) == [4, 5, 6] and ffi.typeof(array) == ffi.typeof("hb_codepoint_t[]")
    assert ffi.typeof(shim.new("char[4]")) == ffi.typeof("char[4]")  # no items: left as asked
    assert ffi.sizeof(shim.new("char[8]", b"ab")) == 8  # fewer items than the size: left as asked
