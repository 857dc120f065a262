"""Two coordinators publish the same compte rendu at the same moment, from two processes (two gunicorn
workers): each gets a version number of its own, the PDF of each says its own number, and the version
published before is untouched, byte for byte. On a fresh database of the engine under test."""

import hashlib
import io
import multiprocessing

import pytest
from flask_migrate import upgrade
from pypdf import PdfReader

from portal import create_app
from portal.core.db import db, write_intent
from portal.meetings.models import CompteRendu, ReportVersion
from portal.meetings.services import reports
from tests.support.database import drop_database, fresh_database_url

PUBLISHERS = 2


def make_app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k", "SQLITE_BUSY_TIMEOUT_MS": 60_000})


def prepare(url: str) -> tuple[int, str]:
    """Schema, the seed's atelier and its compte rendu published as version 1; (report id, v1's sha256)."""
    from tests.meetings.helpers import make_report

    app = make_app(url)
    with app.app_context():
        upgrade()
        with write_intent():
            report = make_report()
            version = reports.publish(None, report)
            db.session.commit()
            ids = report.id, version.sha256
        db.engine.dispose()
    return ids


def publish_as_the_view_does(url: str, report_id: int, publisher: int, barrier, results) -> None:
    """Read and number the draft, end the read transaction, render, then record and commit: the publish
    view's three steps. Both processes number their version before either records it."""
    app = make_app(url)
    with app.app_context(), write_intent():
        report = db.session.get(CompteRendu, report_id)
        publication = reports.prepare_publication(report, f"Correction de la personne {publisher}")
        db.session.rollback()
        barrier.wait(timeout=120)
        rendered = reports.render_publication(publication)
        version = reports.record_publication(None, publication, rendered)
        db.session.commit()
        results.put((publisher, publication.number, version.number))
        db.engine.dispose()


@pytest.fixture
def database(tmp_path):
    url = fresh_database_url(tmp_path)
    yield url
    drop_database(url)


@pytest.mark.slow
def test_two_coordinators_publishing_at_once_get_one_number_each(database):
    report_id, first_sha = prepare(database)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PUBLISHERS), context.Queue()
    processes = [context.Process(target=publish_as_the_view_does, args=(database, report_id, n, barrier, results))
                 for n in range(PUBLISHERS)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert sorted(prepared for _, prepared, _ in outcomes) == [2, 2]  # both had numbered their version 2
    assert sorted(number for _, _, number in outcomes) == [2, 3]  # and each got a number of its own

    app = make_app(database)
    with app.app_context():
        versions = db.session.execute(db.select(ReportVersion).where(ReportVersion.report_id == report_id)
                                      .order_by(ReportVersion.number)).scalars().all()
        stored = [(v.number, v.sha256, v.pdf, v.change_note) for v in versions]
        db.engine.dispose()
    assert [number for number, *_ in stored] == [1, 2, 3]
    assert stored[0][1] == first_sha == hashlib.sha256(stored[0][2]).hexdigest()  # version 1 untouched
    for number, sha, pdf, _note in stored:
        assert hashlib.sha256(pdf).hexdigest() == sha
        footer = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert f"ersion {number}" in footer  # the PDF prints the number it was stored under
    assert {note for _, _, _, note in stored[1:]} == {"Correction de la personne 0", "Correction de la personne 1"}
