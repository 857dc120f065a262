"""What every projects view does the same way: load what the request names (404 when the person may not see
the project, so a restricted project does not leak; 403 for an action they may not take on it), and run a
service with its refusal put back on the form."""

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.core.db import db
from portal.core.permissions import refuse
from portal.core.refusals import attempt  # noqa: F401 (the views import it from here)
from portal.projects.models import Project, ProjectMember


def visible_project(project_id: int, *options) -> Project:
    """The project, with its partners (``can_view`` needs them), or 404. A project that exists but is
    hidden from this person is a refusal worth auditing (someone followed or guessed its link)."""
    project = db.session.execute(
        db.select(Project).where(Project.id == project_id).options(selectinload(Project.partners), *options)
    ).scalar_one_or_none()
    if project is None:
        abort(404)
    if not project.can_view(current_user):
        refuse(404, target=f"project:{project_id}")
    return project


def allowed(permission: bool) -> None:
    if not permission:
        abort(403)


def page_options() -> tuple:
    """Everything the project page shows, each collection in one query."""
    return (selectinload(Project.themes), selectinload(Project.publics), selectinload(Project.communes),
            selectinload(Project.members).joinedload(ProjectMember.user))


def child_or_404(model, child_id: int, project: Project):
    """A milestone, comment or member of this project (another project's id answers 404)."""
    child = db.session.get(model, child_id)
    if child is None or child.project_id != project.id:
        abort(404)
    return child
