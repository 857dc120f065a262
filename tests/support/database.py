"""Test databases: SQLite files by default, PostgreSQL when PORTAL_TEST_DATABASE_URL is set."""

import os
import uuid
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

TEST_DATABASE_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")


def is_postgresql(url: str | None = TEST_DATABASE_URL) -> bool:
    return bool(url) and url.startswith("postgresql")


def empty_database(url: str) -> None:
    """Drop everything in the database so the migrations build it from nothing."""
    if not is_postgresql(url):
        path = make_url(url).database
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def fresh_database_url(tmp_dir: Path) -> str:
    """A new, empty database of the engine under test, for tests that need real commits
    (several processes, a served portal): a SQLite file, or a new PostgreSQL database."""
    if not is_postgresql():
        return f"sqlite:///{tmp_dir / f'db-{uuid.uuid4().hex[:8]}.sqlite'}"
    name = f"portal_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if not is_postgresql(url):
        return empty_database(url)
    name = make_url(url).database
    engine = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
