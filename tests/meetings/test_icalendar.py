"""The rencontres as iCalendar files (RFC 5545), checked by parsing them back with the icalendar library."""

from datetime import UTC, datetime

import icalendar as ical
import pytest

from portal.meetings import icalendar
from tests.meetings.helpers import make_rencontre
from tests.support.factories import make_organisation, make_user


def test_text_values_are_escaped_and_long_lines_folded_on_character_boundaries():
    event = icalendar.CalendarEvent(
        uid="rencontre-1@passerelle.test", summary="Rencontre ; « isolement », rural\\urbain",
        starts_at=datetime(2025, 3, 12, 8, 30, tzinfo=UTC),
        description="Première ligne\nDeuxième ligne, avec des accents : é è à ç œ " * 4)
    text = icalendar.calendar([event], "Rencontres", stamp=datetime(2025, 1, 1, tzinfo=UTC))
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert "SUMMARY:Rencontre \\; « isolement »\\, rural\\\\urbain" in text
    parsed = ical.Calendar.from_ical(text)
    (vevent,) = parsed.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Rencontre ; « isolement », rural\\urbain"
    assert str(vevent["DESCRIPTION"]) == event.description


@pytest.fixture
def rencontre(app):
    return make_rencontre("Agir ensemble, contre l'isolement", ordinal=2,
                          starts_at=datetime(2025, 7, 1, 7, 30, tzinfo=UTC),
                          ends_at=datetime(2025, 7, 1, 15, 0, tzinfo=UTC), place="Salle des fêtes; Belley",
                          organiser_id=make_organisation("Centre social de Belley").id, description="Ordre du jour.")


def test_one_rencontre_file_parses_back_with_the_right_times(client, login, rencontre):
    login(make_user())
    response = client.get(f"/rencontres/{rencontre.id}/calendrier.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="rencontre-{rencontre.id}.ics"' in response.headers["Content-Disposition"]
    raw = response.get_data(as_text=True)
    assert raw.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    calendar = ical.Calendar.from_ical(response.data)
    assert str(calendar["PRODID"]).startswith("-//Passerelle//")
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"rencontre-{rencontre.id}@passerelle.test"
    assert event["DTSTART"].dt == datetime(2025, 7, 1, 7, 30, tzinfo=UTC)  # 9h30 in Paris, summer time
    assert event["DTEND"].dt == datetime(2025, 7, 1, 15, 0, tzinfo=UTC)
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert str(event["SUMMARY"]) == "2e rencontre — Agir ensemble, contre l'isolement"
    assert str(event["LOCATION"]) == "Salle des fêtes; Belley"
    assert "Accueil : Centre social de Belley" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"http://passerelle.test/rencontres/{rencontre.id}"


def test_the_file_of_all_rencontres_has_one_event_each_with_stable_uids(client, login, rencontre):
    other = make_rencontre("Troisième", ordinal=3, starts_at=datetime(2025, 12, 1, 13, 0, tzinfo=UTC))
    login(make_user())
    first = ical.Calendar.from_ical(client.get("/rencontres/calendrier.ics").data)
    second = ical.Calendar.from_ical(client.get("/rencontres/calendrier.ics").data)
    uids = [str(event["UID"]) for event in first.walk("VEVENT")]
    assert uids == [f"rencontre-{rencontre.id}@passerelle.test", f"rencontre-{other.id}@passerelle.test"]
    assert uids == [str(event["UID"]) for event in second.walk("VEVENT")]
    winter = first.walk("VEVENT")[1]
    assert winter["DTSTART"].dt == datetime(2025, 12, 1, 13, 0, tzinfo=UTC)  # 14h in Paris, winter time
    assert "DTEND" not in winter
