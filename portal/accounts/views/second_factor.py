"""Setting up the second factor (QR code, first code), recovery codes, turning it off."""

from urllib.parse import quote

from flask import flash, redirect, render_template, session, url_for
from flask_login import login_required

from portal.accounts import second_factor, services, sessions
from portal.accounts.forms import EnableSecondFactorForm
from portal.accounts.sessions import recent_authentication_required
from portal.accounts.views.blueprint import bp
from portal.core.db import db
from portal.core.permissions import current_actor

# The key being set up waits in the (signed) session until the first code proves the phone has it, so
# reloading the page keeps the QR code already scanned and nothing half-set is stored.
PENDING_KEY = "second_factor_setup_key"


@bp.route("/compte/double-authentification", methods=["GET", "POST"], endpoint="second_factor")
@login_required
@recent_authentication_required()
def second_factor_page():
    user = current_actor()
    if user.has_second_factor:
        return render_template("accounts/second_factor.html",
                               recovery_codes_left=second_factor.remaining_recovery_codes(user))
    secret = session.setdefault(PENDING_KEY, second_factor.new_secret())
    form = EnableSecondFactorForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.enable(user, secret, form.code.data)
        except services.AccountError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            session.pop(PENDING_KEY, None)
            sessions.continue_with_new_token(user)
            return show_recovery_codes(codes, first_time=True)
    uri = second_factor.provisioning_uri(user, secret)
    return render_template("accounts/second_factor_setup.html", form=form, secret=second_factor.grouped(secret),
                           qr_code=second_factor.qr_code_data_uri(uri))


def show_recovery_codes(codes: list[str], first_time: bool):
    """Shown once, straight in the answer to the form: never stored in clear, never in a cookie."""
    download = "data:text/plain;charset=utf-8," + quote("Passerelle : codes de secours\n\n" + "\n".join(codes) + "\n")
    return render_template("accounts/recovery_codes.html", codes=codes, first_time=first_time, download=download)


@bp.route("/compte/double-authentification/codes-de-secours", methods=["POST"])
@login_required
@recent_authentication_required(return_to="accounts.second_factor")
def regenerate_recovery_codes():
    try:
        codes = second_factor.regenerate_recovery_codes(current_actor())
    except services.AccountError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.account"))
    db.session.commit()
    return show_recovery_codes(codes, first_time=False)


@bp.route("/compte/double-authentification/desactiver", methods=["POST"])
@login_required
@recent_authentication_required(return_to="accounts.second_factor")
def disable_second_factor():
    try:
        second_factor.disable(current_actor())
    except services.AccountError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.second_factor"))
    db.session.commit()
    flash("La double authentification est désactivée. Vous pouvez la réactiver à tout moment.", "success")
    return redirect(url_for("accounts.account"))
