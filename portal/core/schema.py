"""Where the database's schema stands against the code's migrations (health check, restore)."""

import functools
from dataclasses import dataclass

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy.engine import Connection

from portal.core.logs import quieted


@dataclass(frozen=True)
class MigrationState:
    database: str | None  # revision(s) recorded in alembic_version; None for a database never migrated
    code: str  # head revision(s) of migrations/

    @property
    def current(self) -> bool:
        return self.database == self.code

    def as_dict(self) -> dict:
        return {"database": self.database, "code": self.code, "current": self.current}


@functools.cache
def _script_directory(directory: str) -> ScriptDirectory:
    # Read once per process: the code does not change under a running worker (a reload starts new ones).
    return ScriptDirectory(directory)


def _revisions(revisions) -> str | None:
    """One revision, or several joined by a comma while branches wait to be merged."""
    return ",".join(sorted(revisions)) or None


def script_directory() -> ScriptDirectory:
    return _script_directory(current_app.extensions["migrate"].directory)


def is_known_revision(revision: str) -> bool:
    """Whether this code has the migration(s): a backup made by a newer version has revisions it lacks."""
    try:
        return all(script_directory().get_revision(part) is not None for part in revision.split(","))
    except CommandError:
        return False


def migration_state(connection: Connection) -> MigrationState:
    with quieted("alembic.runtime.migration"):  # "Context impl…" on every health check otherwise
        database = MigrationContext.configure(connection).get_current_heads()
    return MigrationState(database=_revisions(database), code=_revisions(script_directory().get_heads()))
