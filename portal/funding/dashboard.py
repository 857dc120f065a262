"""What the funding ledger puts on a person's dashboard: the latest entries on the projects whose
funding they may see."""

from sqlalchemy.orm import contains_eager

from portal.core.db import db
from portal.dashboard.sections import dashboard_section
from portal.funding.models import LedgerEntry
from portal.funding.services.network import funding_scope
from portal.projects.models import Project

RECENT_SHOWN = 6


@dashboard_section("funding.recent", "Derniers mouvements financiers", "funding/dashboard/_recent.html", order=35)
def recent_entries(user) -> dict | None:
    entries = db.session.execute(
        db.select(LedgerEntry).join(Project, Project.id == LedgerEntry.project_id).where(funding_scope(user))
        .options(contains_eager(LedgerEntry.project))
        .order_by(LedgerEntry.recorded_at.desc(), LedgerEntry.id.desc()).limit(RECENT_SHOWN)
    ).scalars().all()
    return {"entries": entries} if entries else None
