"""What every meetings service shares: the domain error and the checks of typed text."""

from portal.core.refusals import Refusal


class MeetingError(Refusal):
    """A rule of the meetings refused the action (message and field: ``portal.core.refusals.Refusal``)."""


require_text = MeetingError.require_text
optional_text = MeetingError.optional_text
