"""Through the test client: the publish form's "Prévenir par e-mail" choice, and the page comparing two
published versions."""

import pytest

from portal.core.db import db
from portal.meetings.services import reports
from tests.meetings.helpers import make_atelier, make_report
from tests.support.factories import make_user

pytestmark = pytest.mark.slow  # publications render PDFs


@pytest.fixture
def world(app):
    class World:
        coordinator = make_user("coordinator", full_name="Camille Coordination", email="camille@exemple.fr")
        member = make_user(full_name="Martin Membre", email="martin@exemple.fr")
        participant = make_user(full_name="Paula Participante", email="paula@exemple.fr")
        atelier = make_atelier(participants=[participant], testimonies=[])
        report = make_report(atelier)

    return World


def editor_url(world) -> str:
    return f"/rencontres/comptes-rendus/{world.report.id}/brouillon"


def publish(client, world, body: str, **fields):
    data = {"body": body, "lock_version": str(world.report.lock_version), "action": "publish", **fields}
    response = client.post(editor_url(world), data=data)
    db.session.refresh(world.report)
    return response


def compare_url(world, **query) -> str:
    suffix = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/rencontres/comptes-rendus/{world.report.id}/comparer" + (f"?{suffix}" if suffix else "")


def test_the_publish_form_offers_who_to_tell_with_how_many_people(client, login, world):
    login(world.coordinator)
    page = client.get(editor_url(world))
    assert "Prévenir par e-mail" in page
    assert "Tous les partenaires du réseau (2 personnes)" in page
    assert "Les participants de l'atelier seulement (1 personne)" in page
    assert 'id="audience-network" value="network" checked' in page.get_data(as_text=True)


def test_publishing_for_the_participants_mails_them_only(client, login, mailbox, world):
    login(world.coordinator)
    response = publish(client, world, world.report.body, audience="participants")
    assert response.status_code == 302
    assert [message["To"] for message in mailbox.messages] == ["paula@exemple.fr"]
    body = mailbox.body(mailbox.messages[0])
    assert f"http://passerelle.test/rencontres/comptes-rendus/{world.report.id}/v1.pdf" in body


def test_publishing_for_the_network_mails_every_partner_but_the_publisher(client, login, mailbox, world):
    login(world.coordinator)
    publish(client, world, world.report.body, audience="network")
    assert sorted(message["To"] for message in mailbox.messages) == ["martin@exemple.fr", "paula@exemple.fr"]


def two_versions(client, login, world):
    login(world.coordinator)
    publish(client, world, world.report.body, audience="nobody")
    corrected = world.report.body.replace("L'isolement n'a pas un visage.", "L'isolement n'a pas un seul visage.")
    publish(client, world, corrected + "\n- Une proposition ajoutée.\n", change_note="Une proposition",
            audience="nobody")
    assert [v.number for v in reports.versions_of(world.report)] == [2, 1]


def test_the_versions_can_be_compared(client, login, world):
    two_versions(client, login, world)
    login(world.member)
    assert "Comparer deux versions" in client.get(f"/rencontres/comptes-rendus/{world.report.id}/versions")
    page = client.get(compare_url(world))
    assert page.status_code == 200
    text = page.page_text
    assert "De la version 1 à la version 2" in text
    assert "1 ligne modifiée, 1 ligne ajoutée." in text and "Note de la version 2 : « Une proposition »" in text
    html = page.get_data(as_text=True)
    assert '<ins class="diff-after"><span class="visually-hidden">[ajouté : </span>seul ' in html
    assert "Une proposition ajoutée." in text and "Ligne ajoutée :" in text


def test_the_same_version_twice_is_refused_next_to_the_choice(client, login, world):
    two_versions(client, login, world)
    page = client.get(compare_url(world, de=2, a=2))
    assert page.status_code == 200 and "Choisissez deux versions différentes." in page
    assert "De la version" not in page


def test_versions_given_backwards_or_unknown_are_read_sensibly(client, login, world):
    two_versions(client, login, world)
    assert "De la version 1 à la version 2" in client.get(compare_url(world, de=2, a=1))
    assert "De la version 1 à la version 2" in client.get(compare_url(world, de="x", a=99))


def test_a_single_version_has_nothing_to_compare(client, login, world):
    login(world.coordinator)
    publish(client, world, world.report.body, audience="nobody")
    page = client.get(compare_url(world))
    assert page.status_code == 200 and "il n'y a rien à comparer" in page


def test_who_may_compare(client, login, world):
    assert client.get(compare_url(world)).status_code == 302  # a visitor: to the login page first
    login(world.member)
    assert client.get(compare_url(world)).status_code == 404  # a draft has no versions to compare
    assert client.get("/rencontres/comptes-rendus/999999/comparer").status_code == 404


def test_a_public_report_is_compared_without_an_account(app, client, login, world):
    two_versions(client, login, world)
    world.report.is_public = True
    db.session.commit()
    visitor = app.test_client()
    assert "De la version 1 à la version 2" in visitor.get(compare_url(world))
