"""Publishing a compte rendu mails its link: to the network, or only to the atelier's participants, as the
coordinator chooses; never to people who turned it off, never for a publication that was rolled back.
Through the real SMTP server of tests/support/smtp.py."""

import pytest

from portal.accounts.models import Role
from portal.core.db import db
from portal.meetings import notifications
from portal.meetings.notifications import Audience, recipients
from portal.meetings.services import reports
from portal.pdf import PdfRenderError
from tests.meetings.helpers import make_atelier, make_report
from tests.support.factories import make_organisation, make_user

pytestmark = pytest.mark.slow  # publications render PDFs


@pytest.fixture
def people():
    federation = make_organisation("Fédération")
    belley = make_organisation("Centre social de Belley", short_name="CS Belley")
    caf = make_organisation("CAF de l'Ain")
    return {
        "coordinator": make_user(Role.COORDINATOR, federation, email="coordination@exemple.fr", full_name="Coord"),
        "participant": make_user(organisation=caf, email="participante@exemple.fr", full_name="Participante"),
        "belley": make_user(organisation=belley, email="belley@exemple.fr", full_name="Belley"),
        "facilitator": make_user(organisation=caf, email="animatrice@exemple.fr", full_name="Animatrice"),
        "outsider": make_user(organisation=caf, email="autre@exemple.fr", full_name="Autre"),
        "belley_org": belley,
    }


@pytest.fixture
def report(people):
    atelier = make_atelier(participants=[people["participant"]], facilitator_users=[people["facilitator"]],
                           testimonies=[])  # no projects, whose authors would be more partners to mail
    atelier.participant_organisations.append(people["belley_org"])
    db.session.flush()
    return make_report(atelier)


def publish_from_form(app, actor, report, audience: str | None, note: str = ""):
    """What the publish button does: inside a POST carrying the form's ``audience``, then the view's commit."""
    data = {"action": "publish", "change_note": note} | ({"audience": audience} if audience else {})
    with app.test_request_context("/", method="POST", data=data, base_url="https://passerelle.test/"):
        version = reports.publish(actor, report, note)
        db.session.commit()
    return version


def addresses(mailbox) -> list[str]:
    return sorted(message["To"] for message in mailbox.messages)


def test_the_network_gets_the_link_but_not_the_publisher(app, mailbox, people, report):
    version = publish_from_form(app, people["coordinator"], report, "network")
    assert addresses(mailbox) == ["animatrice@exemple.fr", "autre@exemple.fr", "belley@exemple.fr",
                                  "participante@exemple.fr"]
    message = mailbox.to("autre@exemple.fr")[0]
    assert message["Subject"] == "Compte rendu publié : Atelier n°2 : Isolement"
    body = mailbox.body(message).replace("\r\n", "\n")
    assert f"/rencontres/comptes-rendus/{report.id}" in body or f"comptes-rendus/{report.id}" in body
    assert f"comptes-rendus/{report.id}/v{version.number}.pdf" in body
    assert "vient d'être publié par Coord.\n\nPour le lire en ligne :\n" in body and "partenaire du réseau" in body
    assert "(Il faut être connecté·e à Passerelle pour l'ouvrir.)\n--\n" in body
    assert "partenaire du réseau sur Passerelle.\nPour ne plus recevoir les comptes rendus publiés par e-mail : " \
           "https://passerelle.test/compte\n" in body  # how to stop these mails


def test_the_default_when_the_form_says_nothing_is_the_network(app, mailbox, people, report):
    publish_from_form(app, people["coordinator"], report, None)
    assert len(mailbox.messages) == 4


def test_only_the_participants_when_the_coordinator_says_so(app, mailbox, people, report):
    publish_from_form(app, people["coordinator"], report, "participants")
    # the participant named, the people of the organisation listed as participant, the co-facilitator
    assert addresses(mailbox) == ["animatrice@exemple.fr", "belley@exemple.fr", "participante@exemple.fr"]
    assert "avez participé à cet atelier" in mailbox.body(mailbox.messages[0])


def test_nobody_mails_nobody(app, mailbox, people, report):
    publish_from_form(app, people["coordinator"], report, "nobody")
    assert mailbox.messages == []


def test_a_second_version_says_what_changed(app, mailbox, people, report):
    publish_from_form(app, people["coordinator"], report, "nobody")
    reports.save_draft(people["coordinator"], report, report.body + "\n\nAjout.\n", expected_version=None)
    publish_from_form(app, people["coordinator"], report, "participants", note="Une proposition ajoutée")
    message = mailbox.to("participante@exemple.fr")[0]
    assert message["Subject"] == "Compte rendu mis à jour (version 2) : Atelier n°2 : Isolement"
    body = mailbox.body(message).replace("\r\n", "\n")
    assert "a été mis à jour par Coord : version 2.\nCe qui a changé : Une proposition ajoutée\n\nPour le lire" in body


def test_people_who_turned_it_off_and_inactive_accounts_get_nothing(app, mailbox, people, report):
    people["participant"].notify_reports = False
    people["outsider"].active = False
    db.session.flush()
    assert [p.email for p in recipients(report, Audience.NETWORK, people["coordinator"].id)] == [
        "animatrice@exemple.fr", "belley@exemple.fr"]
    publish_from_form(app, people["coordinator"], report, "network")
    assert addresses(mailbox) == ["animatrice@exemple.fr", "belley@exemple.fr"]


def test_a_publication_that_fails_mails_nobody(app, mailbox, people, report, monkeypatch):
    def failing(document):
        raise PdfRenderError("La mise en page a échoué.")

    monkeypatch.setattr(reports, "render_pdf", failing)
    with pytest.raises(PdfRenderError):
        publish_from_form(app, people["coordinator"], report, "network")
    assert mailbox.messages == []


def test_a_publication_rolled_back_after_recording_mails_nobody(app, mailbox, people, report):
    with app.test_request_context("/", method="POST", data={"audience": "network"}):
        reports.publish(people["coordinator"], report)
        db.session.rollback()
        db.session.commit()
    assert mailbox.messages == []


def test_commands_and_the_demo_mail_nobody(app, mailbox, people, report):
    with app.app_context():
        reports.publish(people["coordinator"], report)
        db.session.commit()
    assert mailbox.messages == []


def test_an_unreachable_mail_server_does_not_undo_the_publication(app, mailbox, people, report, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there
    version = publish_from_form(app, people["coordinator"], report, "network")
    assert reports.latest_version(report).id == version.id and mailbox.messages == []


def test_the_account_page_turns_report_mails_off_and_on(app, client, people):
    client.post("/connexion", data={"email": "autre@exemple.fr", "password": "mot-de-passe-de-test"})
    assert "M'envoyer un e-mail quand la coordination publie un compte rendu" in client.get("/compte")
    response = client.post("/compte/notifications", data={"notify_comments": "y"}, follow_redirects=True)
    assert "Vous ne recevrez plus les comptes rendus publiés par e-mail." in response
    db.session.refresh(people["outsider"])
    assert people["outsider"].notify_reports is False and people["outsider"].notify_comments is True
    client.post("/compte/notifications", data={"notify_comments": "y", "notify_reports": "y"})
    db.session.refresh(people["outsider"])
    assert people["outsider"].notify_reports is True


def test_audience_counts_for_the_publish_form(app, people, report):
    options = notifications.audience_choices(report, people["coordinator"].id)
    assert options == [("network", "Tous les partenaires du réseau", 4),
                       ("participants", "Les participants de l'atelier seulement", 3),
                       ("nobody", "Personne (pas d'e-mail)", None)]
