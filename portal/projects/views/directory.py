"""The directory of projects (filters kept in the URL, GET form) and the network overview."""

from flask import render_template, request
from flask_login import current_user, login_required

from portal.core.urls import request_int
from portal.projects.forms import DirectoryForm
from portal.projects.models import can_create_project, can_manage_taxonomy
from portal.projects.services import directory
from portal.projects.services.directory import DirectoryFilters
from portal.projects.views import bp


def _filters(form: DirectoryForm) -> DirectoryFilters:
    """What the URL asks for; a value that does not validate (a year of 3 digits...) is left out."""
    form.validate()

    def valid(field):
        return None if field.errors else field.data

    return DirectoryFilters(
        words=valid(form.mots) or "", theme_id=valid(form.theme), public_id=valid(form.public),
        territory=valid(form.territoire) or None, commune=valid(form.commune) or None,
        organisation_id=valid(form.organisation), status=valid(form.etat) or None, year=valid(form.annee),
    )


@bp.route("")
@login_required
def index():
    form = DirectoryForm(formdata=request.args).setup(directory.filter_options(current_user))
    filters = _filters(form)
    page = directory.directory_page(current_user, filters, after=request.args.get("apres", type=request_int),
                                    before=request.args.get("avant", type=request_int))
    query_args = {key: value for key, value in request.args.items() if key not in ("apres", "avant") and value}
    return render_template("projects/directory.html", form=form, filters=filters, page=page,
                           query_args=query_args, can_create=can_create_project(current_user),
                           can_manage_lists=can_manage_taxonomy(current_user))


@bp.route("/panorama")
@login_required
def panorama():
    year = request.args.get("annee", type=request_int)
    year = year if year and 1900 <= year <= 2100 else None
    return render_template("projects/panorama.html", tables=directory.panorama(current_user, year), year=year,
                           territories=directory.TERRITORY_COLUMNS)
