"""The funding pages: a project's « Financements » tab (balances, chart, log, forms, exports) and the
network's funding page. Load (404 for what the person may not see) → permission (403 for an action
on a visible ledger) → service → one commit."""

import json
from datetime import date
from functools import cache

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from portal.accounts.models import Organisation
from portal.core.db import db
from portal.core.formatting import format_cents
from portal.core.permissions import current_actor, refuse
from portal.core.urls import request_int
from portal.funding import chart
from portal.funding.forms import ENTRY_FORMS, AnnulationForm, NetworkFilterForm
from portal.funding.models import LedgerEntry, ProjectFunding, funding_side
from portal.funding.rules import EntryKind, LedgerRuleError, PaymentKind
from portal.funding.services import exports, network
from portal.funding.services.balances import Named, project_years
from portal.funding.services.ledger import NewEntry, annul_entry, record_entry
from portal.projects.views.common import allowed, visible_project

bp = Blueprint("funding", __name__)

# Registered at import, with the blueprint: the timeline provider, the dashboard section, the integrity check,
# the ledger's part of network exports.
from portal.funding import dashboard, portability, timeline  # noqa: E402,F401
from portal.funding.services import verify  # noqa: E402,F401

LOG_PER_PAGE = 25
KIND_SLUGS = {kind.value: kind for kind in ENTRY_FORMS}


@bp.app_template_global("amount_cell")
def amount_cell(cents: int | None, signed: bool = False) -> Markup:
    """A table cell holding an amount (« — » when there is none), ``signed``: « + » before a positive one."""
    if cents is None:
        return Markup('<td class="number">—</td>')
    sign = "+" if signed and cents > 0 else ""
    # format_cents writes digits, spaces, a comma and « € » only: nothing to escape.
    return Markup(f'<td class="number">{sign}{format_cents(cents)}</td>')  # noqa: S704


@bp.app_template_global("project_funding")
def project_funding(project) -> ProjectFunding:
    """For the project page's templates: the funding side of a project and its permissions."""
    return funding_side(project)


# --- loading --------------------------------------------------------------------------------------------

def funding_of(project_id: int) -> ProjectFunding:
    """The project's funding side, or 404 when the person may not see it (nor learn it exists)."""
    funding = ProjectFunding(visible_project(project_id))
    if not funding.can_view(current_user):
        refuse(404, target=f"project:{project_id}:funding")
    return funding


def entry_of(funding: ProjectFunding, entry_id: int) -> LedgerEntry:
    entry = db.session.get(LedgerEntry, entry_id)
    if entry is None or entry.project_id != funding.project.id:
        refuse(404, target=f"project:{funding.project.id}:ledger_entry:{entry_id}")
    return entry


# --- the tab --------------------------------------------------------------------------------------------

@bp.route("/projets/<int:project_id>/financements")
@login_required
def tab(project_id: int):
    funding = funding_of(project_id)
    page = max(request.args.get("page", 1, type=request_int), 1)
    years = project_years(project_id)
    names = Named.for_years(years)
    return render_template(
        "funding/tab.html", project=funding.project, funding=funding, years=years, names=names,
        chart_svg=chart.funding_chart(chart_bars(years, names), "graphique-financements",
                                      "Montants accordés et versés par exercice et par financeur"),
        log=ledger_page(project_id, page), kinds=funding.recordable_kinds(current_user),
    )


def chart_bars(years, names) -> list[chart.Bar]:
    return [chart.Bar(year.fiscal_year, names(b.funder_id), b.granted, b.paid)
            for year in years for b in year.funders if b.granted or b.paid]


class LogPage:
    """One page of the log, newest first: each entry with who recorded it, what it annuls and what
    annulled it, in one query."""

    def __init__(self, rows, page: int, total: int):
        self.rows, self.page, self.total = rows, page, total
        self.pages = max((total + LOG_PER_PAGE - 1) // LOG_PER_PAGE, 1)


@cache
def _log_query():
    """Built once (aliases are costly to assemble); the page's values are bound at each request."""
    annulled, annulment = aliased(LedgerEntry), aliased(LedgerEntry)
    return (select(LedgerEntry, annulled.seq.label("annuls_seq"), annulment.seq.label("annulled_by_seq"))
            .outerjoin(annulled, annulled.id == LedgerEntry.annuls_entry_id)
            .outerjoin(annulment, annulment.annuls_entry_id == LedgerEntry.id)
            .where(LedgerEntry.project_id == bindparam("project_id"))
            .order_by(LedgerEntry.seq.desc()).limit(bindparam("limit")).offset(bindparam("offset")))


def ledger_page(project_id: int, page: int) -> LogPage:
    total = db.session.scalar(select(func.count()).where(LedgerEntry.project_id == project_id))
    rows = db.session.execute(_log_query(), {"project_id": project_id, "limit": LOG_PER_PAGE,
                                             "offset": (page - 1) * LOG_PER_PAGE}).all()
    return LogPage(rows, page, total)


# --- recording ------------------------------------------------------------------------------------------

def funder_choices(funding: ProjectFunding, kind: EntryKind) -> list[tuple[int, str]]:
    """Whom this person may record this kind for: a funder's people, their own organisation; the
    carrier and coordinators, any organisation (a demande names the funder it asks)."""
    user = current_user
    if kind in (EntryKind.ACCORD, EntryKind.VERSEMENT, EntryKind.AVENANT, EntryKind.REFUS) and not user.is_coordinator:
        return [(user.organisation.id, user.organisation.name)]
    rows = db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name))
    return [("", "Choisissez…"), *((row.id, row.name) for row in rows)]


@bp.route("/projets/<int:project_id>/financements/nouveau/<kind>", methods=["GET", "POST"])
@login_required
def record(project_id: int, kind: str):
    funding = funding_of(project_id)
    entry_kind = KIND_SLUGS.get(kind) or abort(404)
    allowed(entry_kind in funding.recordable_kinds(current_user))
    form = ENTRY_FORMS[entry_kind](funders=funder_choices(funding, entry_kind))
    if form.validate_on_submit():
        try:
            entry = record_entry(funding.project, current_actor(), new_entry(form, entry_kind))
        except LedgerRuleError as error:
            form.add_error(error.field if error.field in form else "amount", error.message)
        else:
            db.session.commit()
            flash(f"{entry.kind_label} enregistré (écriture n° {entry.seq}).", "success")
            return redirect(url_for("funding.tab", project_id=project_id, _anchor="journal"))
    return render_template("funding/record.html", project=funding.project, form=form, kind=entry_kind)


def new_entry(form, kind: EntryKind) -> NewEntry:
    funder = db.session.get(Organisation, form.funder_id.data) if "funder_id" in form else None
    payment = form.payment_kind.data if "payment_kind" in form else None
    return NewEntry(
        kind=kind, fiscal_year=form.fiscal_year.data, event_date=form.event_date.data, amount_cents=form.amount.cents,
        funder=funder, reference=form.reference.data or None, note=form.note.data or None,
        payment_kind=PaymentKind(payment) if payment else None,
        decision_date=form.decision_date.data if "decision_date" in form else None,
    )


@bp.route("/projets/<int:project_id>/financements/<int:entry_id>/annuler", methods=["GET", "POST"])
@login_required
def annul(project_id: int, entry_id: int):
    funding = funding_of(project_id)
    entry = entry_of(funding, entry_id)
    allowed(funding.can_annul(current_user, entry))
    form = AnnulationForm()
    if form.validate_on_submit():
        try:
            annulation = annul_entry(funding.project, current_actor(), entry, form.note.data)
        except LedgerRuleError as error:
            form.add_error("note", error.message)
        else:
            db.session.commit()
            flash(f"Écriture n° {entry.seq} annulée (annulation n° {annulation.seq}).", "success")
            return redirect(url_for("funding.tab", project_id=project_id, _anchor="journal"))
    return render_template("funding/annul.html", project=funding.project, entry=entry, form=form)


# --- exports --------------------------------------------------------------------------------------------

def _download(body, mimetype: str, filename: str) -> Response:
    """A file to save; a generator body streams inside the request (its query reads as it goes)."""
    if not isinstance(body, str):
        body = stream_with_context(body)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/projets/<int:project_id>/financements.csv")
@login_required
def ledger_csv(project_id: int):
    funding_of(project_id)
    lines = exports.entries_csv_lines(exports.EntryFilters(project_id=project_id))
    return _download(lines, "text/csv", f"financements-projet-{project_id}.csv")


@bp.route("/projets/<int:project_id>/financements.json")
@login_required
def ledger_json(project_id: int):
    funding_of(project_id)
    document = exports.entries_document(exports.EntryFilters(project_id=project_id))
    return _download(json.dumps(document, ensure_ascii=False, indent=2), "application/json",
                     f"financements-projet-{project_id}.json")


# --- the network page ----------------------------------------------------------------------------------

def network_filters() -> tuple[NetworkFilterForm, int | None, int | None]:
    form = NetworkFilterForm(request.args)
    years, funders = network.filter_choices(current_user)
    form.fiscal_year.choices = [("", "Tous"), *((str(y), str(y)) for y in years)]
    form.funder_id.choices = [("", "Tous"), *((str(row.id), row.name) for row in funders)]
    year = request.args.get("fiscal_year", type=request_int)
    funder = request.args.get("funder_id", type=request_int)
    return form, year, funder


@bp.route("/financements")
@login_required
def network_page():
    allowed(network.can_view_network_funding(current_user))
    form, year, funder = network_filters()
    tables = {by: network.network_totals(current_user, ("year", by), year, funder)
              for by in ("funder", "theme", "territory")}
    return render_template("funding/network.html", form=form, tables=tables, year=year, funder=funder,
                           this_year=date.today().year)


@bp.route("/financements.<any(csv, json):fmt>")
@login_required
def network_export(fmt: str):
    allowed(network.can_view_network_funding(current_user))
    _, year, funder = network_filters()
    rows = network.network_totals(current_user, network.DIMENSIONS, year, funder)
    if fmt == "csv":
        return _download(network.totals_csv_lines(rows), "text/csv", "financements-reseau.csv")
    return _download(json.dumps(network.totals_document(rows, year, funder), ensure_ascii=False, indent=2),
                     "application/json", "financements-reseau.json")


@bp.route("/financements/scdl")
@login_required
def scdl_export():
    funder = db.session.get(Organisation, request.args.get("financeur", type=request_int) or 0)
    year = request.args.get("exercice", type=request_int)
    if funder is None or year is None:
        abort(404)
    allowed(current_user.is_coordinator or current_user.organisation_id == funder.id)
    try:
        export = exports.scdl_grants(funder, year)
    except exports.ExportError as error:
        flash(str(error), "error")
        return redirect(url_for("funding.network_page"))
    return _download(exports.scdl.write(export.grants), "text/csv",
                     f"subventions-{year}-{funder.id}.csv")
