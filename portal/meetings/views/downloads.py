"""The published PDFs: the stored bytes of each version at a stable address, never a render per download.

``/rencontres/comptes-rendus/<id>/v<n>.pdf`` always answers the same bytes (a version never changes), with
the sha256 as a strong ETag: a revalidation with ``If-None-Match`` gets a 304 without the bytes being
read from the database. Public reports may be kept by shared caches for an hour (a report later made
private stops being served by the portal at once, but not by a proxy that kept it); the others only by
the reader's own browser, which revalidates each time.
"""

from flask import Response, abort, redirect, request, url_for
from sqlalchemy.orm import lazyload, undefer

from portal.core.db import db
from portal.meetings.models import ReportVersion
from portal.meetings.services import reports as rules
from portal.meetings.views import bp
from portal.meetings.views.common import readable_report

PUBLIC_CACHE = "public, max-age=3600"
PRIVATE_CACHE = "private, no-cache"


@bp.route("/comptes-rendus/<int:report_id>/v<int:number>.pdf")
def download(report_id: int, number: int):
    report = readable_report(report_id)
    version = _version_to_send(report.id, number, with_bytes=not request.if_none_match)
    if version is None:
        abort(404)
    cache_control = PUBLIC_CACHE if report.is_public else PRIVATE_CACHE
    headers = {"ETag": f'"{version.sha256}"', "Cache-Control": cache_control}
    if request.if_none_match.contains(version.sha256):
        return Response(status=304, headers=headers)
    data = version.pdf  # already read, unless a revalidation that did not match (then one more query)
    filename = rules.file_stem(version, version.number) + ".pdf"
    response = Response(data, mimetype="application/pdf", headers=headers)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Content-Length"] = str(len(data))
    return response


def _version_to_send(report_id: int, number: int, with_bytes: bool) -> ReportVersion | None:
    """The version and, for a plain download, its bytes in the same statement; a revalidation
    (``If-None-Match``) reads no bytes. The publisher (joined by default) is not needed here."""
    options = [lazyload(ReportVersion.published_by)]
    if with_bytes:
        options.append(undefer(ReportVersion.pdf))
    query = db.select(ReportVersion).where(ReportVersion.report_id == report_id, ReportVersion.number == number)
    return db.session.execute(query.options(*options)).scalar_one_or_none()


@bp.route("/comptes-rendus/<int:report_id>/dernier.pdf")
def download_latest(report_id: int):
    """The latest version: a redirect to its own stable address (so caches keep versions apart)."""
    report = readable_report(report_id)
    latest = rules.latest_version(report)
    return redirect(url_for("meetings.download", report_id=report.id, number=latest.number))
