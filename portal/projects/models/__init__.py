"""The projects module's models: the project page itself (``projects.py``) and its story (``history.py``)."""

from portal.projects.models.history import Comment, Milestone, MilestoneKind, Revision, RevisionScope
from portal.projects.models.projects import (
    MemberRole,
    PartnerRole,
    Project,
    ProjectCommune,
    ProjectInvitation,
    ProjectMember,
    ProjectPartner,
    Public,
    Status,
    Theme,
    Visibility,
    can_change_carrier,
    can_create_project,
    can_manage_taxonomy,
    concerning_clause,
    project_publics,
    project_themes,
    visibility_clause,
    visible_projects,
)

__all__ = [
    "Comment", "MemberRole", "Milestone", "MilestoneKind", "PartnerRole", "Project", "ProjectCommune",
    "ProjectInvitation", "ProjectMember", "ProjectPartner", "Public", "Revision", "RevisionScope", "Status",
    "Theme", "Visibility", "can_change_carrier", "can_create_project", "can_manage_taxonomy", "concerning_clause",
    "project_publics", "project_themes", "visibility_clause", "visible_projects",
]
