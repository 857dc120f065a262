"""Configuration in three layers: class defaults, ``PORTAL_*`` environment variables, test overrides.

Environment variables drop their ``PORTAL_`` prefix (``PORTAL_MAIL_SERVER`` becomes ``MAIL_SERVER``);
``PORTAL_DATABASE_URL`` is the one alias, for ``SQLALCHEMY_DATABASE_URI``.
"""

import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask


class DefaultConfig:
    ENV = "development"
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # None: a SQLite file under instance/
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 10_000

    # Mail: with no MAIL_SERVER, messages are written to the log so a newcomer sees the links.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False  # STARTTLS
    MAIL_USE_SSL = False
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = "Passerelle <ne-pas-repondre@passerelle.example>"

    NETWORK_NAME = "Fédération départementale des Centres Sociaux de l'Ain"
    # Where people write about the portal (accessibility statement, error pages).
    CONTACT_EMAIL = "coordination@passerelle.example"

    SESSION_COOKIE_NAME = "passerelle_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # Session lifetimes in seconds (OWASP ASVS 3.3): a session ends after SESSION_IDLE_TIMEOUT without
    # a request, and SESSION_ABSOLUTE_LIFETIME after login whatever happens. The cookie's own lifetime
    # (PERMANENT_SESSION_LIFETIME) is derived from the absolute one.
    SESSION_IDLE_TIMEOUT = 2 * 3600
    SESSION_ABSOLUTE_LIFETIME = 12 * 3600
    # Changing one's e-mail, password or second factor needs a login or a password typed this recently.
    REAUTHENTICATION_WINDOW = 10 * 60
    # Between the password and the one-time code of a two-step login.
    SECOND_FACTOR_STEP_TIMEOUT = 5 * 60
    WTF_I18N_ENABLED = False  # WTForms' own French messages (BaseForm.Meta.locales), no Flask-Babel needed
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a long form filled in a morning still posts
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    PASSWORD_RESET_MAX_AGE = 3600
    INVITATION_VALID_DAYS = 7
    EMAIL_CHANGE_MAX_AGE = 24 * 3600
    # Login throttle: (failures allowed, window and lock in seconds), per account and per address.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    LOGIN_THROTTLE_WINDOW = 15 * 60

    COMMENT_EDIT_MINUTES = 30  # how long the author of a comment may still correct it

    PROXY_FIX_HOPS = 0  # number of trusted reverse proxies in front of the portal
    # Host names the portal answers to (Flask refuses others with 400); None: any. Set it in production,
    # so a forged Host header never reaches the links written into mails.
    TRUSTED_HOSTS: list[str] | None = None

    LOG_FORMAT = "text"  # "json" (one object a line, for journald and log shippers) or "text"
    LOG_LEVEL = "INFO"

    # Folder of pg_dump and pg_restore for `portal backup` / `restore` (None: found on the PATH).
    PG_BINDIR: str | None = None

    # PDF rendering (portal.pdf): each render runs in its own process, killed past these limits.
    PDF_RENDER_TIMEOUT = 120  # seconds; keep it below the web server's own worker timeout
    PDF_RENDER_MAX_MEMORY_MB = 2048  # address space of one render process (0: no ceiling)
    PDF_MAX_INPUT_BYTES = 8 * 1024 * 1024  # HTML plus attachments handed to one render
    PDF_MAX_IMAGE_BYTES = 10 * 1024 * 1024  # one stored image placed in a PDF
    PDF_MAX_PAGES = 400


class ProductionConfig(DefaultConfig):
    ENV = "production"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    LOG_FORMAT = "json"


REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "DATABASE_URL", "MAIL_SERVER")


class ConfigurationError(RuntimeError):
    """The portal cannot start with this configuration."""


def load_config(app: Flask, override: dict | None = None) -> None:
    """Fill ``app.config`` from the three layers, then derive what depends on them."""
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env("PORTAL")
    if app.config["ENV"] == "production":
        app.config.from_object(ProductionConfig)
        app.config.from_prefixed_env("PORTAL")
    if override:
        app.config.from_mapping(override)
    _check_production(app)
    _set_database_uri(app)
    _set_engine_options(app)
    _check_production_engine(app)
    _check_log_format(app)
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=int(app.config["SESSION_ABSOLUTE_LIFETIME"]))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def _check_production(app: Flask) -> None:
    if app.config["ENV"] != "production":
        return
    missing = [f"PORTAL_{key}" for key in REQUIRED_IN_PRODUCTION if not app.config.get(key)]
    if missing:
        raise ConfigurationError(f"PORTAL_ENV=production requires {', '.join(missing)}")


def _check_production_engine(app: Flask) -> None:
    """Production runs on PostgreSQL: several workers on several hosts share it, and backups use pg_dump."""
    if app.config["ENV"] == "production" and app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        raise ConfigurationError(
            "PORTAL_ENV=production requires a PostgreSQL database (PORTAL_DATABASE_URL=postgresql://...); "
            "SQLite is for development and demonstrations only"
        )


LOG_FORMATS = ("json", "text")


def _check_log_format(app: Flask) -> None:
    if app.config["LOG_FORMAT"] not in LOG_FORMATS:
        raise ConfigurationError(f"PORTAL_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")


def _set_database_uri(app: Flask) -> None:
    if app.config.get("SQLALCHEMY_DATABASE_URI"):
        return
    url = app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'passerelle.db'}"
    # Plain postgresql:// URLs would pick psycopg2, which is not a dependency.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = url


def _set_engine_options(app: Flask) -> None:
    """A SQLite file does not drop its connections as a server does: the pre-ping (one more statement
    each time a request takes its connection from the pool) only matters for PostgreSQL."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.pop("pool_pre_ping", None)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _instance_secret_key(instance_path: Path) -> str:
    """Development only: a key generated once and kept under instance/, never in the repository."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_hex(32))
    return key_file.read_text().strip()
