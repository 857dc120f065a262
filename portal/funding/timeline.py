"""Funding entries on the project's timeline, among its revisions and milestones: each sits on the day
it happened (a 2009 accord beside the 2009 reorientation), so a reader sees the money move with the
action. Only for people who may see the project's funding."""

from sqlalchemy import select

from portal.core.db import db
from portal.funding.models import LedgerEntry, funding_side
from portal.projects.timeline import TimelineItem, day_before, item_ref, noon_in_paris, timeline_provider

PREFIX = "funding"


@timeline_provider(PREFIX)
def funding_entries(project, viewer, before, limit: int) -> list[TimelineItem]:
    if not funding_side(project).can_view(viewer):
        return []
    entries = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.project_id == project.id,
                                  day_before(LedgerEntry.event_date, LedgerEntry.id, PREFIX, before))
        .order_by(LedgerEntry.event_date.desc(), LedgerEntry.id.desc()).limit(limit)
    ).scalars()
    return [TimelineItem(noon_in_paris(entry.event_date), item_ref(PREFIX, entry.id), "funding/_timeline_item.html",
                         entry) for entry in entries]
