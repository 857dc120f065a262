"""One's own account: password, e-mail address, other sessions, and confirming one's identity again
before any of these sensitive changes."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.accounts import email_change, second_factor, services, sessions
from portal.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    NotificationsForm,
    ReauthenticateForm,
    ReauthenticateWithCodeForm,
)
from portal.accounts.sessions import recent_authentication_required
from portal.accounts.views.blueprint import bp
from portal.accounts.views.login import link_invalid
from portal.core.db import db
from portal.core.mail import send_mail
from portal.core.permissions import current_actor
from portal.core.urls import safe_next_url


@bp.route("/compte")
@login_required
def account():
    return render_template("accounts/account.html", session_started_at=sessions.started_at(),
                           recovery_codes_left=second_factor.remaining_recovery_codes(current_user),
                           notifications_form=NotificationsForm(
                               notify_comments=current_user.notify_comments,
                               notify_reports=current_user.notify_reports))


@bp.route("/compte/notifications", methods=["POST"])
@login_required
def notifications():
    form = NotificationsForm()
    if form.validate_on_submit():
        services.set_notifications(current_actor(), form.notify_comments.data, form.notify_reports.data)
        db.session.commit()
        flash(_notifications_message(form.notify_comments.data, form.notify_reports.data), "success")
    return redirect(url_for("accounts.account"))


def _notifications_message(comments: bool, reports: bool) -> str:
    stopped = [what for what, wanted in (("les nouveaux commentaires", comments),
                                         ("les comptes rendus publiés", reports)) if not wanted]
    if not stopped:
        return "Vos préférences de notification sont enregistrées."
    return " ".join(f"Vous ne recevrez plus {what} par e-mail." for what in stopped)


@bp.route("/compte/confirmer-identite", methods=["GET", "POST"])
@login_required
def reauthenticate():
    user = current_actor()
    form_class = ReauthenticateWithCodeForm if user.has_second_factor else ReauthenticateForm
    form = form_class(next=request.args.get("next", ""))
    if form.validate_on_submit():
        code = form.code.data if user.has_second_factor else None
        try:
            second_factor.confirm_identity(user, form.password.data, code, request.remote_addr)
        except services.AccountError as error:
            db.session.commit()  # the failure counts in the login throttle
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            sessions.mark_authenticated()
            return redirect(safe_next_url(form.next.data) or url_for("accounts.account"))
    return render_template("accounts/reauthenticate.html", form=form)


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
@login_required
@recent_authentication_required()
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
            sessions.continue_with_new_token(current_actor())  # this session goes on; the others end
            flash("Votre mot de passe a été changé. Vos autres sessions ont été fermées.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/compte/adresse-e-mail", methods=["GET", "POST"])
@login_required
@recent_authentication_required()
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        user = current_actor()
        try:
            token = email_change.request_email_change(user, form.email.data)
        except services.AccountError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            _mail_email_change(user, services.normalise_email(form.email.data), token)
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_email.html", form=form)


def _mail_email_change(user, new_email: str, token: str) -> None:
    link = url_for("accounts.confirm_email", token=token, _external=True)
    sent = send_mail(new_email, "Passerelle : confirmer votre nouvelle adresse e-mail",
                     "accounts/mail/email_change.txt", user=user, link=link)
    send_mail(user.email, "Passerelle : demande de changement d'adresse e-mail",
              "accounts/mail/email_change_requested.txt", user=user, new_email=new_email)
    if sent:
        flash(f"Un lien de confirmation, valable 24 heures, vient d'être envoyé à {new_email}. Votre adresse "
              "ne change qu'une fois ce lien ouvert.", "success")
    else:
        flash("Le message de confirmation n'a pas pu partir. Réessayez dans quelques minutes.", "warning")


@bp.route("/compte/adresse-e-mail/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """Opened from the mailed link, possibly on another device: the link itself proves the address."""
    try:
        user, new_email = email_change.email_change_for_token(token)
    except services.AccountError as error:
        return link_invalid(error)
    if request.method == "GET":
        # A mail scanner that follows links must not change the address: a button confirms.
        return render_template("accounts/confirm_email.html", new_email=new_email)
    try:
        old_email = email_change.change_email(user, new_email)
    except services.AccountError as error:
        return link_invalid(error)
    db.session.commit()
    send_mail(old_email, "Passerelle : votre adresse e-mail a été changée", "accounts/mail/email_changed.txt",
              user=user, old_email=old_email)
    flash(f"Votre adresse e-mail est désormais {new_email}. Utilisez-la pour vous connecter.", "success")
    return redirect(url_for("accounts.account" if current_user.is_authenticated else "accounts.login"))


@bp.route("/compte/sessions", methods=["POST"])
@login_required
def end_other_sessions():
    user = current_actor()
    services.end_all_sessions(user, "others")
    db.session.commit()
    sessions.continue_with_new_token(user)
    flash("Vos autres sessions sont fermées : seule celle-ci reste ouverte.", "success")
    return redirect(url_for("accounts.account"))
