"""Comparing two published versions of a compte rendu: the text diff of their stored Markdown sources."""

from flask import render_template, request

from portal.meetings import version_diff
from portal.meetings.services import reports as rules
from portal.meetings.views import bp
from portal.meetings.views.common import readable_report

SAME_VERSION_MESSAGE = "Choisissez deux versions différentes."


@bp.route("/comptes-rendus/<int:report_id>/comparer")
def compare_versions(report_id: int):
    """``?de=1&a=2``; without them, the version before the latest against the latest. Whoever may read the
    report may compare its versions (a public report: anyone with the link)."""
    report = readable_report(report_id)
    versions = rules.versions_of(report)  # newest first
    numbers = [version.number for version in versions]
    old_number = _chosen(request.args.get("de"), numbers, numbers[1] if len(numbers) > 1 else numbers[0])
    new_number = _chosen(request.args.get("a"), numbers, numbers[0])
    error, diff, old, new = None, None, None, None
    if len(numbers) > 1:
        if old_number == new_number:
            error = SAME_VERSION_MESSAGE
        else:
            old, new = (rules.version_or_none(report, n) for n in sorted((old_number, new_number)))
            diff = version_diff.diff_sources(old.markdown_source, new.markdown_source)
    return render_template("meetings/compare.html", report=report, versions=versions, old_number=old_number,
                           new_number=new_number, error=error, diff=diff, old=old, new=new)


def _chosen(value: str | None, numbers: list[int], default: int) -> int:
    """A version number from the query string; an unknown or unreadable one falls back to the default."""
    try:
        number = int(value or "")
    except ValueError:
        return default
    return number if number in numbers else default
