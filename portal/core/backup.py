"""Consistent backups of a portal that keeps serving, and restores into an empty database.

- SQLite: the online backup API copies the whole database in one step, inside one read transaction.
  In WAL mode writers go on meanwhile; the copy is the database as of that transaction's start. (Copying
  in several steps would restart from the beginning after every write of another connection, so a
  busy portal would never finish.)
- PostgreSQL: ``pg_dump --format=custom`` reads every table in one repeatable-read snapshot.

Either way the file holds whole transactions only. It is written beside its final name, readable by
its owner only (it holds password hashes and personal data), and renamed into place once complete: an
interrupted backup never leaves a truncated file under the expected name.

A restore never overwrites data: the target database must be empty. Restoring over a live database
would either mix two states or throw away what was written since the backup; the safe way is a new
database, restored, checked, then pointed at by ``PORTAL_DATABASE_URL``, the old one kept until then.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from psycopg.conninfo import make_conninfo
from sqlalchemy import inspect
from sqlalchemy.engine import URL, Engine

from portal.core.schema import migration_state

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """The backup or restore cannot be done; ``message`` tells the operator why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BackupReport:
    path: Path
    engine: str
    size: int
    revision: str | None

    @property
    def size_label(self) -> str:
        if self.size < 100_000:
            return f"{self.size / 1000:.0f} ko"
        return f"{self.size / 1_000_000:.1f} Mo".replace(".", ",")


# --- backup ----------------------------------------------------------------------------------------

def backup(engine: Engine, path: Path) -> BackupReport:
    """Write a consistent copy of the database behind ``engine`` to ``path`` (replaced atomically)."""
    path = Path(path).resolve()
    if not path.parent.is_dir():
        raise BackupError(f"Le dossier {path.parent} n'existe pas.")
    partial = path.with_name(f".{path.name}.partielle-{os.getpid()}")
    _create_private_file(partial)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(_sqlite_path(engine.url), partial)
        else:
            _pg_dump(engine, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(path, ENGINE_LABELS[engine.dialect.name], path.stat().st_size, _backup_revision(engine))


def _create_private_file(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _sqlite_path(url: URL) -> Path:
    if url.database in (None, "", ":memory:"):
        raise BackupError("La base est en mémoire : il n'y a rien à sauvegarder ni à restaurer.")
    return Path(url.database)


def _sqlite_backup(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)  # pages=-1: everything in one step, one read transaction
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file, no -wal beside it
        verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        raise BackupError(f"La copie de la base est endommagée ({verdict}) : la sauvegarde est abandonnée.")


def _pg_dump(engine: Engine, target: Path) -> None:
    program = _pg_program("pg_dump")
    _check_client_version(program, engine)
    # The lock wait bounds how long the dump queues behind a migration holding an exclusive lock.
    _run([program, "--format=custom", "--lock-wait-timeout=120s", f"--file={target}",
          f"--dbname={_conninfo(engine.url)}"], engine.url)


def _backup_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return migration_state(connection).database


# --- restore ---------------------------------------------------------------------------------------

def restore(engine: Engine, path: Path) -> str:
    """Restore ``path`` into the empty database behind ``engine``; return the engine's name."""
    _check_backup_kind(Path(path), engine.dialect.name)
    _check_empty(engine)
    if engine.dialect.name == "sqlite":
        target = _sqlite_path(engine.url)
        engine.dispose()
        _sqlite_restore(Path(path), target)
    else:
        _pg_restore(engine, Path(path))
    engine.dispose()  # pooled connections opened before the restore must not serve stale pages
    return ENGINE_LABELS[engine.dialect.name]


def _check_backup_kind(path: Path, dialect: str) -> None:
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    kind = "sqlite" if header == SQLITE_HEADER else "postgresql" if header.startswith(PG_DUMP_HEADER) else None
    if kind is None:
        raise BackupError(f"{path} n'est pas une sauvegarde de Passerelle (ni une base SQLite, ni un fichier "
                          "de pg_dump au format custom).")
    if kind != dialect:
        raise BackupError(f"Cette sauvegarde vient d'une base {ENGINE_LABELS[kind]} : elle se restaure dans "
                          f"une base {ENGINE_LABELS[kind]}, pas {ENGINE_LABELS[dialect]}. Pour changer de "
                          "moteur, exportez le réseau (portal export-network).")


def _check_empty(engine: Engine) -> None:
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
    if tables:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise BackupError(
            f"La base cible n'est pas vide ({len(tables)} tables : {shown}). Une restauration ne remplace "
            "jamais des données : créez une base vide et pointez PORTAL_DATABASE_URL dessus.")


def _sqlite_restore(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src, \
            closing(sqlite3.connect(target, timeout=30)) as dst:
        src.backup(dst)


def _pg_restore(engine: Engine, path: Path) -> None:
    # One transaction: a restore that fails half-way leaves the database empty, as it was.
    # No owner and no privileges: the objects belong to the role the portal connects with.
    _run([_pg_program("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
          f"--dbname={_conninfo(engine.url)}", str(path)], engine.url)


# --- PostgreSQL client programs --------------------------------------------------------------------

def _pg_program(name: str) -> str:
    folder = current_app.config.get("PG_BINDIR")
    program = shutil.which(name, path=folder) if folder else shutil.which(name)
    if program is None:
        where = f"dans {folder} (PORTAL_PG_BINDIR)" if folder else "sur le PATH"
        raise BackupError(f"{name} est introuvable {where} : installez le paquet postgresql-client de la "
                          "version du serveur, ou indiquez son dossier dans PORTAL_PG_BINDIR.")
    return program


def _check_client_version(program: str, engine: Engine) -> None:
    """pg_dump refuses a server newer than itself: say so plainly, before it starts."""
    output = _run([program, "--version"])
    client = int(re.search(r"\(PostgreSQL\)\s+(\d+)", output).group(1))  # "pg_dump (PostgreSQL) 15.20 ..."
    with engine.connect() as connection:
        server = connection.dialect.server_version_info[0]
    if client < server:
        raise BackupError(f"{program} est de la version {client} et le serveur de la version {server} : "
                          f"installez postgresql-client-{server}, ou indiquez son dossier dans PORTAL_PG_BINDIR.")


def _conninfo(url: URL) -> str:
    """libpq connection string for the URL; the password travels in PGPASSWORD, never on the command line."""
    params = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database, **url.query}
    return make_conninfo(**{key: value for key, value in params.items() if value is not None})


def _run(command: list[str], url: URL | None = None) -> str:
    """Run a PostgreSQL client program (found by _pg_program, arguments built here); return its output."""
    env = dict(os.environ)
    if url is not None and url.password:
        env["PGPASSWORD"] = url.password
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        program = Path(command[0]).name
        raise BackupError(f"{program} a échoué (code {result.returncode}) : {result.stderr.strip()}")
    return result.stdout
