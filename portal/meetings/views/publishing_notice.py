"""Who is told of a publication: the publish form's "Prévenir par e-mail" choices, and the listener that
mails them (``portal.meetings.notifications``, registered on ``reports.on_publish`` by importing it)."""

from flask_login import current_user

from portal.meetings import notifications
from portal.meetings.views import bp


@bp.app_context_processor
def audience_helpers() -> dict:
    """``report_audiences(report)`` for ``templates/meetings/_publish_options.html``: each choice and how many
    people it would mail (the publisher excepted)."""
    def report_audiences(report):
        return notifications.audience_choices(report, getattr(current_user, "id", None))

    return {"report_audiences": report_audiences}
