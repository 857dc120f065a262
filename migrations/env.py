"""Alembic environment: the portal's metadata, batch mode for SQLite (set by Flask-Migrate)."""

import contextlib
import logging

from alembic import context
from flask import current_app

import portal.models  # noqa: F401  (registers every table on the metadata)

config = context.config
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_metadata():
    return current_app.extensions["migrate"].db.metadata


config.set_main_option("sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%"))


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=get_metadata(),
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # An autogenerate run that finds no change writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    with get_engine().connect() as connection, _sqlite_foreign_keys_off(connection):
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
        with context.begin_transaction():
            context.run_migrations()
            _check_foreign_keys(connection)


@contextlib.contextmanager
def _sqlite_foreign_keys_off(connection):
    """SQLite batch migrations rebuild a table by copy, drop and rename. With foreign keys on, dropping
    the old table would act on every row referencing it (SET NULL, CASCADE, or a refusal) and lose
    or break data of a portal that has some. SQLite's own advice: keys off while the schema changes,
    then check them (``_check_foreign_keys``). The pragma only works outside a transaction, so it is
    set on the driver's connection before Alembic begins one. Setting it back would be ignored if a
    transaction is still open at the end, so the connection is discarded instead of going back to the
    pool: the next one is opened with foreign keys on, like every connection (portal.core.db)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        connection.invalidate()


def _check_foreign_keys(connection):
    """Refuse (and roll back) a migration that leaves a row pointing at nothing."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"la migration laisse des références cassées : {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
