"""Adding, correcting and removing a project's milestones."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.core.db import db
from portal.core.permissions import current_actor
from portal.projects.forms import ConfirmForm, MilestoneForm
from portal.projects.models import Milestone
from portal.projects.services import milestones
from portal.projects.timeline import item_ref
from portal.projects.views import bp
from portal.projects.views.common import allowed, attempt, child_or_404, visible_project


def _back_to(milestone: Milestone):
    return redirect(url_for("projects.show", project_id=milestone.project_id,
                            _anchor=item_ref("jalon", milestone.id)))


@bp.route("/<int:project_id>/jalons/nouveau", methods=["GET", "POST"])
@login_required
def new_milestone(project_id: int):
    project = visible_project(project_id)
    allowed(project.can_add_milestone(current_user))
    form = MilestoneForm()
    if form.validate_on_submit():
        added = attempt(form, lambda: milestones.add_milestone(current_actor(), project, form.to_data()))
        if added.ok:
            flash(f"Jalon « {added.result.title} » ajouté à la chronologie.", "success")
            return _back_to(added.result)
    return render_template("projects/milestone_form.html", form=form, project=project, milestone=None)


@bp.route("/<int:project_id>/jalons/<int:milestone_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_milestone(project_id: int, milestone_id: int):
    project = visible_project(project_id)
    milestone = child_or_404(Milestone, milestone_id, project)
    allowed(project.can_add_milestone(current_user))
    form = MilestoneForm(obj=milestone)
    if form.validate_on_submit() and attempt(
            form, lambda: milestones.update_milestone(current_actor(), milestone, form.to_data())).ok:
        flash("Jalon modifié ; l'ancienne version reste dans l'historique.", "success")
        return _back_to(milestone)
    return render_template("projects/milestone_form.html", form=form, project=project, milestone=milestone)


@bp.route("/<int:project_id>/jalons/<int:milestone_id>/supprimer", methods=["POST"])
@login_required
def delete_milestone(project_id: int, milestone_id: int):
    project = visible_project(project_id)
    milestone = child_or_404(Milestone, milestone_id, project)
    allowed(project.can_add_milestone(current_user))
    if ConfirmForm().validate_on_submit():
        milestones.delete_milestone(current_actor(), milestone)
        db.session.commit()
        flash("Jalon retiré de la chronologie ; il reste lisible dans l'historique.", "success")
    return redirect(url_for("projects.show", project_id=project.id, _anchor="chronologie"))
