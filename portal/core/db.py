"""The database layer: declarative base with a constraint naming convention, UTC times, SQLite setup."""

import contextlib
import contextvars
import sqlite3
from datetime import UTC, datetime

from flask import current_app, has_app_context, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every engine (SQLite keeps no time zone, so it is stored naive in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- SQLite -------------------------------------------------------------------------------------
# pysqlite opens transactions lazily and cannot nest savepoints; we let SQLAlchemy emit BEGIN itself.
# A transaction that will write starts with BEGIN IMMEDIATE: it waits for the write lock (busy
# timeout) instead of failing on a lock upgrade when another process wrote in between.

_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@contextlib.contextmanager
def write_intent():
    """Transactions begun inside this block take SQLite's write lock at once (no effect elsewhere)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def _expects_writes() -> bool:
    if _write_intent.get():
        return True
    return has_request_context() and request.method not in SAFE_METHODS


@event.listens_for(Engine, "connect")
def _configure_sqlite_connection(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    busy_timeout = current_app.config["SQLITE_BUSY_TIMEOUT_MS"] if has_app_context() else 10_000
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite_transaction(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _expects_writes() else "BEGIN")


def insert_if_missing(model, **values) -> None:
    """INSERT ... ON CONFLICT DO NOTHING, so concurrent workers creating one row never collide."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(model).values(**values).on_conflict_do_nothing())


# --- schema objects the models do not describe ----------------------------------------------------
# Some objects are created by migrations with dialect-specific SQL (SQLite FTS5 tables and their shadow
# tables, PostgreSQL expression indexes). The models cannot describe them, so autogenerate and the
# models-versus-migrations test must not see them as strays. Modules register their names here.
UNMANAGED_TABLE_PREFIXES: set[str] = set()
UNMANAGED_INDEXES: set[str] = set()


def include_schema_name(name: str | None, type_: str, parent_names) -> bool:
    """Alembic ``include_name`` hook: skip what migrations create outside the models."""
    if not name:
        return True
    if type_ == "table":
        return not name.startswith(tuple(UNMANAGED_TABLE_PREFIXES))
    if type_ == "index":
        return name not in UNMANAGED_INDEXES
    return True


def refuse_changes(model: type, error: type[Exception], *, changed: str, deleted: str, bulk: str) -> None:
    """The ORM half of an append-only table (the database's triggers are the other): flushing a changed or
    deleted ``model`` row, or a bulk UPDATE/DELETE on it (which bypasses the flush), raises ``error``."""

    @event.listens_for(Session, "before_flush")
    def _refuse_flushed_changes(session: Session, flush_context, instances) -> None:
        if any(isinstance(row, model) for row in session.deleted):
            raise error(deleted)
        if any(isinstance(row, model) and session.is_modified(row, include_collections=False)
               for row in session.dirty):
            raise error(changed)

    @event.listens_for(Session, "do_orm_execute")
    def _refuse_bulk_changes(state) -> None:
        if (state.is_update or state.is_delete) and any(mapper.class_ is model for mapper in state.all_mappers):
            raise error(bulk)
