"""The admin page of the network's name and logo, and the logo itself (served from the database)."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from portal.core.db import db
from portal.core.permissions import admin_required, current_actor
from portal.network import portability, services  # noqa: F401  (portability: its part of network exports)
from portal.network.forms import IdentityForm

bp = Blueprint("network", __name__, url_prefix="/reseau")


@bp.record_once
def _provide_network_name(state) -> None:
    state.app.extensions["portal.network_name"] = lambda: services.identity().name


@bp.route("/identite", methods=["GET", "POST"])
@admin_required
def identity():
    current = services.identity()
    form = IdentityForm()
    if request.method == "GET":
        form.name.data = current.name
    if form.validate_on_submit():
        upload = form.logo.data
        data = upload.read() if upload else None
        try:
            services.update_identity(current_actor(), form.name.data, logo=data or None,
                                     remove_logo=form.remove_logo.data)
        except services.LogoError as error:
            db.session.rollback()
            form.add_error("logo", error.message)
        else:
            db.session.commit()
            flash("Identité du réseau enregistrée.", "success")
            return redirect(url_for("network.identity"))
    return render_template("network/identity.html", form=form, identity=current)


@bp.route("/logo")
def logo():
    """Public: the logo is on the first page of public comptes rendus, read without an account."""
    stored = services.logo()
    if stored is None:
        abort(404)
    data, mime_type, sha256 = stored
    headers = {"ETag": f'"{sha256}"', "Cache-Control": "public, max-age=300"}
    if request.if_none_match.contains(sha256):
        return Response(status=304, headers=headers)
    return Response(data, mimetype=mime_type, headers=headers)
