"""Reading a project's story: its timeline items, the history page, the discussion. Each is one query per
kind of item, whatever the number of items (pages are cut by keyset)."""

from dataclasses import dataclass

from portal.core.db import db
from portal.projects.models import Comment, Milestone, Project, Revision, RevisionScope
from portal.projects.timeline import TimelineItem, day_before, item_ref, moment_before, noon_in_paris, timeline_provider

HISTORY_PER_PAGE = 20
COMMENTS_PER_PAGE = 30


@timeline_provider("jalon")
def milestone_items(project: Project, viewer, before, limit: int) -> list[TimelineItem]:
    milestones = db.session.execute(
        db.select(Milestone).where(Milestone.project_id == project.id,
                                   day_before(Milestone.happened_on, Milestone.id, "jalon", before))
        .order_by(Milestone.happened_on.desc(), Milestone.id.desc()).limit(limit)
    ).scalars()
    return [TimelineItem(noon_in_paris(m.happened_on), item_ref("jalon", m.id), "projects/timeline/_milestone.html",
                         m) for m in milestones]


@timeline_provider("modification")
def revision_items(project: Project, viewer, before, limit: int) -> list[TimelineItem]:
    """Changes of the page and of its members. Milestone revisions are left out: the milestone itself is
    on the timeline (the history page lists them all)."""
    revisions = db.session.execute(
        db.select(Revision).where(Revision.project_id == project.id, Revision.scope != RevisionScope.MILESTONES,
                                  moment_before(Revision.created_at, Revision.id, "modification", before))
        .order_by(Revision.created_at.desc(), Revision.id.desc()).limit(limit)
    ).scalars()
    return [TimelineItem(r.created_at, item_ref("modification", r.id), "projects/timeline/_revision.html", r)
            for r in revisions]


@dataclass
class Slice:
    """A page of a long list, cut by keyset: ``older`` is the key to ask for the next page (or None)."""

    items: list
    older: int | None


def history_page(project: Project, before_number: int | None = None, per_page: int = HISTORY_PER_PAGE) -> Slice:
    """Revisions newest first, ``per_page`` at a time, from the one numbered below ``before_number``."""
    query = db.select(Revision).where(Revision.project_id == project.id)
    if before_number:
        query = query.where(Revision.number < before_number)
    rows = list(db.session.execute(query.order_by(Revision.number.desc()).limit(per_page + 1)).scalars())
    return Slice(rows[:per_page], rows[per_page - 1].number if len(rows) > per_page else None)


def discussion(project: Project, before_id: int | None = None, per_page: int = COMMENTS_PER_PAGE) -> Slice:
    """The latest ``per_page`` comments (before ``before_id``), shown oldest first as a conversation reads."""
    query = db.select(Comment).where(Comment.project_id == project.id)
    if before_id:
        query = query.where(Comment.id < before_id)
    rows = list(db.session.execute(query.order_by(Comment.id.desc()).limit(per_page + 1)).scalars())
    shown = list(reversed(rows[:per_page]))
    return Slice(shown, shown[0].id if len(rows) > per_page else None)
