"""The report's header and body are written once (templates/pdf/_report_body.html) and read well as HTML."""

import re

from flask import render_template

from portal import pdf
from portal.pdf.document import french_join, french_ordinal, nest_headings
from tests.support.reports import make_report


def _headings(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


def test_the_partial_gives_one_h1_and_headings_in_order(app):
    with app.test_request_context():
        html = render_template("pdf/_report_body.html", report=make_report())
    levels = _headings(html)
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))
    assert '<article class="report" lang="fr">' in html


def test_the_header_names_co_facilitators_and_links_testimonies_to_their_projects(app):
    report = make_report(testimonies=(pdf.Testimony("CS Belley", "Entracte", "/projets/3"),
                                      pdf.Testimony("CS Jassans", "Donnant-donnant")))
    with app.test_request_context():
        html = render_template("pdf/_report_body.html", report=report)
    assert "<dt>Co-animation&nbsp;:</dt> <dd>Fouzia Zahar et Claudy Debaix</dd>" in html
    assert 'CS Belley — <a href="/projets/3">projet Entracte</a>' in html
    assert "<dt>Témoignage n°2&nbsp;:</dt>" in html and "CS Jassans — projet Donnant-donnant" in html
    assert '<p class="report-rencontre">2<sup>e</sup> rencontre</p>' in html


def test_header_text_is_escaped_and_a_draft_says_so(app):
    report = make_report(heading="Atelier <script>alert(1)</script>", version=None, published_at=None)
    with app.test_request_context():
        html = render_template("pdf/_report_body.html", report=report)
    assert "<script>" not in html and "Atelier &lt;script&gt;" in html
    assert "Brouillon, non publié" in html


def test_the_pdf_page_carries_title_author_language_and_print_stylesheet(app):
    with app.test_request_context():
        html = pdf.report_html(make_report())
    assert '<html lang="fr">' in html
    assert "<title>Compte rendu — Atelier n°2 : Isolement</title>" in html
    assert '<meta name="author" content="Coordination du réseau">' in html
    assert 'href="static/css/print.css"' in html and 'src="static/img/logo.svg"' in html


def test_body_headings_move_under_the_title_whatever_level_they_were_written_at():
    assert nest_headings("<h4>A</h4><p>x</p><h5 id=b>B</h5>") == "<h2>A</h2><p>x</p><h3 id=b>B</h3>"
    assert nest_headings("<h1>A</h1><h2>B</h2>") == "<h2>A</h2><h3>B</h3>"
    assert nest_headings("<h2>A</h2><h6>B</h6>") == "<h2>A</h2><h6>B</h6>"
    assert nest_headings("<h1>A</h1><h6>Z</h6>") == "<h2>A</h2><h6>Z</h6>"
    assert nest_headings("<p>sans titre</p>") == "<p>sans titre</p>"
    assert nest_headings("<header>x</header><hr>") == "<header>x</header><hr>"


def test_french_ordinals_and_lists():
    assert french_ordinal(1) == "1<sup>re</sup>"
    assert french_ordinal(2) == "2<sup>e</sup>"
    assert french_join(("Fouzia Zahar",)) == "Fouzia Zahar"
    assert french_join(("A", "B", "C")) == "A, B et C"
    assert make_report(rencontre_ordinal=1, rencontre_title="Agir <ensemble>").rencontre_label == \
        "1<sup>re</sup> rencontre — Agir &lt;ensemble&gt;"
