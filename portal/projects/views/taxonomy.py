"""The lists of themes and publics, kept by the coordinators."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.core.db import db
from portal.core.permissions import current_actor
from portal.projects.forms import ConfirmForm, TaxonomyEntryForm
from portal.projects.models import can_manage_taxonomy
from portal.projects.services import taxonomy
from portal.projects.services.common import ProjectError
from portal.projects.views import bp
from portal.projects.views.common import allowed, attempt

TITLES = {"themes": "Thèmes", "publics": "Publics"}


def _kind_or_404(kind: str):
    if kind not in taxonomy.KINDS:
        abort(404)
    return taxonomy.KINDS[kind][0]


def _render(forms: dict | None = None, status: int = 200):
    """Both lists; ``forms`` holds the form that failed, keyed by (kind, entry id or None)."""
    forms = forms or {}
    lists = []
    for kind, (model, _, word) in taxonomy.KINDS.items():
        counts = taxonomy.usage_counts(kind)
        rows = [(entry, counts.get(entry.id, 0), forms.get((kind, entry.id)) or TaxonomyEntryForm(
            formdata=None, prefix=f"{kind}-{entry.id}", name=entry.name)) for entry in taxonomy.entries(model)]
        lists.append((kind, TITLES[kind], word, rows, forms.get((kind, None)) or TaxonomyEntryForm(formdata=None,
                                                                                                  prefix=kind)))
    return render_template("projects/taxonomy.html", lists=lists), status


@bp.route("/listes")
@login_required
def taxonomy_page():
    allowed(can_manage_taxonomy(current_user))
    return _render()


@bp.route("/listes/<kind>", methods=["POST"])
@login_required
def add_taxonomy_entry(kind: str):
    allowed(can_manage_taxonomy(current_user))
    _kind_or_404(kind)
    form = TaxonomyEntryForm(prefix=kind)
    if form.validate_on_submit():
        added = attempt(form, lambda: taxonomy.add_entry(current_actor(), kind, form.name.data))
        if added.ok:
            flash(f"« {added.result.name} » ajouté à la liste.", "success")
            return redirect(url_for("projects.taxonomy_page", _anchor=kind))
    return _render({(kind, None): form}, 422)


@bp.route("/listes/<kind>/<int:entry_id>", methods=["POST"])
@login_required
def rename_taxonomy_entry(kind: str, entry_id: int):
    allowed(can_manage_taxonomy(current_user))
    entry = db.get_or_404(_kind_or_404(kind), entry_id)
    form = TaxonomyEntryForm(prefix=f"{kind}-{entry.id}")
    if form.validate_on_submit() and attempt(
            form, lambda: taxonomy.rename_entry(current_actor(), kind, entry, form.name.data)).ok:
        flash(f"Renommé en « {entry.name} ». L'historique des projets garde l'ancien nom.", "success")
        return redirect(url_for("projects.taxonomy_page", _anchor=kind))
    return _render({(kind, entry_id): form}, 422)


@bp.route("/listes/<kind>/<int:entry_id>/supprimer", methods=["POST"])
@login_required
def delete_taxonomy_entry(kind: str, entry_id: int):
    allowed(can_manage_taxonomy(current_user))
    entry = db.get_or_404(_kind_or_404(kind), entry_id)
    if ConfirmForm().validate_on_submit():
        try:
            taxonomy.delete_entry(current_actor(), kind, entry)
        except ProjectError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("Retiré de la liste.", "success")
    return redirect(url_for("projects.taxonomy_page", _anchor=kind))
