"""Comptes rendus: starting one, the editor (save, preview, publish), the report page and its versions."""

import logging

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from portal.core.db import db
from portal.core.formatting import format_count
from portal.core.permissions import current_actor
from portal.core.urls import request_int
from portal.meetings.forms import DraftForm, NewReportForm
from portal.meetings.models import CompteRendu, can_organise
from portal.meetings.services import reports as rules
from portal.meetings.services.common import MeetingError
from portal.meetings.views import bp
from portal.meetings.views.common import (
    allowed,
    attempt,
    project_link,
    readable_report,
    rencontre_or_404,
    report_or_404,
)
from portal.pdf import PdfRenderError

logger = logging.getLogger(__name__)


@bp.route("/<int:rencontre_id>/comptes-rendus/nouveau", methods=["GET", "POST"])
@login_required
def new_report(rencontre_id: int):
    rencontre = rencontre_or_404(rencontre_id)
    allowed(can_organise(current_user), f"rencontre:{rencontre.id}")
    taken = {atelier_id for (atelier_id,) in db.session.execute(
        db.select(CompteRendu.atelier_id).where(CompteRendu.rencontre_id == rencontre.id))}
    form = NewReportForm().setup([a for a in rencontre.ateliers if a.id not in taken])
    if request.method == "GET":
        form.atelier_id.data = request.args.get("atelier", type=request_int)
    if form.validate_on_submit():
        atelier = next((a for a in rencontre.ateliers if a.id == form.atelier_id.data), None)
        created = attempt(form, lambda: rules.create_report(current_actor(), rencontre, atelier,
                                                            title=form.title.data or ""))
        if created.ok:
            flash("Compte rendu commencé : écrivez-le, prévisualisez-le, puis publiez-le.", "success")
            return redirect(url_for("meetings.edit_report", report_id=created.result.id))
    return render_template("meetings/report_new.html", form=form, rencontre=rencontre)


@bp.route("/comptes-rendus/<int:report_id>/brouillon", methods=["GET", "POST"])
@login_required
def edit_report(report_id: int):
    report = report_or_404(report_id)
    allowed(report.can_edit(current_user), f"report:{report.id}")
    form = DraftForm()
    if request.method == "GET":
        form.fill_from(report)
    preview = None
    stale = None
    action = request.form.get("action", "save")
    if form.validate_on_submit():
        if action == "preview":
            preview = _preview(report, form.body.data or "")
        else:
            saved, stale = _save(report, form)
            if saved and action == "publish":
                return _publish(report_id, request.form.get("change_note", ""), form)
            if saved:
                flash("Brouillon enregistré.", "success")
                return redirect(url_for("meetings.edit_report", report_id=report.id))
    report = db.session.get(CompteRendu, report_id)
    return render_template("meetings/report_editor.html", report=report, form=form, preview=preview, stale=stale,
                           versions=rules.versions_of(report), change_note=request.form.get("change_note", ""))


def _preview(report: CompteRendu, body: str):
    """The text as it will be printed, header included: rendered and sanitised here, nothing saved."""
    return rules.report_document(report, body, project_url=project_link)


def _save(report: CompteRendu, form: DraftForm) -> tuple[bool, CompteRendu | None]:
    """(saved, the newer draft when someone saved meanwhile)."""
    try:
        rules.save_draft(current_actor(), report, form.body.data or "", expected_version=form.expected_version(),
                         is_public=form.is_public.data if report.can_publish(current_user) else None,
                         title=form.title.data if report.atelier_id is None else None)
    except (rules.StaleDraftError, StaleDataError):
        db.session.rollback()
        current = db.session.get(CompteRendu, report.id)
        form.add_error("body", rules.StaleDraftError(current).message)
        form.set_version(current.lock_version)  # the next save goes knowingly over the draft now shown
        return False, current
    except MeetingError as error:
        db.session.rollback()
        form.add_error(error.field, error.message)
        return False, None
    db.session.commit()
    return True, None


def _publish(report_id: int, change_note: str, form: DraftForm):
    """Render with no transaction open (a render takes seconds; SQLite's write lock must not wait on it),
    then record the version in one transaction."""
    report = db.session.get(CompteRendu, report_id)
    if not report.can_publish(current_user):
        flash("Brouillon enregistré. Seule la coordination du réseau publie.", "info")
        return redirect(url_for("meetings.edit_report", report_id=report_id))
    try:
        publication = rules.prepare_publication(report, change_note)
        db.session.rollback()  # ends the read transaction: nothing held during the render
        rendered = rules.render_publication(publication)
        version = rules.record_publication(current_actor(), publication, rendered)
    except (MeetingError, PdfRenderError) as error:
        db.session.rollback()
        logger.info("report %s not published: %s", report_id, error)
        flash(f"Brouillon enregistré, mais non publié : {error.message}", "error")
        return redirect(url_for("meetings.edit_report", report_id=report_id))
    db.session.commit()
    ignored = len(rendered.skipped_resources)
    skipped = f" {format_count(ignored, 'ressource ignorée', 'ressources ignorées')} dans le PDF." if ignored else ""
    flash(f"Version {version.number} publiée ({format_count(version.page_count, 'page')}).{skipped}", "success")
    return redirect(url_for("meetings.report", report_id=report_id))


# --- reading --------------------------------------------------------------------------------------------

@bp.route("/comptes-rendus/<int:report_id>")
def report(report_id: int):
    """The latest published version as an accessible page; public reports need no account."""
    report = readable_report(report_id)
    latest = rules.latest_version(report)
    document = rules.report_document(report, latest.markdown_source, version=latest.number,
                                     published_at=latest.published_at, project_url=project_link)
    return render_template("meetings/report.html", report=report, document=document, latest=latest,
                           can_edit=report.can_edit(current_user))


@bp.route("/comptes-rendus/<int:report_id>/versions")
def versions(report_id: int):
    report = readable_report(report_id)
    return render_template("meetings/versions.html", report=report, versions=rules.versions_of(report),
                           can_edit=report.can_edit(current_user))


@bp.app_template_global("project_reports")
def project_reports(project) -> list[CompteRendu]:
    """For the project page: the published comptes rendus whose testimonies mention the project."""
    return rules.reports_mentioning(project)
