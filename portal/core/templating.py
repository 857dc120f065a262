"""Jinja filters and globals shared by every template."""

from flask import Flask, current_app, request
from flask_login import current_user

from portal.core import formatting
from portal.core.markdown import render_markdown


def _navigation():
    """(endpoint, label) of the main menu for the current user; modules add their entries here."""
    if not current_user.is_authenticated:
        return []
    items = [("dashboard.index", "Tableau de bord"), ("projects.index", "Projets"), ("projects.panorama", "Panorama")]
    if current_user.can_invite():
        items.append(("admin.users", "Comptes"))
        items.append(("admin.organisations", "Organisations"))
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


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        moment=formatting.format_moment,
        day=formatting.format_day,
        money=formatting.format_cents,
        markdown=render_markdown,
    )
    app.jinja_env.globals.update(navigation=_navigation, is_current=_is_current)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _network():
        return {"network_name": current_app.config["NETWORK_NAME"]}

    @app.after_request
    def _no_store_private_pages(response):
        # Pages seen logged in hold partners' data: never kept by a shared browser or proxy cache.
        if current_user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response
