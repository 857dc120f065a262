"""The calendar of rencontres (coming, then past) and its iCalendar files, one per rencontre and one for all."""

from flask import Response, render_template, request, url_for
from flask_login import current_user, login_required

from portal.core.db import db
from portal.meetings import icalendar
from portal.meetings.models import Rencontre, can_organise
from portal.meetings.services import rencontres as rencontre_rules
from portal.meetings.views import bp
from portal.meetings.views.common import rencontre_or_404
from portal.network import services as network


@bp.route("/")
@login_required
def index():
    coming, past = rencontre_rules.coming_and_past()
    return render_template("meetings/index.html", coming=coming, past=past, can_organise=can_organise(current_user))


@bp.route("/calendrier.ics")
@login_required
def calendar_file():
    rencontres = db.session.execute(db.select(Rencontre).order_by(Rencontre.starts_at)).unique().scalars().all()
    return _ics_response([calendar_event(r) for r in rencontres], "rencontres.ics")


@bp.route("/<int:rencontre_id>/calendrier.ics")
@login_required
def rencontre_calendar_file(rencontre_id: int):
    rencontre = rencontre_or_404(rencontre_id)
    return _ics_response([calendar_event(rencontre)], f"rencontre-{rencontre.id}.ics")


def calendar_event(rencontre: Rencontre) -> icalendar.CalendarEvent:
    page = url_for("meetings.show", rencontre_id=rencontre.id, _external=True)
    organiser = rencontre.organiser.name if rencontre.organiser else ""
    parts = (f"Accueil : {organiser}" if organiser else "", rencontre.description, f"Programme et ateliers : {page}")
    description = "\n\n".join(part for part in parts if part)
    return icalendar.CalendarEvent(
        uid=f"rencontre-{rencontre.id}@{request.host.split(':')[0]}", summary=rencontre.label,
        starts_at=rencontre.starts_at, ends_at=rencontre.ends_at, location=rencontre.place,
        description=description, url=page, last_modified=rencontre.updated_at)


def _ics_response(events, filename: str) -> Response:
    body = icalendar.calendar(events, f"Rencontres — {network.identity().name}")
    response = Response(body.encode("utf-8"), mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
