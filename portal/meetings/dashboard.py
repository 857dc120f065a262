"""What meetings puts on the dashboard: the coming rencontres, and the comptes rendus published lately."""

from datetime import timedelta

from sqlalchemy.orm import contains_eager

from portal.core.db import db, utcnow
from portal.dashboard.sections import dashboard_section
from portal.meetings.models import Rencontre, ReportVersion

COMING_SHOWN = 4
NEW_REPORTS_SHOWN = 5
NEW_REPORTS_DAYS = 60


@dashboard_section("meetings.coming", "Prochaines rencontres", "meetings/dashboard/_coming.html", order=5)
def coming_rencontres(user) -> dict | None:
    rows = db.session.execute(db.select(Rencontre).where(Rencontre.starts_at >= utcnow() - timedelta(hours=12))
                              .order_by(Rencontre.starts_at).limit(COMING_SHOWN)).unique().scalars().all()
    return {"rencontres": rows} if rows else None


@dashboard_section("meetings.reports", "Nouveaux comptes rendus", "meetings/dashboard/_reports.html", order=15)
def new_reports(user) -> dict | None:
    """The versions published in the last two months, newest first (every partner may read them)."""
    since = utcnow() - timedelta(days=NEW_REPORTS_DAYS)
    rows = db.session.execute(
        db.select(ReportVersion).join(ReportVersion.report).where(ReportVersion.published_at >= since)
        .options(contains_eager(ReportVersion.report))
        .order_by(ReportVersion.published_at.desc(), ReportVersion.id.desc()).limit(NEW_REPORTS_SHOWN)
    ).unique().scalars().all()
    return {"versions": rows} if rows else None

