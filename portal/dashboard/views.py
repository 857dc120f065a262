"""The dashboard and the few pages that belong to no module (health check, accessibility statement)."""

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from portal.core.db import db
from portal.core.schema import migration_state
from portal.dashboard.sections import sections_for

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("accounts.login"))


@bp.route("/tableau-de-bord")
@login_required
def index():
    return render_template("dashboard/index.html", sections=sections_for(current_user))


@bp.route("/accessibilite")
def accessibility():
    """The accessibility statement (déclaration d'accessibilité, RGAA model): public, linked from every page."""
    return render_template("dashboard/accessibility.html")


@bp.route("/healthz")
def healthz():
    """For load balancers and monitoring: 503 only when the database cannot be reached.

    A schema that differs from the code's migrations answers 200 with ``status: "outdated"``: during a
    rolling upgrade every node is briefly out of step with the database, and a balancer that pulled
    them all would take the portal down. Monitoring alerts on "outdated" that lasts.
    """
    try:
        migration = migration_state(db.session.connection())
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok" if migration.current else "outdated", database="ok", migration=migration.as_dict())
