"""Publishing a compte rendu: the PDF rendered once through portal.pdf, stored as version n+1, never changed."""

import hashlib

import pytest
from sqlalchemy import text, update

from portal.core.db import db
from portal.meetings.models import ImmutableVersionError, ReportStatus, ReportVersion
from portal.meetings.services import reports
from portal.meetings.services.common import MeetingError
from portal.pdf import PdfRenderError
from tests.meetings.helpers import coordinator, make_report


@pytest.fixture
def publishing(app):
    with app.test_request_context(base_url="https://passerelle.example.org/"):
        yield


def test_publish_stores_version_one_with_its_bytes_and_hash(publishing):
    report = make_report()
    actor = coordinator()
    version = reports.publish(actor, report)
    assert version.number == 1
    assert version.pdf.startswith(b"%PDF-")
    assert version.sha256 == hashlib.sha256(version.pdf).hexdigest()
    assert version.size_bytes == len(version.pdf) and version.page_count >= 2
    assert version.published_by_id == actor.id
    assert version.markdown_source == report.body
    db.session.refresh(report)
    assert report.status == ReportStatus.PUBLISHED


def test_publishing_again_makes_version_two_and_keeps_version_one(publishing):
    report = make_report()
    actor = coordinator()
    first = reports.publish(actor, report)
    first_bytes = first.pdf
    reports.save_draft(actor, report, report.body + "\n\nUne proposition ajoutée.\n",
                       expected_version=report.lock_version)
    second = reports.publish(actor, report, "Ajout d'une proposition")
    assert [v.number for v in reports.versions_of(report)] == [2, 1]
    assert second.change_note == "Ajout d'une proposition"
    assert reports.version_or_none(report, 1).pdf == first_bytes
    assert second.sha256 != first.sha256


def test_second_version_needs_a_note_saying_what_changed(publishing):
    report = make_report()
    reports.publish(coordinator(), report)
    with pytest.raises(MeetingError) as refused:
        reports.publish(coordinator(), report, "")
    assert refused.value.field == "change_note"


@pytest.mark.parametrize("body", ["", "   \n\n  "])
def test_an_empty_report_is_refused_in_french(publishing, body):
    report = make_report(body=body)
    with pytest.raises(MeetingError) as refused:
        reports.publish(coordinator(), report)
    assert refused.value.message == reports.EMPTY_REPORT_MESSAGE
    assert reports.versions_of(report) == []


def test_a_render_failure_leaves_the_draft_and_the_versions_as_they_were(publishing, monkeypatch):
    report = make_report()
    actor = coordinator()
    reports.publish(actor, report)
    body, lock = report.body, report.lock_version

    def failing_render(document):
        raise PdfRenderError("La mise en page a pris trop de temps.")

    monkeypatch.setattr(reports, "render_pdf", failing_render)
    with pytest.raises(PdfRenderError):
        reports.publish(actor, report, "Une correction")
    db.session.expire_all()
    assert [v.number for v in reports.versions_of(report)] == [1]
    assert (report.body, report.lock_version) == (body, lock)


def test_a_number_taken_meanwhile_is_retried_with_the_next_one(publishing):
    """Two coordinators publishing at once: the second insert of number n fails on the unique constraint
    and is retried as n+1, with the PDF made again for that number (its footer says the right version)."""
    report = make_report()
    actor = coordinator()
    publication = reports.prepare_publication(report)
    rendered = reports.render_publication(publication)
    reports.publish(actor, report)  # the other coordinator wins number 1 meanwhile
    version = reports.record_publication(actor, publication, rendered)
    assert version.number == 2
    assert version.sha256 != rendered.sha256  # made again, numbered 2
    assert [v.number for v in reports.versions_of(report)] == [2, 1]


def test_a_published_version_is_never_changed_or_deleted(publishing):
    version = reports.publish(coordinator(), make_report())
    version.change_note = "réécrit"
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()


def test_bulk_updates_and_deletes_of_versions_are_refused(publishing):
    reports.publish(coordinator(), make_report())
    with pytest.raises(ImmutableVersionError):
        db.session.execute(update(ReportVersion).values(change_note="x"))


def test_the_database_refuses_to_change_a_version_behind_the_orms_back(publishing):
    version = reports.publish(coordinator(), make_report())
    db.session.flush()
    savepoint = db.session.begin_nested()
    with pytest.raises(Exception, match="never changed"):
        db.session.execute(text("UPDATE report_versions SET change_note = 'x' WHERE id = :id"), {"id": version.id})
    savepoint.rollback()


def test_stale_draft_is_refused_and_nothing_saved(publishing):
    report = make_report(body="Premier jet.\n")
    actor = coordinator()
    opened_at = report.lock_version
    reports.save_draft(actor, report, "Deuxième jet.\n", expected_version=opened_at)
    with pytest.raises(reports.StaleDraftError):
        reports.save_draft(coordinator(), report, "Troisième jet.\n", expected_version=opened_at)
    assert report.body == "Deuxième jet.\n"


def test_file_name_is_safe_ascii(publishing):
    report = make_report()
    assert reports.file_stem(report, 1) == "compte-rendu-atelier-2-isolement-v1"
