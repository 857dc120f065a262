"""Fixtures for the PDF tests: PDFs are rendered for real (isolated process, WeasyPrint) and read back."""

import io

import pytest
from pypdf import PdfReader

from portal.pdf import render_report_pdf
from tests.support.reports import make_report, seed_body_markdown

# Typography the seed lacks: œ/Œ, apostrophes, guillemets with their non-breaking spaces.
TYPOGRAPHY = ("\n\nLe cœur de l’action : « faire avec » plutôt que « faire pour »\u202f! "
              "Œuvrer ensemble, c’est déjà rompre l’isolement.\n")


def read_pdf(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def seed_pdf(app):
    """The seed's compte rendu (plus a line of French typography) rendered once per module."""
    with app.test_request_context(base_url="https://passerelle.example.org/"):
        return render_report_pdf(make_report(seed_body_markdown() + TYPOGRAPHY))


@pytest.fixture(scope="module")
def seed_reader(seed_pdf) -> PdfReader:
    return read_pdf(seed_pdf.data)
