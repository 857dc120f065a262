"""The partners' discussion on a project page, and the mail that tells the project's members about it."""

import logging
from datetime import timedelta

from flask import current_app, url_for

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.core.formatting import format_moment
from portal.core.mail import send_mail
from portal.projects.models import Comment, Project, ProjectMember
from portal.projects.services.common import ProjectError, require_text

logger = logging.getLogger(__name__)

BODY_MAX = 10_000


def edit_window() -> timedelta:
    return timedelta(minutes=current_app.config["COMMENT_EDIT_MINUTES"])


def post_comment(author: User, project: Project, body: str) -> Comment:
    """Add a comment; the view mails the members once the comment is committed (``notify_members``)."""
    comment = Comment(project=project, author=author, body=require_text(body, "body", "Le message", BODY_MAX),
                      created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    audit.record("comment.posted", actor=author, target=f"project:{project.id}", comment=comment.id)
    return comment


def edit_comment(actor: User, comment: Comment, body: str) -> None:
    """Its author corrects it, within the edit window (the page then says "modifié")."""
    if not comment.can_edit(actor, edit_window()):
        limit = format_moment(comment.editable_until(edit_window()), "HH:mm")
        raise ProjectError(f"Ce commentaire ne peut plus être modifié (c'était possible jusqu'à {limit}). "
                           "Vous pouvez écrire un nouveau commentaire.", "body")
    comment.body = require_text(body, "body", "Le message", BODY_MAX)
    comment.edited_at = utcnow()
    db.session.flush()
    audit.record("comment.edited", actor=actor, target=f"project:{comment.project_id}", comment=comment.id)


def delete_comment(actor: User, comment: Comment) -> None:
    """Erase the text and keep the trace: "commentaire supprimé par X le ..." stays in the discussion."""
    if not comment.can_delete(actor):
        raise ProjectError("Vous ne pouvez pas supprimer ce commentaire.")
    comment.body = ""
    comment.deleted_at = utcnow()
    comment.deleted_by = actor
    db.session.flush()
    audit.record("comment.deleted", actor=actor, target=f"project:{comment.project_id}", comment=comment.id,
                 author=comment.author_id)


def recipients(comment: Comment) -> list[User]:
    """The project's members who want these mails and may still see the page, the author excepted."""
    members = db.session.execute(
        db.select(ProjectMember).join(ProjectMember.user)
        .where(ProjectMember.project_id == comment.project_id, User.active.is_(True),
               User.notify_comments.is_(True), User.id != comment.author_id)
    ).scalars()
    project = comment.project
    return [member.user for member in members if project.can_view(member.user)]


def notify_members(comment: Comment) -> bool:
    """Mail each recipient a message of their own; False when the mail server could not be reached."""
    people = recipients(comment)
    if not people:
        return True
    project = comment.project
    link = url_for("projects.show", project_id=project.id, _external=True, _anchor=f"commentaire-{comment.id}")
    sent = send_mail([person.email for person in people], f"Nouveau commentaire sur « {project.title} »",
                     "projects/mail/new_comment.txt", comment=comment, project=project, link=link,
                     account_link=url_for("accounts.account", _external=True))
    logger.info("comment %s notified to %d member(s), sent=%s", comment.id, len(people), sent)
    return sent
