"""Jinja filters and globals shared by every template."""

import functools
import hashlib
import os

from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import safe_join

from portal.core import formatting
from portal.core.markdown import render_markdown

PUBLIC_FUNDER_KINDS = frozenset({"caf", "departement", "commune", "etat"})


def _navigation():
    """(endpoint, label) of the main menu for the current user, worked out once per request: the layout
    asks for it once per entry (``is_current``), and each look at ``current_user`` goes through its proxy."""
    user = current_user._get_current_object()
    if not has_request_context():
        return _menu_for(user)
    cached = g.get("navigation")
    if cached is None or cached[0] is not user:  # a login or logout within the request: a new menu
        g.navigation = cached = (user, _menu_for(user))
    return cached[1]


def _menu_for(user):
    """Modules add their entries here."""
    if not user.is_authenticated:
        return []
    items = [("dashboard.index", "Tableau de bord"), ("projects.index", "Projets"), ("projects.panorama", "Panorama"),
             ("meetings.index", "Rencontres")]
    if user.is_coordinator or user.organisation.kind in PUBLIC_FUNDER_KINDS:
        # The network's funding page (other funders reach it from their dashboard; the page decides).
        items.append(("funding.network_page", "Financements"))
    if user.can_invite():
        items.append(("admin.users", "Comptes"))
        items.append(("admin.organisations", "Organisations"))
    if user.can_manage_accounts():
        items.append(("journal.index", "Journal d'audit"))
        items.append(("network.identity", "Réseau"))
    return items


def _is_current(endpoint: str) -> bool:
    """The menu entry of this page; on a page not in the menu, the first entry of the same blueprint
    (a project page highlights "Projets", not also "Panorama")."""
    current = request.endpoint or ""
    if current == endpoint:
        return True
    menu = [item for item, _ in _navigation()]
    if current in menu:
        return False
    blueprint = current.split(".")[0]
    same_blueprint = [item for item in menu if item.split(".")[0] == blueprint]
    return bool(same_blueprint) and same_blueprint[0] == endpoint


@functools.lru_cache(maxsize=256)
def _fingerprint(path: str, modified_ns: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def _version_static_urls(endpoint: str, values: dict) -> None:
    """``/static/css/portal.css?v=<hash of its content>``: nginx can let browsers keep static files for
    a long time, and a new version of a file gets a new URL the moment the workers reload."""
    if endpoint != "static" or "filename" not in values:
        return
    path = safe_join(current_app.static_folder, values["filename"])
    if path and os.path.isfile(path):
        values.setdefault("v", _fingerprint(path, os.stat(path).st_mtime_ns))


def _network_name() -> str:
    """The name an admin set (``portal.network`` registers the provider), read once per request; else, and
    outside requests (a template rendered by a command or a render thread, which must not touch the
    request's database session), the configured one. An error page shown because the database is down
    still renders, with the configured name."""
    provider = current_app.extensions.get("portal.network_name")
    if provider is None or not has_request_context():
        return current_app.config["NETWORK_NAME"]
    if "network_name" not in g:
        try:
            g.network_name = provider()
        except SQLAlchemyError:
            g.network_name = current_app.config["NETWORK_NAME"]
    return g.network_name


def register(app: Flask) -> None:
    app.url_defaults(_version_static_urls)
    app.jinja_env.filters.update(
        moment=formatting.format_moment,
        day=formatting.format_day,
        money=formatting.format_cents,
        count_of=formatting.format_count,
        markdown=render_markdown,
    )
    app.jinja_env.globals.update(navigation=_navigation, is_current=_is_current)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _network():
        config = current_app.config
        return {"network_name": _network_name(), "contact_email": config["CONTACT_EMAIL"]}

    @app.after_request
    def _no_store_private_pages(response):
        # Pages seen logged in hold partners' data: never kept by a shared browser or proxy cache.
        if current_user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response
