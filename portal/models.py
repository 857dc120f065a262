"""Every model of the portal, imported in one place so the migrations and the tests see the full schema."""

from portal.accounts.models import Invitation, Organisation, ThrottleBucket, User  # noqa: F401
from portal.core.audit import AuditEvent  # noqa: F401
from portal.projects.models import (  # noqa: F401
    Comment,
    Milestone,
    Project,
    ProjectCommune,
    ProjectInvitation,
    ProjectMember,
    ProjectPartner,
    Public,
    Revision,
    Theme,
)
