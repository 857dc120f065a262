"""Who may do what with a compte rendu, as a matrix: anonymous visitor, member, co-facilitator with an account,
coordinator × editor, publishing, reading and downloading, for a private and a public report."""

import hashlib

import pytest

from portal.core.db import db
from portal.meetings.models import ReportVersion
from portal.meetings.services import reports
from portal.pdf import RenderedPdf
from tests.meetings.helpers import make_atelier, make_report
from tests.support.factories import make_user

LOGIN = "login"  # a redirect to the login page


def fake_render(document) -> RenderedPdf:
    """Permissions do not need a real layout (the other tests render for real): a stand-in PDF, fast."""
    data = f"%PDF-1.7 stand-in for {document.title} v{document.version}".encode()
    return RenderedPdf(data=data, page_count=1, sha256=hashlib.sha256(data).hexdigest())


@pytest.fixture
def setup(app, monkeypatch):
    monkeypatch.setattr(reports, "render_pdf", fake_render)
    coordinator = make_user("coordinator")
    people = {"anonymous": None, "member": make_user(), "facilitator": make_user(), "coordinator": coordinator}
    atelier = make_atelier(facilitator_users=[people["facilitator"]])
    private = make_report(atelier)
    public = make_report(make_atelier(atelier.rencontre, number=3, theme="Parentalité", testimonies=[]),
                         is_public=True)
    with app.test_request_context():
        for report in (private, public):
            reports.publish(coordinator, report)
    db.session.commit()
    return people, {"private": private, "public": public}


READ_PATHS = ["/rencontres/comptes-rendus/{id}", "/rencontres/comptes-rendus/{id}/versions",
              "/rencontres/comptes-rendus/{id}/v1.pdf"]


@pytest.mark.parametrize("who,which,expected", [
    ("anonymous", "private", LOGIN), ("anonymous", "public", 200),
    ("member", "private", 200), ("member", "public", 200),
    ("facilitator", "private", 200), ("coordinator", "private", 200),
])
@pytest.mark.parametrize("path", READ_PATHS)
def test_reading_and_downloading(client, login, setup, who, which, expected, path):
    people, reports_ = setup
    if people[who]:
        login(people[who])
    response = client.get(path.format(id=reports_[which].id))
    if expected == LOGIN:
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("who,expected", [("anonymous", LOGIN), ("member", 403), ("facilitator", 200),
                                          ("coordinator", 200)])
def test_opening_the_draft_editor(client, login, setup, who, expected):
    people, reports_ = setup
    if people[who]:
        login(people[who])
    response = client.get(f"/rencontres/comptes-rendus/{reports_['private'].id}/brouillon")
    if expected == LOGIN:
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("who,published", [("member", False), ("facilitator", False), ("coordinator", True)])
def test_only_coordinators_publish(client, login, setup, who, published):
    people, reports_ = setup
    report = reports_["private"]
    login(people[who])
    client.post(f"/rencontres/comptes-rendus/{report.id}/brouillon", data={
        "body": report.body + "\nAjout.", "lock_version": str(report.lock_version), "action": "publish",
        "change_note": "Ajout"})
    numbers = db.session.execute(db.select(ReportVersion.number).where(ReportVersion.report_id == report.id)
                                 .order_by(ReportVersion.number)).scalars().all()
    assert numbers == ([1, 2] if published else [1])


def test_a_cofacilitator_cannot_make_a_report_public(client, login, setup):
    people, reports_ = setup
    report = reports_["private"]
    login(people["facilitator"])
    client.post(f"/rencontres/comptes-rendus/{report.id}/brouillon", data={
        "body": report.body, "lock_version": str(report.lock_version), "action": "save", "is_public": "y"})
    db.session.refresh(report)
    assert report.is_public is False
