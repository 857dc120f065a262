"""A rencontre's page with its ateliers, and the forms that create and edit rencontres and ateliers."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from portal.accounts.models import Organisation, User
from portal.core.db import db
from portal.core.permissions import current_actor
from portal.meetings.forms import AtelierForm, RencontreForm
from portal.meetings.models import CompteRendu, can_organise
from portal.meetings.services import rencontres as rules
from portal.meetings.views import bp
from portal.meetings.views.common import allowed, atelier_or_404, attempt, project_link, rencontre_or_404
from portal.projects.models import Project


@bp.route("/<int:rencontre_id>")
@login_required
def show(rencontre_id: int):
    rencontre = rencontre_or_404(rencontre_id)
    reports = db.session.execute(db.select(CompteRendu).where(CompteRendu.rencontre_id == rencontre.id)
                                 .order_by(CompteRendu.id)).unique().scalars().all()
    by_atelier = {report.atelier_id: report for report in reports if report.atelier_id}
    whole = [report for report in reports if report.atelier_id is None]
    return render_template("meetings/rencontre.html", rencontre=rencontre, reports_by_atelier=by_atelier,
                           whole_reports=whole, can_organise=can_organise(current_user), project_link=project_link)


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required
def new():
    allowed(can_organise(current_user))
    form = RencontreForm().setup(_organisations())
    if form.validate_on_submit():
        created = attempt(form, lambda: rules.create_rencontre(current_actor(), form.to_data()))
        if created.ok:
            flash(f"La rencontre « {created.result.title} » est créée.", "success")
            return redirect(url_for("meetings.show", rencontre_id=created.result.id))
    return render_template("meetings/rencontre_form.html", form=form, rencontre=None)


@bp.route("/<int:rencontre_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(rencontre_id: int):
    rencontre = rencontre_or_404(rencontre_id)
    allowed(rencontre.can_edit(current_user), f"rencontre:{rencontre.id}")
    form = RencontreForm().setup(_organisations())
    if request.method == "GET":
        form.fill_from(rencontre)
    if form.validate_on_submit():
        saved = attempt(form, lambda: rules.update_rencontre(current_actor(), rencontre, form.to_data()))
        if saved.ok:
            flash("Rencontre enregistrée.", "success")
            return redirect(url_for("meetings.show", rencontre_id=rencontre.id))
    return render_template("meetings/rencontre_form.html", form=form, rencontre=rencontre)


# --- ateliers ----------------------------------------------------------------------------------------

@bp.route("/<int:rencontre_id>/ateliers/nouveau", methods=["GET", "POST"])
@login_required
def new_atelier(rencontre_id: int):
    rencontre = rencontre_or_404(rencontre_id)
    allowed(can_organise(current_user), f"rencontre:{rencontre.id}")
    form = _atelier_form()
    if request.method == "GET":
        form.number.data = rules.next_atelier_number(rencontre)
        form.add_testimony_rows(2)
    elif not _wants_more_rows(form) and form.validate_on_submit():
        created = attempt(form, lambda: rules.create_atelier(current_actor(), rencontre, form.to_data()))
        if created.ok:
            flash(f"L'{created.result.heading[0].lower()}{created.result.heading[1:]} est créé.", "success")
            return redirect(url_for("meetings.show", rencontre_id=rencontre.id,
                                    _anchor=f"atelier-{created.result.id}"))
    return render_template("meetings/atelier_form.html", form=form, rencontre=rencontre, atelier=None)


@bp.route("/ateliers/<int:atelier_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_atelier(atelier_id: int):
    atelier = atelier_or_404(atelier_id)
    allowed(atelier.can_edit(current_user), f"atelier:{atelier.id}")
    form = _atelier_form()
    if request.method == "GET":
        form.fill_from(atelier)
        form.add_testimony_rows(1)
    elif not _wants_more_rows(form) and form.validate_on_submit():
        saved = attempt(form, lambda: rules.update_atelier(current_actor(), atelier, form.to_data()))
        if saved.ok:
            flash("Atelier enregistré.", "success")
            return redirect(url_for("meetings.show", rencontre_id=atelier.rencontre_id,
                                    _anchor=f"atelier-{atelier.id}"))
    return render_template("meetings/atelier_form.html", form=form, rencontre=atelier.rencontre, atelier=atelier)


def _atelier_form() -> AtelierForm:
    users = db.session.execute(db.select(User).where(User.active).options(selectinload(User.organisation))
                               .order_by(User.full_name)).unique().scalars().all()
    projects = db.session.execute(db.select(Project).order_by(Project.title_sort)).unique().scalars().all()
    return AtelierForm().setup(users, _organisations(), projects)


def _wants_more_rows(form: AtelierForm) -> bool:
    """"Ajouter un témoignage" re-shows the form with one more line, saving nothing (works without JavaScript)."""
    form.add_testimony_rows(0)  # numbers the posted lines
    if "ajouter_temoignage" not in request.form:
        return False
    form.add_testimony_rows(1)
    return True


def _organisations() -> list[Organisation]:
    return db.session.execute(db.select(Organisation).order_by(Organisation.name)).scalars().all()
