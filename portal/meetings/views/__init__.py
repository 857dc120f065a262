"""The meetings blueprint: the calendar of rencontres, their ateliers, and the comptes rendus.

One module per area, each registering its routes on ``bp`` (other modules add theirs the same way,
without editing these): ``calendar`` (list and iCalendar files), ``rencontres`` (rencontre and atelier
pages and forms), ``reports`` (editor, preview, publishing, the report page and its versions),
``downloads`` (the stored PDFs), ``compare`` (the text diff of two versions), ``publishing_notice``
(who is mailed on publishing). Every handler is load (404) → permission → service → one commit.

Extension points for other modules: ``services.reports.on_publish(listener)`` (called with each version
recorded, inside the publishing transaction; ``request.form`` holds the editor's fields), and the
templates ``meetings/_publish_options.html`` (inside the editor's "Publier" fieldset) and
``meetings/_versions_extra.html`` (under the versions table), included when they exist.
"""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/rencontres")

# portability: the meetings' part of network exports (portal export-network), registered at import.
from portal.meetings import dashboard, integrity, portability  # noqa: E402,F401
from portal.meetings.views import (  # noqa: E402,F401
    calendar,
    compare,
    downloads,
    publishing_notice,
    rencontres,
    reports,
)
