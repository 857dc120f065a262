"""Logging in (password, then the one-time code when the account has one), logging out, password reset
and invitations."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.accounts import second_factor, services, sessions
from portal.accounts.forms import AcceptInvitationForm, ForgotPasswordForm, LoginCodeForm, LoginForm, ResetPasswordForm
from portal.accounts.models import User
from portal.accounts.views.blueprint import bp
from portal.core.db import db
from portal.core.extensions import login_manager
from portal.core.mail import send_mail
from portal.core.permissions import current_actor
from portal.core.urls import safe_next_url


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    return sessions.user_for_session_id(session_id)


def _landing(next_url: str | None):
    return redirect(safe_next_url(next_url) or url_for("dashboard.index"))


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        db.session.commit()  # failures count even when the login is refused
        if result.needs_second_factor:
            sessions.begin_second_factor(result.user, safe_next_url(form.next.data))
            return redirect(url_for("accounts.login_code"))
        if result.user:
            sessions.start(result.user)
            return _landing(form.next.data)
        form.password.errors.append(result.error)
    return render_template("accounts/login.html", form=form)


@bp.route("/connexion/verification", methods=["GET", "POST"])
def login_code():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    pending = sessions.pending_second_factor()
    if pending is None:
        flash("Reprenez la connexion avec votre adresse e-mail et votre mot de passe : l'étape du code a expiré.",
              "info")
        return redirect(url_for("accounts.login"))
    user, next_url = pending
    form = LoginCodeForm()
    if form.validate_on_submit():
        result = second_factor.verify_login_code(user, form.code.data, request.remote_addr)
        db.session.commit()
        if result.user:
            sessions.start(user)
            if result.method == "recovery":
                _warn_about_recovery_codes(user)
            return _landing(next_url)
        form.code.errors.append(result.error)
    return render_template("accounts/login_code.html", form=form)


def _warn_about_recovery_codes(user: User) -> None:
    remaining = second_factor.remaining_recovery_codes(user)
    flash(f"Vous vous êtes connecté·e avec un code de secours ; il vous en reste {remaining}. "
          "Pensez à en générer de nouveaux depuis votre compte.", "warning")


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout():
    services.end_all_sessions(current_actor(), "logout")
    db.session.commit()
    sessions.end()
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


def link_invalid(error: services.AccountError):
    return render_template("accounts/link_invalid.html", message=error.message), 400


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except services.AccountError as error:
        return link_invalid(error)
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
        return link_invalid(error)
    form = AcceptInvitationForm(full_name=invitation.full_name)
    form.email_for_rules = invitation.email
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(invitation, form.full_name.data, form.password.data)
        except services.AccountError as error:
            return link_invalid(error)
        db.session.commit()
        sessions.start(user)
        flash(f"Bienvenue sur Passerelle, {user.full_name} !", "success")
        return redirect(url_for("dashboard.index"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)
