"""What the projects module puts on a person's dashboard: their organisation's projects, and the latest
changes, milestones and comments on the projects they may see."""

from sqlalchemy import func
from sqlalchemy.orm import contains_eager, selectinload

from portal.core.db import db
from portal.dashboard.sections import dashboard_section
from portal.projects.models import (
    Comment,
    Milestone,
    Project,
    Revision,
    RevisionScope,
    concerning_clause,
    visibility_clause,
)

OWN_PROJECTS_SHOWN = 12
RECENT_SHOWN = 6


@dashboard_section("projects.own", "Les projets de votre organisation", "projects/dashboard/_own.html", order=10)
def own_projects(user) -> dict:
    """Projects the person's organisation carries or partners, or that they are a member of."""
    clauses = [visibility_clause(user), concerning_clause(user)]
    total = db.session.scalar(db.select(func.count()).select_from(Project).where(*clauses))
    projects = db.session.execute(
        db.select(Project).where(*clauses).options(selectinload(Project.themes))
        .order_by(Project.updated_at.desc()).limit(OWN_PROJECTS_SHOWN)
    ).scalars().all()
    return {"projects": projects, "total": total}


def _recent(model, *where):
    """The latest rows of ``model`` on projects the person may see, each with its project (one query)."""
    return db.session.execute(
        db.select(model).join(model.project).where(*where).options(contains_eager(model.project))
        .order_by(model.created_at.desc(), model.id.desc()).limit(RECENT_SHOWN)
    ).scalars().all()


@dashboard_section("projects.revisions", "Dernières modifications", "projects/dashboard/_revisions.html", order=20)
def recent_revisions(user) -> dict | None:
    rows = _recent(Revision, visibility_clause(user), Revision.scope != RevisionScope.MILESTONES)
    return {"revisions": rows} if rows else None


@dashboard_section("projects.milestones", "Derniers jalons ajoutés", "projects/dashboard/_milestones.html", order=30)
def recent_milestones(user) -> dict | None:
    rows = _recent(Milestone, visibility_clause(user))
    return {"milestones": rows} if rows else None


@dashboard_section("projects.comments", "Derniers commentaires", "projects/dashboard/_comments.html", order=40)
def recent_comments(user) -> dict | None:
    rows = _recent(Comment, visibility_clause(user), Comment.deleted_at.is_(None))
    return {"comments": rows} if rows else None
