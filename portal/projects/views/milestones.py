"""Adding, correcting and removing a project's milestones."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.core.db import db
from portal.core.permissions import current_actor
from portal.projects.forms import ConfirmForm, MilestoneForm
from portal.projects.models import Milestone, Project
from portal.projects.services import milestones
from portal.projects.services.common import ProjectError
from portal.projects.timeline import item_ref
from portal.projects.views import bp
from portal.projects.views.loading import allowed, child_or_404, visible_project


def _back_to(milestone: Milestone):
    return redirect(url_for("projects.show", project_id=milestone.project_id,
                            _anchor=item_ref("jalon", milestone.id)))


def _save(form: MilestoneForm, project: Project, milestone: Milestone | None):
    """Run the service for a valid form; returns the milestone, or None with the error on its field."""
    try:
        if milestone is None:
            milestone = milestones.add_milestone(current_actor(), project, form.to_data())
        else:
            milestones.update_milestone(current_actor(), milestone, form.to_data())
    except ProjectError as error:
        db.session.rollback()
        form.add_error(error.field, error.message)
        return None
    db.session.commit()
    return milestone


@bp.route("/<int:project_id>/jalons/nouveau", methods=["GET", "POST"])
@login_required
def new_milestone(project_id: int):
    project = visible_project(project_id)
    allowed(project.can_add_milestone(current_user))
    form = MilestoneForm()
    if form.validate_on_submit():
        milestone = _save(form, project, None)
        if milestone:
            flash(f"Jalon « {milestone.title} » ajouté à la chronologie.", "success")
            return _back_to(milestone)
    return render_template("projects/milestone_form.html", form=form, project=project, milestone=None)


@bp.route("/<int:project_id>/jalons/<int:milestone_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_milestone(project_id: int, milestone_id: int):
    project = visible_project(project_id)
    milestone = child_or_404(Milestone, milestone_id, project)
    allowed(project.can_add_milestone(current_user))
    form = MilestoneForm(obj=milestone)
    if form.validate_on_submit() and _save(form, project, milestone):
        flash("Jalon modifié ; l'ancienne version reste dans l'historique.", "success")
        return _back_to(milestone)
    return render_template("projects/milestone_form.html", form=form, project=project, milestone=milestone,
                           confirm_form=ConfirmForm())


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
