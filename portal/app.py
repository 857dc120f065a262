"""The application factory: a list of small register steps, none of which touches the database."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import load_config
from portal.core.db import db
from portal.core.errors import register_error_handlers
from portal.core.extensions import csrf, login_manager, migrate
from portal.core.logs import configure_logging, register_request_logging
from portal.core.security import register_security_headers
from portal.core.urls import BoundedIntegerConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_override: dict | None = None) -> Flask:
    app = Flask(
        "portal",
        instance_path=str(ROOT / "instance"),
        instance_relative_config=False,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, config_override)
    register_logging(app)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_proxy(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    configure_logging(app)
    register_request_logging(app)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)


def register_url_converters(app: Flask) -> None:
    """Before the routes: each ``<int:...>`` of theirs is bound to the converter registered then."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def register_blueprints(app: Flask) -> None:
    from portal.accounts import admin_views as accounts_admin
    from portal.accounts import views as accounts
    from portal.dashboard import views as dashboard
    from portal.funding import views as funding
    from portal.journal import views as journal
    from portal.meetings import views as meetings
    from portal.network import views as network
    from portal.projects import views as projects

    for module in (accounts, accounts_admin, dashboard, journal, projects, funding, meetings, network):
        app.register_blueprint(module.bp)


def register_template_helpers(app: Flask) -> None:
    from portal.core import templating

    templating.register(app)


def register_proxy(app: Flask) -> None:
    """Trust X-Forwarded-* only from as many proxies as configured (none by default)."""
    hops = int(app.config["PROXY_FIX_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)


def register_commands(app: Flask) -> None:
    from portal.cli import portal_group

    app.cli.add_command(portal_group)
