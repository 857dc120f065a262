"""What every meetings view does the same way: load (404), check (403, or the login page for a visitor),
and run a service with its refusal put back on the form."""

from flask import abort, url_for
from flask_login import current_user

from portal.core.db import db
from portal.core.extensions import login_manager
from portal.core.permissions import refuse
from portal.core.refusals import attempt  # noqa: F401 (the views import it from here)
from portal.meetings.models import Atelier, CompteRendu, Rencontre


def rencontre_or_404(rencontre_id: int) -> Rencontre:
    rencontre = db.session.get(Rencontre, rencontre_id)
    if rencontre is None or not rencontre.can_view(current_user):
        abort(404)
    return rencontre


def atelier_or_404(atelier_id: int) -> Atelier:
    atelier = db.session.get(Atelier, atelier_id)
    if atelier is None or not atelier.can_view(current_user):
        abort(404)
    return atelier


def report_or_404(report_id: int) -> CompteRendu:
    report = db.session.get(CompteRendu, report_id)
    if report is None:
        abort(404)
    return report


def readable_report(report_id: int) -> CompteRendu:
    """The report for a reader: a published one they may read. A visitor asking for a report that is not
    public is sent to the login page (the link was forwarded to a partner who is not logged in yet)."""
    report = report_or_404(report_id)
    if not report.can_read(current_user):
        abort(login_manager.unauthorized())
    if not report.is_published:
        abort(404)
    return report


def allowed(permission: bool, target: str | None = None) -> None:
    if not permission:
        refuse(403, target)


def project_link(project) -> str | None:
    """A testimony's project links to its page only for someone who may see it."""
    return url_for("projects.show", project_id=project.id) if project.can_view(current_user) else None
