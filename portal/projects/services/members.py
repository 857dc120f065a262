"""The people of a project and their role in it. People concerned are co-actors: a coordinator can invite
one, as a member of the carrier organisation, straight into the project's committee.

Every change writes a revision (scope "members"): "beneficiaries joined the technical committee" is part
of the story the page keeps.
"""

from portal.accounts import services as accounts
from portal.accounts.models import Invitation, Role, User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.projects.models import MemberRole, Project, ProjectInvitation, ProjectMember, RevisionScope
from portal.projects.services.common import ProjectError, lock_project, record_revision


def _subject(user: User) -> str:
    return f"{user.full_name} ({user.organisation.display_name})"


def _record(project: Project, actor: User | None, user: User, before: str | None, after: str | None) -> None:
    record_revision(project, actor, {"member_role": before} if before else {},
                    {"member_role": after} if after else {}, scope=RevisionScope.MEMBERS, subject=_subject(user))


def _check_role(role: str) -> None:
    if role not in set(MemberRole):
        raise ProjectError("Rôle inconnu.", "role")


def candidates(project: Project) -> list[User]:
    """Active people of the project's organisations who are not members yet."""
    current = {member.user_id for member in project.members}
    people = db.session.execute(
        db.select(User).where(User.organisation_id.in_(project.organisation_ids), User.active.is_(True))
        .order_by(User.full_name)
    ).scalars()
    return [person for person in people if person.id not in current]


def add_member(actor: User | None, project: Project, user: User | None, role: str) -> ProjectMember:
    """Attach a person of one of the project's organisations with their role in the project."""
    _check_role(role)
    lock_project(project)
    if user is None or not user.active or user.organisation_id not in project.organisation_ids:
        raise ProjectError("Choisissez une personne d'une organisation du projet (porteur ou partenaire).",
                           "user_id")
    if any(member.user_id == user.id for member in project.members):
        raise ProjectError(f"{user.full_name} est déjà membre du projet.", "user_id")
    member = ProjectMember(project=project, user=user, role=role)
    db.session.add(member)
    db.session.flush()
    _record(project, actor, user, None, member.role_label)
    audit.record("project.member_added", actor=actor, target=f"project:{project.id}", user=user.id, role=role)
    return member


def change_role(actor: User, member: ProjectMember, role: str) -> None:
    _check_role(role)
    lock_project(member.project)
    before = member.role_label
    member.role = role
    if member.role_label != before:
        db.session.flush()
        _record(member.project, actor, member.user, before, member.role_label)
        audit.record("project.member_role", actor=actor, target=f"project:{member.project_id}",
                     user=member.user_id, role=role)


def remove_member(actor: User, member: ProjectMember) -> None:
    project = member.project
    lock_project(project)
    _record(project, actor, member.user, member.role_label, None)
    db.session.delete(member)
    db.session.flush()
    audit.record("project.member_removed", actor=actor, target=f"project:{project.id}", user=member.user_id)


def invite_person(actor: User, project: Project, email: str, full_name: str,
                  role: str = MemberRole.PERSONNE_CONCERNEE) -> Invitation:
    """Invite someone into the carrier organisation (account role: member) and, on acceptance, into the
    project with ``role``. The account rules (who may invite, no duplicate e-mail) are the accounts module's."""
    _check_role(role)
    try:
        invitation = accounts.invite(actor, email, full_name, project.carrier, Role.MEMBER)
    except accounts.AccountError as error:
        if error.field == "email":
            raise ProjectError("Cette personne a déjà un compte : ajoutez-la depuis la liste des membres "
                               "(si elle appartient à une organisation du projet).", "email") from None
        raise ProjectError(error.message, error.field) from None
    db.session.add(ProjectInvitation(invitation=invitation, project=project, role=role))
    db.session.flush()
    audit.record("project.person_invited", actor=actor, target=f"project:{project.id}", email=invitation.email)
    return invitation


def pending_invitations(project: Project) -> list[ProjectInvitation]:
    return list(db.session.execute(
        db.select(ProjectInvitation).join(ProjectInvitation.invitation)
        .where(ProjectInvitation.project_id == project.id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow()).order_by(Invitation.created_at)
    ).scalars())


@accounts.invitation_accepted.connect
def join_invited_project(invitation: Invitation, user: User) -> None:
    """An invitation made from a project page: the new account becomes a member of that project."""
    link = db.session.get(ProjectInvitation, invitation.id)
    if link is None:
        return
    add_member(invitation.invited_by, link.project, user, link.role)
