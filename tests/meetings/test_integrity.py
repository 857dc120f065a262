"""``portal verify`` checks every published PDF against its sha256."""

from sqlalchemy import text

from portal.core.db import db
from portal.meetings.integrity import verify_published_pdfs
from portal.meetings.services import reports
from tests.meetings.helpers import coordinator, make_report


def test_verifier_is_registered_and_passes_on_sound_data(app):
    from portal.core import integrity

    assert "meetings.pdfs" in {item.name for item in integrity.registered()}
    with app.test_request_context():
        reports.publish(coordinator(), make_report())
    verdict = verify_published_pdfs()
    assert verdict.ok and verdict.summary == "1 PDF publié vérifié, intact."


def test_verifier_names_the_version_whose_bytes_changed_behind_the_walls(app):
    with app.test_request_context():
        report = make_report()
        reports.publish(coordinator(), report)
    db.session.flush()
    _tamper(report.id)
    verdict = verify_published_pdfs()
    assert not verdict.ok
    assert verdict.summary.startswith(f"Compte rendu {report.id}, version 1 :")


def _tamper(report_id: int) -> None:
    """What someone with database access could do: drop the wall, change the bytes."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE report_versions DISABLE TRIGGER report_versions_immutable"))
        db.session.execute(text("UPDATE report_versions SET pdf = :pdf WHERE report_id = :id"),
                           {"pdf": b"%PDF-falsifie", "id": report_id})
        db.session.execute(text("ALTER TABLE report_versions ENABLE TRIGGER report_versions_immutable"))
    else:
        db.session.execute(text("DROP TRIGGER report_versions_no_update"))
        db.session.execute(text("UPDATE report_versions SET pdf = :pdf WHERE report_id = :id"),
                           {"pdf": b"%PDF-falsifie", "id": report_id})
