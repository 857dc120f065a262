"""What every project service shares: the domain error, the row lock, and writing a revision."""

from sqlalchemy import func

from portal.accounts.models import User
from portal.core.db import db
from portal.core.refusals import Refusal
from portal.projects.models import Project, Revision, RevisionScope


class ProjectError(Refusal):
    """A rule of the projects refused the action (message and field: ``portal.core.refusals.Refusal``)."""


def lock_project(project: Project) -> None:
    """Take the project's row lock and reload it (PostgreSQL ``SELECT ... FOR UPDATE``).

    Every write to a project goes through here first, so two writers queue up instead of interleaving:
    revision numbers never collide and the version compared by the optimistic lock is the committed one.
    SQLite has no row locks, but a writing request already holds the database's write lock (BEGIN IMMEDIATE).
    """
    db.session.expire(project)
    db.session.refresh(project, with_for_update={"of": Project})


def next_revision_number(project: Project) -> int:
    """Called under ``lock_project``: the next number is never taken by a concurrent writer."""
    latest = db.session.scalar(db.select(func.max(Revision.number)).where(Revision.project_id == project.id))
    return (latest or 0) + 1


def record_revision(project: Project, author: User | None, before: dict, after: dict, *,
                    scope: str = RevisionScope.PAGE, reason: str | None = None,
                    subject: str | None = None) -> Revision:
    """Write the revision of a change whose fields went from ``before`` to ``after`` (changed fields only)."""
    revision = Revision(
        project=project, number=next_revision_number(project), scope=scope, author=author,
        reason=reason or None, subject=subject, before=before, after=after,
        project_version=project.version if scope == RevisionScope.PAGE else None,
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """The fields whose value differs, as two dicts (before, after) holding only those fields."""
    keys = [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
    return ({key: before[key] for key in keys if key in before},
            {key: after[key] for key in keys if key in after})


require_text = ProjectError.require_text
