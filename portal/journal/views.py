"""The "Journal d'audit" page, for admins."""

from flask import Blueprint, render_template, request

from portal.core.audit import action_label, detail_label
from portal.core.permissions import admin_required
from portal.core.urls import request_int
from portal.journal.forms import JournalFilterForm
from portal.journal.services import journal_page

bp = Blueprint("journal", __name__, url_prefix="/admin/journal")


@bp.route("")
@admin_required
def index():
    form = JournalFilterForm(formdata=request.args)
    if form.url_arguments():
        form.validate()
    page = journal_page(form.valid_values(), older_than=request.args.get("avant", type=request_int),
                        newer_than=request.args.get("apres", type=request_int))
    return render_template("journal/index.html", form=form, page=page, filters=form.url_arguments(),
                           action_label=action_label, detail_label=detail_label)
