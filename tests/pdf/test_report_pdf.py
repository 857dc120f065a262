"""The seed's compte rendu as a PDF, read back with pypdf: text, pages, metadata, PDF/A, fonts,
bookmarks and the attached Markdown source."""

import hashlib
import re

from pypdf.generic import NameObject

from tests.pdf.conftest import page_texts
from tests.support.reports import NETWORK, seed_body_markdown


def _words(text: str) -> str:
    """Text with its line breaks, non-breaking spaces and hyphenation points as single spaces."""
    return " ".join(text.replace("\u2010\n", "").split())


def test_first_page_has_the_seeds_header_then_the_body(seed_reader):
    first = _words(seed_reader.pages[0].extract_text())
    assert first.startswith(NETWORK)
    header = ["2e RENCONTRE", "COMPTE RENDU", "Atelier n°2 : Isolement", "Co-animation :",
              "Fouzia Zahar et Claudy Debaix", "CS Belley — projet Entracte", "CS Jassans — projet Donnant-donnant",
              "Version 1 · publiée le 12 mars 2025", "Présentation Témoignage"]
    positions = [first.index(part) for part in header]
    assert positions == sorted(positions)
    assert "Témoignage n°1 :" in first and "Témoignage n°2 :" in first


def test_french_typography_survives(seed_reader):
    text = _words("\n".join(page_texts(seed_reader)))
    assert "Le cœur de l’action : « faire avec » plutôt que « faire pour » !" in text
    assert "Œuvrer ensemble, c’est déjà rompre l’isolement." in text
    assert "« donner envie de partager »" in text
    assert "Les finances évoluent en même temps que les actions évoluent." in text


def test_every_page_is_numbered_out_of_the_total_with_the_version_in_the_footer(seed_pdf, seed_reader):
    total = len(seed_reader.pages)
    assert total == seed_pdf.page_count >= 2
    for number, text in enumerate(page_texts(seed_reader), start=1):
        assert f"page {number} / {total}" in text
        assert "Version 1 · publiée le 12 mars 2025" in text


def test_pages_after_the_first_carry_the_running_title(seed_reader):
    assert "Compte rendu — Atelier n°2 : Isolement" not in seed_reader.pages[0].extract_text()
    assert "Compte rendu — Atelier n°2 : Isolement" in seed_reader.pages[1].extract_text()
    assert NETWORK in seed_reader.pages[1].extract_text()


def test_pages_are_a4(seed_reader):
    for page in seed_reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)


def test_document_information_and_language(seed_reader):
    info = seed_reader.metadata
    assert info.title == "Compte rendu — Atelier n°2 : Isolement"
    assert info.author == "Coordination du réseau"
    assert info.subject == "Compte rendu de l'atelier Isolement, 2e rencontre du réseau"
    assert info["/Keywords"] == "isolement, centres sociaux, rencontre"
    assert info["/CreationDate"] == "D:20250312093000Z"
    assert seed_reader.trailer["/Root"]["/Lang"] == "fr"


def test_xmp_identifies_pdf_a_3a(seed_reader):
    xmp = seed_reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp)
    assert re.search(r'pdfaid:conformance="A"', xmp)
    assert "Compte rendu — Atelier n°2 : Isolement" in xmp


def _structure_types(node, found: set[str]) -> set[str]:
    node = node.get_object()
    found.add(node.get("/S"))
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
            _structure_types(kid, found)
    return found


def test_pdf_is_tagged_for_accessibility(seed_reader):
    root = seed_reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    types = _structure_types(root["/StructTreeRoot"], set())
    assert {"/Document", "/H1", "/H2", "/H3", "/P", "/L", "/LI", "/Figure"} <= types


def _fonts(reader) -> dict[str, dict]:
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    return fonts


def test_only_the_portals_source_sans_3_is_embedded_as_subsets(seed_reader):
    fonts = _fonts(seed_reader)
    names = {re.sub(r"^/[A-Z]{6}\+", "", name) for name in fonts}
    assert names == {"Source-Sans-3,", "Source-Sans-3-Bold", "Source-Sans-3-Italic", "Source-Sans-3-Bold-Italic"}
    for font in fonts.values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor  # the TrueType program itself is in the file


def test_headings_become_bookmarks_nested_under_the_title(seed_reader):
    outline = seed_reader.outline
    assert [item.title for item in outline if not isinstance(item, list)] == ["Compte rendu Atelier n°2 : Isolement"]
    sections = outline[1]
    titles = [item.title for item in sections if not isinstance(item, list)]
    assert titles == ["Présentation Témoignage :", "Réflexions / Propositions collectives :", "Collectivement"]
    assert [item.title for item in sections[1]] == ["1/ Projet Donnant – Donnant", "2/ Projet Entracte."]


def test_the_markdown_source_is_attached_as_the_pdfs_source(seed_reader, seed_pdf):
    attachments = seed_reader.attachments
    assert list(attachments) == ["compte-rendu-atelier-2-isolement.md"]
    source = attachments["compte-rendu-atelier-2-isolement.md"][0].decode("utf-8")
    assert source.startswith(seed_body_markdown())
    root = seed_reader.trailer["/Root"]
    (association,) = root["/AF"]
    filespec = association.get_object()
    assert filespec["/AFRelationship"] == NameObject("/Source")
    assert filespec["/EF"]["/F"].get_object()["/Subtype"] == "/text/markdown"


def test_the_checksum_is_the_sha256_of_the_bytes(seed_pdf):
    assert seed_pdf.sha256 == hashlib.sha256(seed_pdf.data).hexdigest()
    assert seed_pdf.data.startswith(b"%PDF-1.7")
    assert seed_pdf.skipped_resources == ()
