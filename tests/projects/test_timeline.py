"""The timeline is built from providers: another module contributes items without touching projects, and
"older events" pages never skip nor repeat an item."""

from datetime import UTC, date, datetime, timedelta

import pytest
from jinja2 import ChoiceLoader, DictLoader

from portal.core.db import db
from portal.core.partial_dates import parse_partial_date
from portal.projects import timeline
from portal.projects.models import Milestone, Revision
from portal.projects.services import milestones
from portal.projects.timeline import TimelineCursor, TimelineItem, build_timeline, item_ref, noon_in_paris


@pytest.fixture
def project(make):
    carrier = make.organisation()
    author = make.user(organisation=carrier)
    return make.project(carrier, author)


def test_another_module_adds_items_without_editing_projects(app, client, login, make, project):
    """What the funding module will do: register a provider and its template; the page shows the items."""
    moment = datetime(2015, 5, 4, 9, 30, tzinfo=UTC)

    @timeline.timeline_provider("essai")
    def funding_like(project_, viewer, before, limit):
        return [TimelineItem(moment, item_ref("essai", 1), "essai/_item.html", "Accord de la CAF : 12 000 €")]

    original = app.jinja_env.loader
    item_template = '<li id="{{ item.ref }}">{{ item.obj }}</li>'
    app.jinja_env.loader = ChoiceLoader([DictLoader({"essai/_item.html": item_template}), original])
    app.jinja_env.cache.clear()
    try:
        login(make.user(organisation=project.carrier))
        page = client.get(f"/projets/{project.id}")
        assert '<li id="essai-000000000001">Accord de la CAF : 12 000 €</li>' in page.get_data(as_text=True)
    finally:
        timeline._providers.pop("essai")
        app.jinja_env.loader = original
        app.jinja_env.cache.clear()


def test_a_cursor_survives_the_url_and_refuses_garbage():
    cursor = TimelineCursor(datetime(2009, 1, 1, 11, tzinfo=UTC), item_ref("jalon", 12))
    assert TimelineCursor.decode(cursor.encode()) == cursor
    for garbage in (None, "", "n-importe-quoi", "2009-01-01~x", "2009-01-01T00:00:00~jalon-12", "abc~jalon-1"):
        assert TimelineCursor.decode(garbage) is None


def test_paging_walks_every_item_exactly_once(make, project):
    author = make.user(organisation=project.carrier)
    # Milestones on the same days as revisions, and several on one day, to test the ties.
    for index, when in enumerate(["2009", "2009", "03/2009", "15/03/2009", "2012", "2012", "2012"]):
        milestones.add_milestone(author, project, milestones.MilestoneData("autre", f"Jalon {index}",
                                                                           parse_partial_date(when)))
    revisions = db.session.execute(db.select(Revision).where(Revision.scope == "page")).scalars().all()
    same_day = noon_in_paris(date(2012, 1, 1))
    for offset in (-1, 0, 0, 1):  # revisions exactly at a milestone's moment too
        revision = Revision(project=project, number=100 + len(revisions), scope="page", author=author,
                            created_at=same_day + timedelta(hours=offset), before={}, after={"title": "x"})
        db.session.add(revision)
        revisions.append(revision)
    db.session.flush()

    seen, cursor = [], None
    while True:
        items, cursor = build_timeline(project, author, cursor, limit=3)
        seen.extend(items)
        if cursor is None:
            break
    expected = len(revisions) + db.session.scalar(db.select(db.func.count()).select_from(Milestone))
    assert len(seen) == expected
    assert len({item.ref for item in seen}) == expected
    keys = [item.sort_key for item in seen]
    assert keys == sorted(keys, reverse=True)
