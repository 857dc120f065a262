"""The meetings blueprint: the calendar of rencontres, their ateliers, and the comptes rendus.

One module per area, each registering its routes on ``bp`` (other modules add theirs the same way,
without editing these): ``calendar`` (list and iCalendar files), ``rencontres`` (rencontre and atelier
pages and forms), ``reports`` (editor, preview, publishing, the report page and its versions),
``downloads`` (the stored PDFs). Every handler is load (404) → permission → service → one commit.

Extension points for other modules: ``services.reports.on_publish(listener)`` (called with each version
recorded, inside the publishing transaction; ``request.form`` holds the editor's fields), and the
templates ``meetings/_publish_options.html`` (inside the editor's "Publier" fieldset) and
``meetings/_versions_extra.html`` (under the versions table), included when they exist.
"""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/rencontres")

from portal.meetings import dashboard, integrity, portability  # noqa: E402,F401  (portability: its part of network exports)
from portal.meetings.views import calendar, downloads, rencontres, reports  # noqa: E402,F401
