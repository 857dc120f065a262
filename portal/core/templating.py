"""Jinja filters and globals shared by every template."""

from flask import Flask, current_app, request
from flask_login import current_user

from portal.core import formatting


def _navigation():
    """(endpoint, label) of the main menu for the current user; modules add their entries here."""
    if not current_user.is_authenticated:
        return []
    items = [("dashboard.index", "Tableau de bord")]
    if current_user.can_invite():
        items.append(("admin.users", "Comptes"))
        items.append(("admin.organisations", "Organisations"))
    if current_user.can_manage_accounts():
        items.append(("journal.index", "Journal d'audit"))
    return items


def _is_current(endpoint: str) -> bool:
    return request.endpoint == endpoint or (request.endpoint or "").split(".")[0] == endpoint.split(".")[0]


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        moment=formatting.format_moment,
        day=formatting.format_day,
        money=formatting.format_cents,
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
