"""The audit journal page: admins only, newest first, keyset pages, filters kept in the URL."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from portal.accounts.models import Role
from portal.core.audit import AuditEvent
from portal.core.db import db

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def add_events(count: int, actor=None, action: str = "test.event", address: str = "192.0.2.1",
               start: datetime = START, **fields) -> list[AuditEvent]:
    events = [AuditEvent(action=action, actor_id=getattr(actor, "id", None), target=f"evt-{n:03d}",
                         address=address, created_at=start + timedelta(minutes=n), details=fields)
              for n in range(count)]
    db.session.add_all(events)
    db.session.flush()
    return events


def targets(page) -> list[str]:
    return re.findall(r"evt-\d{3}", page.get_data(as_text=True))


@pytest.fixture
def admin(make, login):
    user = make.user(role=Role.ADMIN, full_name="Admin Réseau")
    login(user)
    return user


def test_anonymous_is_sent_to_login_and_non_admins_are_refused(client, make, login):
    assert client.get("/admin/journal").status_code == 302
    login(make.user(role=Role.COORDINATOR))
    assert client.get("/admin/journal").status_code == 403


def test_admins_find_it_in_the_navigation(client, admin):
    page = client.get("/admin/journal")
    assert page.status_code == 200
    assert 'href="/admin/journal" aria-current="page">Journal d\'audit' in page.page_text


def test_coordinators_do_not_see_the_link(client, make, login):
    login(make.user(role=Role.COORDINATOR))
    assert "Journal d'audit" not in client.get("/tableau-de-bord")


def test_newest_first_with_labels_actor_and_details(client, admin, make):
    actor = make.user(full_name="Karim Benali")
    add_events(2, actor=actor, action="user.role_changed", before="member", after="coordinator")
    page = client.get("/admin/journal")
    assert targets(page) == ["evt-001", "evt-000"]
    assert "Rôle changé" in page and "Karim Benali" in page and "coordinator" in page
    assert "192.0.2.1" in page


def test_pages_go_back_and_forth_by_keyset(client, admin):
    add_events(120)
    first = client.get("/admin/journal")
    assert targets(first) == [f"evt-{n:03d}" for n in range(119, 69, -1)]
    older = re.search(r'href="([^"]*avant=\d+[^"]*)"', first.get_data(as_text=True)).group(1)
    assert "apres=" not in first.get_data(as_text=True)

    second = client.get(older.replace("&amp;", "&"))
    assert targets(second) == [f"evt-{n:03d}" for n in range(69, 19, -1)]
    third = client.get(re.search(r'href="([^"]*avant=\d+[^"]*)"', second.get_data(as_text=True)).group(1))
    assert targets(third) == [f"evt-{n:03d}" for n in range(19, -1, -1)]
    assert "avant=" not in third.get_data(as_text=True).split("Les plus récents")[1]  # the end

    back = client.get(re.search(r'href="([^"]*apres=\d+[^"]*)"', third.get_data(as_text=True)).group(1))
    assert targets(back) == targets(second)


def test_new_events_do_not_shift_the_pages(client, admin):
    add_events(60)
    first = client.get("/admin/journal")
    older = re.search(r'href="([^"]*avant=\d+[^"]*)"', first.get_data(as_text=True)).group(1)
    add_events(5, start=START + timedelta(days=1))  # arrive while the admin reads page one
    assert targets(client.get(older)) == [f"evt-{n:03d}" for n in range(9, -1, -1)]


def test_filters_combine_and_stay_on_the_page_links(client, admin, make):
    karim = make.user(full_name="Karim Benali")
    add_events(60, actor=karim, action="login.failed", address="203.0.113.7")
    add_events(3, action="login.failed", address="198.51.100.2")
    add_events(3, actor=karim, action="invitation.created", address="203.0.113.7")
    page = client.get("/admin/journal", query_string={"action": "login", "auteur": "benali", "adresse": "203.0.113."})
    assert len(targets(page)) == 50
    body = page.get_data(as_text=True)
    assert "Invitation envoyée" not in body and "198.51.100.2" not in body
    link = re.search(r'href="([^"]*avant=\d+[^"]*)"', body).group(1).replace("&amp;", "&")
    assert "action=login" in link and "auteur=benali" in link and "adresse=203.0.113." in link
    assert len(targets(client.get(link))) == 10


def test_filter_by_account_number_and_target(client, admin, make):
    karim = make.user()
    add_events(3, actor=karim)
    add_events(2)
    assert len(targets(client.get("/admin/journal", query_string={"auteur": str(karim.id)}))) == 3
    assert targets(client.get("/admin/journal", query_string={"cible": "EVT-001"})) == ["evt-001", "evt-001"]


def test_dates_are_whole_days_in_paris_time(client, admin):
    # 22:30 UTC on 10 March is 23:30 in Paris (10 March); 23:30 UTC is already 11 March in Paris.
    add_events(1, start=datetime(2026, 3, 10, 22, 30, tzinfo=UTC))
    add_events(1, start=datetime(2026, 3, 10, 23, 30, tzinfo=UTC), address="192.0.2.99")
    page = client.get("/admin/journal", query_string={"du": "2026-03-11", "au": "2026-03-11"})
    assert targets(page) == ["evt-000"] and "192.0.2.99" in page
    page = client.get("/admin/journal", query_string={"au": "2026-03-10"})
    assert targets(page) == ["evt-000"] and "192.0.2.99" not in page


def test_wrong_filters_are_explained_next_to_their_field(client, admin):
    add_events(2)
    page = client.get("/admin/journal", query_string={"du": "2026-03-12", "au": "2026-03-01"})
    assert "La date de fin doit être le même jour que la date de début ou après." in page
    assert 'id="au-erreur"' in page.get_data(as_text=True)
    bad = client.get("/admin/journal", query_string={"du": "hier"})
    assert 'id="du-erreur"' in bad.get_data(as_text=True)
    assert len(targets(bad)) == 2  # a wrong filter is shown, not applied


def test_like_wildcards_are_taken_literally(client, admin):
    add_events(2)
    page = client.get("/admin/journal", query_string={"action": "%", "cible": "_"})
    assert targets(page) == [] and "Aucun événement ne correspond à ces filtres." in page


def test_a_page_costs_the_same_few_queries_whatever_its_length(app, client, admin, make):
    for n in range(10):
        add_events(5, actor=make.user(), start=START + timedelta(hours=n))
    statements = []

    def count(*args):
        statements.append(args[2])

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            client.get("/admin/journal")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 5, selects  # the user, the page, "newer?" and "older?"
