"""Administration of the network: organisations, users, invitations."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts import second_factor, services
from portal.accounts.forms import ActivationForm, AnonymiseForm, InvitationForm, OrganisationForm, RoleForm
from portal.accounts.models import Invitation, Organisation, Role, User
from portal.core.db import db, utcnow
from portal.core.forms import choices
from portal.core.mail import send_mail
from portal.core.permissions import admin_required, current_actor, inviter_required
from portal.core.urls import request_int

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _organisations():
    return db.session.execute(db.select(Organisation).order_by(Organisation.name)).scalars().all()


@bp.route("/organisations")
@inviter_required
def organisations():
    return render_template("admin/organisations.html", organisations=_organisations())


@bp.route("/organisations/nouvelle", methods=["GET", "POST"])
@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@admin_required
def edit_organisation(organisation_id: int | None = None):
    organisation = db.get_or_404(Organisation, organisation_id) if organisation_id else Organisation()
    form = OrganisationForm(obj=organisation if organisation_id else None)
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data or None for name in
                  ("name", "short_name", "kind", "commune", "territory", "siret")}
        try:
            services.save_organisation(current_actor(), organisation, **fields)
        except services.AccountError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(f"L'organisation « {organisation.name} » est enregistrée.", "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, organisation=organisation)


@bp.route("/utilisateurs")
@inviter_required
def users():
    people = db.session.execute(
        db.select(User).join(User.organisation).order_by(Organisation.name, User.full_name)
    ).scalars().all()
    pending = db.session.execute(
        db.select(Invitation).where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                                    Invitation.expires_at > utcnow()).order_by(Invitation.created_at.desc())
    ).scalars().all()
    return render_template("admin/users.html", users=people, invitations=pending,
                           role_form=RoleForm(), activation_form=ActivationForm(), roles=list(Role))


@bp.route("/invitations/nouvelle", methods=["GET", "POST"])
@inviter_required
def invite():
    form = InvitationForm(organisation_id=request.args.get("organisation", type=request_int))
    form.organisation_id.choices = choices((org.id, org.name) for org in _organisations())
    form.role.choices = choices((role.value, role.label) for role in current_user.invitable_roles())
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        try:
            invitation = services.invite(current_actor(), form.email.data, form.full_name.data, organisation,
                                         form.role.data)
        except services.AccountError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            _send_invitation(invitation)
            return redirect(url_for("admin.users"))
    return render_template("admin/invite.html", form=form)


def _send_invitation(invitation: Invitation) -> None:
    link = url_for("accounts.accept_invitation", token=services.make_invitation_token(invitation), _external=True)
    sent = send_mail(invitation.email, "Invitation à rejoindre Passerelle", "accounts/mail/invitation.txt",
                     invitation=invitation, link=link)
    if sent:
        flash(f"Invitation envoyée à {invitation.email}. Le lien est valable sept jours.", "success")
    else:
        flash(f"L'invitation de {invitation.email} est enregistrée, mais le message n'a pas pu partir. "
              "Réessayez plus tard en l'invitant à nouveau.", "warning")


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/utilisateurs/<int:user_id>/role", methods=["POST"])
@admin_required
def change_role(user_id: int):
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.change_role(current_actor(), user, form.role.data)
    except services.AccountError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"{user.full_name} est désormais {user.role_label.lower()}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/utilisateurs/<int:user_id>/activation", methods=["POST"])
@admin_required
def set_active(user_id: int):
    user = _user_or_404(user_id)
    form = ActivationForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_active(current_actor(), user, bool(form.active.data))
    except services.AccountError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        state = "réactivé" if user.active else "désactivé ; ses sessions sont fermées"
        flash(f"Le compte de {user.full_name} est {state}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/utilisateurs/<int:user_id>/anonymisation", methods=["GET", "POST"])
@admin_required
def anonymise(user_id: int):
    user = _user_or_404(user_id)
    form = AnonymiseForm()
    if form.validate_on_submit():
        try:
            services.anonymise_user(current_actor(), user)
        except services.AccountError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(f"Le compte n°{user.id} est anonymisé : nom, adresse e-mail et mot de passe sont effacés ; "
                  "ce que la personne a écrit reste en place.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/anonymise.html", form=form, user=user)


@bp.route("/utilisateurs/<int:user_id>/double-authentification", methods=["POST"])
@admin_required
def reset_second_factor(user_id: int):
    user = _user_or_404(user_id)
    try:
        second_factor.reset_by_admin(current_actor(), user)
    except services.AccountError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"La double authentification de {user.full_name} est réinitialisée ; ses sessions sont fermées.",
              "success")
    return redirect(url_for("admin.users"))
