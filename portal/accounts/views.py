"""Logging in and out, password reset, invitations, and one's own account."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import services
from portal.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NotificationsForm,
    ResetPasswordForm,
)
from portal.accounts.models import User
from portal.core.db import db, utcnow
from portal.core.extensions import login_manager
from portal.core.mail import send_mail
from portal.core.permissions import current_actor
from portal.core.urls import safe_next_url

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Session ids are "<user id>:<session token>": a rotated token ends the session."""
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def start_session(user: User) -> None:
    """A brand-new session on every login, so a session id planted before login is worthless."""
    session.clear()
    login_user(user)
    session.permanent = True
    session["started_at"] = utcnow().timestamp()


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        db.session.commit()  # failures count even when the login is refused
        if result.user:
            start_session(result.user)
            return redirect(safe_next_url(form.next.data) or url_for("dashboard.index"))
        form.password.errors.append(result.error)
    return render_template("accounts/login.html", form=form)


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout():
    services.end_all_sessions(current_actor(), "logout")
    db.session.commit()
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté·e.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        found = services.request_password_reset(form.email.data)
        db.session.commit()
        if found:
            user, token = found
            send_mail(user.email, "Passerelle : choisir un nouveau mot de passe", "accounts/mail/reset.txt",
                      user=user, link=url_for("accounts.reset_password", token=token, _external=True))
        # The same answer whether or not the address has an account.
        flash("Si un compte existe pour cette adresse, un lien pour choisir un nouveau mot de passe vient d'y "
              "être envoyé. Il est valable une heure.", "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except services.AccountError as error:
        return render_template("accounts/link_invalid.html", message=error.message), 400
    form = ResetPasswordForm()
    form.email_for_rules = user.email
    if form.validate_on_submit():
        services.set_password(user, form.password.data, "reset")
        db.session.commit()
        flash("Votre mot de passe a été changé. Connectez-vous avec le nouveau.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = services.invitation_for_token(token)
    except services.AccountError as error:
        return render_template("accounts/link_invalid.html", message=error.message), 400
    form = AcceptInvitationForm(full_name=invitation.full_name)
    form.email_for_rules = invitation.email
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(invitation, form.full_name.data, form.password.data)
        except services.AccountError as error:
            return render_template("accounts/link_invalid.html", message=error.message), 400
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        start_session(user)
        flash(f"Bienvenue sur Passerelle, {user.full_name} !", "success")
        return redirect(url_for("dashboard.index"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


@bp.route("/compte")
@login_required
def account():
    form = NotificationsForm(notify_comments=current_user.notify_comments)
    return render_template("accounts/account.html", notifications_form=form)


@bp.route("/compte/notifications", methods=["POST"])
@login_required
def notifications():
    form = NotificationsForm()
    if form.validate_on_submit():
        services.set_notifications(current_actor(), form.notify_comments.data)
        db.session.commit()
        flash("Vos préférences de notification sont enregistrées." if form.notify_comments.data else
              "Vous ne recevrez plus les nouveaux commentaires par e-mail.", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.email_for_rules = current_user.email
    if form.validate_on_submit():
        try:
            services.change_password(current_actor(), form.current_password.data, form.password.data)
        except services.AccountError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            start_session(current_actor())  # this session goes on with the new token; the others end
            flash("Votre mot de passe a été changé. Vos autres sessions ont été fermées.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)

