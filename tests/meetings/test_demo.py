"""The demo holds the seed's rencontre: atelier n°2 « Isolement », its co-facilitators and testimonies, and its
compte rendu published as version 1 from the seed's text; loaded once however often the command runs."""

import io

from pypdf import PdfReader

from portal.core.db import db
from portal.demo import load_demo
from portal.meetings.demo import TITLE, seed_body
from portal.meetings.models import CompteRendu, Rencontre, ReportVersion
from portal.meetings.services import reports
from tests.support.reports import seed_body_markdown


def test_the_demo_publishes_the_seeds_compte_rendu_as_version_one(app):
    load_demo("mot-de-passe-de-demo")
    load_demo("mot-de-passe-de-demo")  # a second run duplicates nothing
    (rencontre,) = db.session.execute(db.select(Rencontre).filter_by(title=TITLE)).unique().scalars().all()
    (atelier,) = rencontre.ateliers
    assert (rencontre.ordinal, atelier.heading) == (2, "Atelier n°2 : Isolement")
    assert atelier.facilitator_names == ["Fouzia Zahar", "Claudy Debaix"]
    assert [(t.structure, t.project.title) for t in atelier.testimonies] == [
        ("CS Belley", "Entracte"), ("CS Jassans", "Donnant-donnant")]
    report = db.session.execute(db.select(CompteRendu).filter_by(atelier_id=atelier.id)).scalar_one()
    assert report.is_published and report.is_public and report.body == seed_body() == seed_body_markdown()
    (version,) = db.session.execute(db.select(ReportVersion).filter_by(report_id=report.id)).scalars().all()
    assert version.number == 1 and version.markdown_source == seed_body()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(version.pdf)).pages)
    assert "Atelier n°2 : Isolement" in text and "Fouzia Zahar et Claudy Debaix" in text
    assert reports.reports_mentioning(atelier.testimonies[0].project) == [report]
