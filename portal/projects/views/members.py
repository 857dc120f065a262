"""The people of a project: adding one from the project's organisations, changing a role, removing, and
inviting a person concerned who has no account yet."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.accounts.services import make_invitation_token
from portal.core.db import db
from portal.core.forms import choices
from portal.core.mail import send_mail
from portal.core.permissions import current_actor
from portal.projects.forms import ConfirmForm, InvitePersonForm, MemberForm, MemberRoleForm
from portal.projects.models import MemberRole, Project, ProjectMember
from portal.projects.services import members
from portal.projects.views import bp
from portal.projects.views.common import allowed, attempt, child_or_404, visible_project


def _member_form(project: Project) -> MemberForm:
    form = MemberForm()
    form.user_id.choices = choices([("", "— Choisir une personne —"), *(
        (person.id, f"{person.full_name} ({person.organisation.display_name})")
        for person in members.candidates(project))])
    return form


def _render(project: Project, form: MemberForm, status: int = 200):
    return render_template("projects/members.html", project=project, form=form, role_form=MemberRoleForm(),
                           invitations=members.pending_invitations(project)), status


def _load(project_id: int) -> Project:
    return visible_project(project_id, selectinload(Project.members).joinedload(ProjectMember.user))


@bp.route("/<int:project_id>/membres", methods=["GET", "POST"])
@login_required
def members_page(project_id: int):
    project = _load(project_id)
    form = _member_form(project)
    if form.is_submitted():
        allowed(project.can_manage_members(current_user))
    if form.validate_on_submit():
        person = db.session.get(User, form.user_id.data)
        added = attempt(form, lambda: members.add_member(current_actor(), project, person, form.role.data))
        if added.ok:
            flash(f"{person.full_name} rejoint le projet ({added.result.role_label.lower()}).", "success")
            return redirect(url_for("projects.members_page", project_id=project.id))
    return _render(project, form, 422 if form.errors else 200)


@bp.route("/<int:project_id>/membres/<int:member_id>/role", methods=["POST"])
@login_required
def change_member_role(project_id: int, member_id: int):
    project = _load(project_id)
    member = child_or_404(ProjectMember, member_id, project)
    allowed(project.can_manage_members(current_user))
    form = MemberRoleForm()
    if form.validate_on_submit():
        members.change_role(current_actor(), member, form.role.data)
        db.session.commit()
        flash(f"{member.user.full_name} : {member.role_label.lower()}.", "success")
    else:
        flash("Rôle inconnu : rien n'a changé.", "error")
    return redirect(url_for("projects.members_page", project_id=project.id))


@bp.route("/<int:project_id>/membres/<int:member_id>/retirer", methods=["POST"])
@login_required
def remove_member(project_id: int, member_id: int):
    project = _load(project_id)
    member = child_or_404(ProjectMember, member_id, project)
    allowed(project.can_manage_members(current_user))
    if ConfirmForm().validate_on_submit():
        name = member.user.full_name
        members.remove_member(current_actor(), member)
        db.session.commit()
        flash(f"{name} ne fait plus partie du projet. Le changement est dans l'historique.", "success")
    return redirect(url_for("projects.members_page", project_id=project.id))


@bp.route("/<int:project_id>/membres/inviter", methods=["GET", "POST"])
@login_required
def invite_person(project_id: int):
    project = _load(project_id)
    allowed(project.can_invite_people(current_user))
    form = InvitePersonForm()
    if form.validate_on_submit():
        invited = attempt(form, lambda: members.invite_person(current_actor(), project, form.email.data,
                                                              form.full_name.data, form.role.data))
        if invited.ok:
            _send_invitation(project, invited.result, form.role.data)
            return redirect(url_for("projects.members_page", project_id=project.id))
    return render_template("projects/invite.html", form=form, project=project)


def _send_invitation(project: Project, invitation, role: str) -> None:
    link = url_for("accounts.accept_invitation", token=make_invitation_token(invitation), _external=True)
    sent = send_mail(invitation.email, f"Invitation à rejoindre le projet « {project.title} »",
                     "projects/mail/invitation.txt", invitation=invitation, project=project, link=link,
                     role_label=MemberRole.label_of(role))
    if sent:
        flash(f"Invitation envoyée à {invitation.email}. Une fois son compte créé, la personne fera partie "
              "du projet.", "success")
    else:
        flash(f"L'invitation de {invitation.email} est enregistrée, mais le message n'a pas pu partir. "
              "Réessayez plus tard en l'invitant à nouveau.", "warning")
