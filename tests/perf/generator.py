"""A large network for the benchmarks, written with bulk Core inserts and kept between runs.

The network is built by *steps*, one per module (``tests/perf/steps/``), each registered with ``@step``
and run in order on one connection. A step reads what earlier steps made from ``World`` (ids of the
organisations, people, projects...) and adds its own; a new module adds a file with one step, nothing
else changes. Rows get explicit ids (so a step knows them without reading them back), and PostgreSQL's
sequences are moved past them at the end, so the portal's own inserts keep working.

The database is kept: a stamp table records the migration head, ``GENERATOR_VERSION``, the scale and the
steps. A rerun with the same stamp reuses the database as it is (seconds instead of minutes); anything
else empties it and builds it again. Bump ``GENERATOR_VERSION`` when a step writes different data.
"""

import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Connection, Table, inspect, text

from portal.core.db import db
from tests.support.database import empty_database

GENERATOR_VERSION = 3
STAMP_TABLE = "perf_generator_stamp"
CHUNK = 5_000

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scale:
    """How big the network is. ``big_*`` is the one project (and ledger) much larger than the rest."""

    name: str
    organisations: int
    users: int
    projects: int
    revisions_each: int
    milestones_each: int
    comments_each: int
    big_story: int  # revisions, milestones and comments of the largest project, each
    entries: int  # funding entries in all
    big_ledger: int  # of which the largest project holds
    rencontres: int
    comptes_rendus: int
    published_versions: int


FULL = Scale("full", organisations=300, users=3_000, projects=10_000, revisions_each=3, milestones_each=2,
             comments_each=2, big_story=500, entries=300_000, big_ledger=3_000, rencontres=1_000,
             comptes_rendus=2_000, published_versions=3_000)
QUICK = Scale("quick", organisations=40, users=400, projects=1_000, revisions_each=3, milestones_each=2,
              comments_each=2, big_story=500, entries=30_000, big_ledger=3_000, rencontres=100,
              comptes_rendus=200, published_versions=300)


@dataclass
class World:
    """What the steps made, for the steps after them and for the benchmarks."""

    scale: Scale
    rng: random.Random
    ids: dict[str, list[int]] = field(default_factory=dict)  # table name → ids written
    facts: dict[str, object] = field(default_factory=dict)  # named things: "coordinator", "big_project"...

    def next_ids(self, table: str, count: int) -> list[int]:
        """``count`` fresh ids for ``table``, following those already written."""
        known = self.ids.setdefault(table, [])
        start = known[-1] + 1 if known else 1
        made = list(range(start, start + count))
        known.extend(made)
        return made


@dataclass(frozen=True)
class Step:
    name: str
    order: int
    run: Callable[[Connection, World], None]


_steps: dict[str, Step] = {}


def step(name: str, order: int):
    """Register ``run(connection, world)`` as the step ``name`` (steps run by increasing ``order``)."""

    def register(run):
        _steps[name] = Step(name, order, run)
        return run

    return register


def registered_steps() -> list[Step]:
    import tests.perf.steps  # noqa: F401 (registers every module's step)

    return sorted(_steps.values(), key=lambda s: s.order)


def bulk_insert(connection: Connection, table: Table, rows: Iterable[dict]) -> int:
    """INSERT the rows in chunks (executemany): the fast path of both drivers."""
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            connection.execute(table.insert(), chunk)
            count, chunk = count + len(chunk), []
    if chunk:
        connection.execute(table.insert(), chunk)
        count += len(chunk)
    return count


# --- the stamp and the cache ----------------------------------------------------------------------

def migration_head(app: Flask) -> str:
    return ",".join(sorted(ScriptDirectory(app.extensions["migrate"].directory).get_heads()))


def stamp_of(app: Flask, scale: Scale) -> str:
    names = "+".join(s.name for s in registered_steps())
    return f"head={migration_head(app)};generator={GENERATOR_VERSION};scale={scale.name};steps={names}"


def read_stamp(connection: Connection) -> str | None:
    if not inspect(connection).has_table(STAMP_TABLE):
        return None
    return connection.execute(text(f"SELECT stamp FROM {STAMP_TABLE}")).scalar()


def write_stamp(connection: Connection, stamp: str, world: World) -> None:
    connection.execute(text(f"CREATE TABLE {STAMP_TABLE} (stamp TEXT NOT NULL, facts TEXT NOT NULL)"))
    import json

    connection.execute(text(f"INSERT INTO {STAMP_TABLE} (stamp, facts) VALUES (:stamp, :facts)"),
                       {"stamp": stamp, "facts": json.dumps(world.facts)})


def read_facts(connection: Connection) -> dict:
    import json

    return json.loads(connection.execute(text(f"SELECT facts FROM {STAMP_TABLE}")).scalar())


def sqlite_cache_path(directory: Path, app: Flask, scale: Scale) -> Path:
    """The SQLite file of this stamp: a new head or generator version is a new file."""
    import hashlib

    digest = hashlib.sha256(stamp_of(app, scale).encode()).hexdigest()[:12]
    return directory / f"network-{scale.name}-{digest}.sqlite"


def ensure_network(app: Flask, scale: Scale, say=print) -> dict:
    """The network of this scale in the app's database, built only when its stamp differs; its facts."""
    stamp = stamp_of(app, scale)
    with app.app_context():
        with db.engine.connect() as connection:
            found = read_stamp(connection)
            if found == stamp:
                say(f"Réutilise le réseau déjà généré ({scale.name}).")
                return read_facts(connection)
        db.engine.dispose()
        say(f"Génère le réseau ({scale.name}) : stamp {'absent' if found is None else 'différent'}.")
        empty_database(app.config["SQLALCHEMY_DATABASE_URI"])
        upgrade()
        world = World(scale, random.Random(2026))
        with db.engine.begin() as connection:
            for each in registered_steps():
                started = time.perf_counter()
                each.run(connection, world)
                say(f"  {each.name}: {time.perf_counter() - started:.1f} s")
            move_sequences(connection, world)
            write_stamp(connection, stamp, world)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
        db.engine.dispose()
        return world.facts


def move_sequences(connection: Connection, world: World) -> None:
    """PostgreSQL: each id sequence restarts after the ids the steps wrote."""
    if connection.dialect.name != "postgresql":
        return
    for table, ids in world.ids.items():
        if ids:
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {max(ids)})"))
