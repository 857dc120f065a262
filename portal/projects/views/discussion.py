"""The discussion on a project page: posting (members are mailed), correcting for a while, deleting."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.core.db import db
from portal.core.permissions import current_actor
from portal.projects.forms import CommentForm, ConfirmForm
from portal.projects.models import Comment
from portal.projects.services import comments
from portal.projects.views import bp
from portal.projects.views.common import allowed, attempt, child_or_404, page_options, visible_project
from portal.projects.views.pages import render_project_page


def _comment_url(comment: Comment) -> str:
    return url_for("projects.show", project_id=comment.project_id, _anchor=f"commentaire-{comment.id}")


@bp.route("/<int:project_id>/commentaires", methods=["POST"])
@login_required
def post_comment(project_id: int):
    project = visible_project(project_id, *page_options())
    allowed(project.can_comment(current_user))
    form = CommentForm()
    if form.validate_on_submit():
        posted = attempt(form, lambda: comments.post_comment(current_actor(), project, form.body.data))
        if posted.ok:
            if not comments.notify_members(posted.result):
                flash("Votre commentaire est publié, mais les membres du projet n'ont pas pu être prévenus "
                      "par e-mail (serveur de messagerie injoignable).", "warning")
            return redirect(_comment_url(posted.result))
    return render_project_page(project, form, status=422)


@bp.route("/<int:project_id>/commentaires/<int:comment_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_comment(project_id: int, comment_id: int):
    project = visible_project(project_id)
    comment = child_or_404(Comment, comment_id, project)
    allowed(comment.can_edit(current_user, comments.edit_window()))
    form = CommentForm(obj=comment)
    if form.validate_on_submit() and attempt(form, lambda: comments.edit_comment(current_actor(), comment,
                                                                                form.body.data)).ok:
        flash("Commentaire modifié.", "success")
        return redirect(_comment_url(comment))
    return render_template("projects/comment_form.html", form=form, project=project, comment=comment,
                           editable_until=comment.editable_until(comments.edit_window()),
                           window_minutes=current_app.config["COMMENT_EDIT_MINUTES"])


@bp.route("/<int:project_id>/commentaires/<int:comment_id>/supprimer", methods=["POST"])
@login_required
def delete_comment(project_id: int, comment_id: int):
    project = visible_project(project_id)
    comment = child_or_404(Comment, comment_id, project)
    allowed(comment.can_delete(current_user))
    if ConfirmForm().validate_on_submit():
        comments.delete_comment(current_actor(), comment)
        db.session.commit()
        flash("Commentaire supprimé. Une trace reste dans la discussion.", "success")
    return redirect(_comment_url(comment))
