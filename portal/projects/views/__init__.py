"""The projects blueprint: project pages, their story and discussion, the directory and the overview.

Every handler is load (404, also for a project the person may not see) → permission (403 for an action
on a visible project) → service → one commit.
"""

from flask import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/projets")

# The route modules register on ``bp``; the dashboard module registers its sections.
from portal.projects import dashboard, portability  # noqa: E402,F401
from portal.projects.views import directory, discussion, members, milestones, pages, taxonomy  # noqa: E402,F401
