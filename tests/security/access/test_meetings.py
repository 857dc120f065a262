"""Who reaches the rencontres and comptes rendus (DESIGN.md): every logged-in partner sees the rencontres
and reads the published reports, anyone reads a report made public; coordinators organise, write and
publish; an atelier's co-facilitator with an account writes its draft. Here the partner co-facilitates
the ateliers of "own" and "draft". Objects: own (published, network only), other (published, no
co-facilitator here), public (published and public), draft (never published)."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app

from portal.meetings.services import rencontres, reports
from portal.pdf import RenderedPdf
from tests.security.access.matrix import Row
from tests.security.access.network import EXTENSIONS


@dataclass
class MeetingIds:
    rencontre_id: int
    atelier_id: int
    report_id: int
    number: int = 1  # the version of the published ones


def _stand_in_pdf(document) -> RenderedPdf:
    """Access does not need a real layout (tests/meetings renders for real): a stand-in PDF, fast."""
    data = f"%PDF-1.7 stand-in for {document.title} v{document.version}".encode()
    return RenderedPdf(data=data, page_count=1, sha256=hashlib.sha256(data).hexdigest())


def build_meetings(network, people) -> None:
    when = datetime(2025, 3, 12, 8, 30, tzinfo=UTC)
    rencontre = rencontres.create_rencontre(None, rencontres.RencontreData("Agir ensemble", when, 2))
    own_project = network.projects["own"].project

    def atelier(number: int, facilitated: bool):
        facilitator = (rencontres.FacilitatorData(user_id=people["partner"].id) if facilitated
                       else rencontres.FacilitatorData(name="Fouzia Zahar"))
        return rencontres.create_atelier(None, rencontre, rencontres.AtelierData(
            number, f"Atelier {number}", facilitators=[facilitator],
            testimonies=[rencontres.TestimonyData(own_project, network.organisations["carrier"])]))

    made = {"own": (atelier(2, True), False), "other": (atelier(3, False), False),
            "public": (atelier(4, False), True), "draft": (atelier(5, True), False)}
    render, reports.render_pdf = reports.render_pdf, _stand_in_pdf
    try:
        with current_app.test_request_context():
            for name, (workshop, public) in made.items():
                report = reports.create_report(None, rencontre, workshop, body="# Compte rendu\n\nTexte.",
                                               is_public=public)
                if name != "draft":
                    reports.publish(people["coordinator"], report)
                network.extras[name] = MeetingIds(rencontre.id, workshop.id, report.id)
    finally:
        reports.render_pdf = render


EXTENSIONS.append(build_meetings)

TABLE = [
    #                   anonymous carrier partner funder outsider coordinator admin deactivated
    Row("GET", "/rencontres/",
        any=          "login     200     200     200    200      200         200   login"),
    Row("GET", "/rencontres/<int:rencontre_id>",
        own=          "login     200     200     200    200      200         200   login",
        other=        "login     200     200     200    200      200         200   login",
        public=       "login     200     200     200    200      200         200   login",
        draft=        "login     200     200     200    200      200         200   login"),
    Row("GET", "/rencontres/<int:rencontre_id>/ateliers/nouveau",
        own=          "login     403     403     403    403      200         200   login",
        other=        "login     403     403     403    403      200         200   login",
        public=       "login     403     403     403    403      200         200   login",
        draft=        "login     403     403     403    403      200         200   login"),
    Row("POST", "/rencontres/<int:rencontre_id>/ateliers/nouveau",
        own=          "login     403     403     403    403      200         200   login",
        other=        "login     403     403     403    403      200         200   login",
        public=       "login     403     403     403    403      200         200   login",
        draft=        "login     403     403     403    403      200         200   login"),
    Row("GET", "/rencontres/<int:rencontre_id>/calendrier.ics",
        own=          "login     200     200     200    200      200         200   login",
        other=        "login     200     200     200    200      200         200   login",
        public=       "login     200     200     200    200      200         200   login",
        draft=        "login     200     200     200    200      200         200   login"),
    Row("GET", "/rencontres/<int:rencontre_id>/comptes-rendus/nouveau",
        own=          "login     403     403     403    403      200         200   login",
        other=        "login     403     403     403    403      200         200   login",
        public=       "login     403     403     403    403      200         200   login",
        draft=        "login     403     403     403    403      200         200   login"),
    Row("POST", "/rencontres/<int:rencontre_id>/comptes-rendus/nouveau",
        own=          "login     403     403     403    403      302         302   login",
        other=        "login     403     403     403    403      302         302   login",
        public=       "login     403     403     403    403      302         302   login",
        draft=        "login     403     403     403    403      302         302   login"),
    Row("GET", "/rencontres/<int:rencontre_id>/modifier",
        own=          "login     403     403     403    403      200         200   login",
        other=        "login     403     403     403    403      200         200   login",
        public=       "login     403     403     403    403      200         200   login",
        draft=        "login     403     403     403    403      200         200   login"),
    Row("POST", "/rencontres/<int:rencontre_id>/modifier",
        own=          "login     403     403     403    403      200         200   login",
        other=        "login     403     403     403    403      200         200   login",
        public=       "login     403     403     403    403      200         200   login",
        draft=        "login     403     403     403    403      200         200   login"),
    Row("GET", "/rencontres/ateliers/<int:atelier_id>/modifier",
        own=          "login     403     403     403    403      200         200   login",
        other=        "login     403     403     403    403      200         200   login",
        public=       "login     403     403     403    403      200         200   login",
        draft=        "login     403     403     403    403      200         200   login"),
    Row("POST", "/rencontres/ateliers/<int:atelier_id>/modifier",
        own=          "login     403     403     403    403      200         200   login",
        other=        "login     403     403     403    403      200         200   login",
        public=       "login     403     403     403    403      200         200   login",
        draft=        "login     403     403     403    403      200         200   login"),
    Row("GET", "/rencontres/calendrier.ics",
        any=          "login     200     200     200    200      200         200   login"),
    Row("GET", "/rencontres/comptes-rendus/<int:report_id>",
        own=          "login     200     200     200    200      200         200   login",
        other=        "login     200     200     200    200      200         200   login",
        public=       "200       200     200     200    200      200         200   200",
        draft=        "login     404     404     404    404      404         404   login"),
    Row("GET", "/rencontres/comptes-rendus/<int:report_id>/brouillon",
        own=          "login     403     200     403    403      200         200   login",
        other=        "login     403     403     403    403      200         200   login",
        public=       "login     403     403     403    403      200         200   login",
        draft=        "login     403     200     403    403      200         200   login"),
    Row("POST", "/rencontres/comptes-rendus/<int:report_id>/brouillon",
        own=          "login     403     302     403    403      302         302   login",
        other=        "login     403     403     403    403      302         302   login",
        public=       "login     403     403     403    403      302         302   login",
        draft=        "login     403     302     403    403      302         302   login"),
    Row("GET", "/rencontres/comptes-rendus/<int:report_id>/comparer",
        own=          "login     200     200     200    200      200         200   login",
        other=        "login     200     200     200    200      200         200   login",
        public=       "200       200     200     200    200      200         200   200",
        draft=        "login     404     404     404    404      404         404   login"),
    Row("GET", "/rencontres/comptes-rendus/<int:report_id>/dernier.pdf",
        own=          "login     302     302     302    302      302         302   login",
        other=        "login     302     302     302    302      302         302   login",
        public=       "302       302     302     302    302      302         302   302",
        draft=        "login     404     404     404    404      404         404   login"),
    Row("GET", "/rencontres/comptes-rendus/<int:report_id>/v<int:number>.pdf", values={"number": 1},
        own=          "login     200     200     200    200      200         200   login",
        other=        "login     200     200     200    200      200         200   login",
        public=       "200       200     200     200    200      200         200   200",
        draft=        "login     404     404     404    404      404         404   login"),
    Row("GET", "/rencontres/comptes-rendus/<int:report_id>/versions",
        own=          "login     200     200     200    200      200         200   login",
        other=        "login     200     200     200    200      200         200   login",
        public=       "200       200     200     200    200      200         200   200",
        draft=        "login     404     404     404    404      404         404   login"),
    Row("GET", "/rencontres/nouvelle",
        any=          "login     403     403     403    403      200         200   login"),
    Row("POST", "/rencontres/nouvelle",
        any=          "login     403     403     403    403      200         200   login"),
    Row("GET", "/reseau/identite",
        any=          "login     403     403     403    403      403         200   login"),
    Row("POST", "/reseau/identite",
        any=          "login     403     403     403    403      403         302   login"),
    Row("GET", "/reseau/logo",
        any=          "404       404     404     404    404      404         404   404"),
]


def test_meeting_routes(visitor):
    visitor.check(TABLE)
