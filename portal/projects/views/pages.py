"""A project's page, its creation and edit forms, and its history."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import Organisation
from portal.core.db import db
from portal.core.permissions import current_actor
from portal.core.text import fold
from portal.core.urls import request_int
from portal.projects.diffs import FIELD_LABELS, revision_changes
from portal.projects.forms import CommentForm, ProjectForm
from portal.projects.models import Project, Public, Revision, Theme, can_change_carrier, can_create_project
from portal.projects.services import comments, history, pages
from portal.projects.services.common import ProjectError
from portal.projects.timeline import TimelineCursor, build_timeline
from portal.projects.views import bp
from portal.projects.views.common import allowed, attempt, page_options, visible_project

# A revision's field → the form field it is typed in (for "changed meanwhile" messages).
FORM_FIELDS = {"carrier": "carrier_id"}
STALE_VALUE_MAX = 160


@bp.route("/<int:project_id>")
@login_required
def show(project_id: int):
    project = visible_project(project_id, *page_options())
    return render_project_page(project, CommentForm())


def render_project_page(project: Project, comment_form: CommentForm, status: int = 200):
    """The page, its timeline and its discussion (also re-shown when a comment is refused)."""
    items, older = build_timeline(project, current_user, TimelineCursor.decode(request.args.get("avant")))
    discussion = history.discussion(project, request.args.get("messages_avant", type=request_int))
    revision_count = db.session.scalar(db.select(func.count()).where(Revision.project_id == project.id))
    return render_template(
        "projects/show.html", project=project, timeline=items, timeline_older=older,
        timeline_paged="avant" in request.args, discussion=discussion, comment_form=comment_form,
        revision_count=revision_count,
        last_revision=pages.last_page_revision(project), edit_window=comments.edit_window(),
        field_labels=FIELD_LABELS,
    ), status


# --- creating and editing ------------------------------------------------------------------------------

class FormChoices:
    """What the project form chooses from, loaded once per request."""

    def __init__(self, carrier: Organisation | None):
        self.organisations = list(db.session.execute(db.select(Organisation).order_by(Organisation.name)).scalars())
        self.themes = sorted(db.session.execute(db.select(Theme)).scalars(), key=lambda row: fold(row.name))
        self.publics = sorted(db.session.execute(db.select(Public)).scalars(), key=lambda row: fold(row.name))
        # People who may not hand a project over to another organisation see only its carrier.
        self.carriers = None if can_change_carrier(current_user) else [carrier]

    def form(self) -> ProjectForm:
        return ProjectForm().setup(self.organisations, self.themes, self.publics, carrier_choices=self.carriers)

    def names(self) -> dict:
        return {"organisations": {row.id: row.name for row in self.organisations},
                "themes": {row.id: row.name for row in self.themes},
                "publics": {row.id: row.name for row in self.publics}}


def _wants_more_partner_rows(form: ProjectForm, organisations) -> bool:
    """The "add a partner line" button re-shows the form with one more line, saving nothing (works
    without JavaScript)."""
    if "ajouter_partenaire" not in request.form:
        return False
    form.add_partner_rows(organisations, 1)
    return True


@bp.route("/nouveau", methods=["GET", "POST"])
@login_required
def new():
    allowed(can_create_project(current_user))
    options = FormChoices(current_user.organisation)
    form = options.form()
    if request.method == "GET":
        form.carrier_id.data = current_user.organisation_id
        form.add_partner_rows(options.organisations, 1)
    if not _wants_more_partner_rows(form, options.organisations) and form.validate_on_submit():
        created = attempt(form, lambda: pages.create_project(current_actor(), form.to_data()))
        if created.ok:
            flash(f"Le projet « {created.result.title} » est créé.", "success")
            return redirect(url_for("projects.show", project_id=created.result.id))
    return render_template("projects/form.html", form=form, project=None)


@bp.route("/<int:project_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    project = visible_project(project_id, *page_options())
    allowed(project.can_edit(current_user))
    options = FormChoices(project.carrier)
    form = options.form()
    if request.method == "GET":
        form.fill_from(project, options.organisations)
    stale = None
    if not _wants_more_partner_rows(form, options.organisations) and form.validate_on_submit():
        try:
            revision = pages.update_project(current_actor(), project, form.to_data(), form.expected_version(),
                                            form.reason.data)
        except (pages.StaleEditError, StaleDataError) as error:
            stale = _stale_edit(project, form, options, error)
        except ProjectError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash("Modification enregistrée dans l'historique." if revision else "Aucun changement à enregistrer.",
                  "success" if revision else "info")
            return redirect(url_for("projects.show", project_id=project.id))
    return render_template("projects/form.html", form=form, project=project, stale=stale)


def _stale_edit(project: Project, form: ProjectForm, options: FormChoices, error) -> pages.StaleEditError:
    """Nothing is saved and nothing is lost: the fields the person left alone take the newer values, the
    ones both changed keep what the person typed and say who changed them and what they hold now, and
    the next save applies knowingly over the current version."""
    db.session.rollback()
    if not isinstance(error, pages.StaleEditError):  # the ORM's own check fired: rebuild the explanation
        error = pages.StaleEditError(project, pages.revisions_since(project, form.expected_version() or 0))
    conflicts, untouched = error.merge(pages.data_snapshot(form.to_data(), options.names()))
    form.fill_from(project, options.organisations, only={FORM_FIELDS.get(name, name) for name in untouched})
    for name in conflicts:
        revision, value = error.changed[name]
        who = revision.author.full_name if revision.author else "quelqu'un"
        form.add_error(FORM_FIELDS.get(name, name),
                       f"Modifié entre-temps par {who} ; valeur actuelle : « {_short(value)} ».")
    return error


def _short(value) -> str:
    text = ", ".join(value) if isinstance(value, list) else str(value or "")
    if not text:
        return "(vide)"
    return text if len(text) <= STALE_VALUE_MAX else text[:STALE_VALUE_MAX].rstrip() + "…"


# --- history ---------------------------------------------------------------------------------------------

@bp.route("/<int:project_id>/historique")
@login_required
def history_page(project_id: int):
    project = visible_project(project_id)
    page = history.history_page(project, request.args.get("avant", type=request_int))
    entries = [(revision, revision_changes(revision)) for revision in page.items]
    return render_template("projects/history.html", project=project, entries=entries, older=page.older,
                           paged="avant" in request.args)
