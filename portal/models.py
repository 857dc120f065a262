"""Every model of the portal, imported in one place so the migrations and the tests see the full schema."""

from portal.accounts.models import Invitation, Organisation, RecoveryCode, ThrottleBucket, User  # noqa: F401
from portal.core.audit import AuditEvent  # noqa: F401
from portal.funding import models as funding  # noqa: F401  (the ledger)
from portal.meetings import models as meetings  # noqa: F401  (rencontres, ateliers, comptes rendus, versions)
from portal.network import models as network  # noqa: F401  (the network's name and logo)
from portal.projects import models as projects  # noqa: F401  (pages, partners, members, taxonomy, story)
