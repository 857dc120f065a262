"""Several processes append to one project's ledger at once: no entry lost, no fork, the chain holds.

Each process has its own app and connection on a fresh database of the engine under test (a SQLite
file, or a new PostgreSQL database), as gunicorn workers would; they start together on a barrier."""

import multiprocessing
import time
from datetime import date

import pytest
from flask_migrate import upgrade

from portal import create_app
from portal.accounts.models import Organisation, OrganisationKind
from portal.core.db import db, write_intent
from portal.funding.models import LedgerEntry
from portal.funding.rules import EntryKind
from portal.funding.services.ledger import NewEntry, record_entry
from portal.funding.services.verify import verify_ledgers
from portal.projects.models import Project
from portal.projects.services import pages
from tests.support.database import drop_database, fresh_database_url

WRITERS = 4
PER_WRITER = 25


def make_app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k", "SQLITE_BUSY_TIMEOUT_MS": 30_000})


def prepare(url: str) -> tuple[int, int]:
    """Schema, one project, one funder; returns their ids."""
    app = make_app(url)
    with app.app_context():
        upgrade()
        with write_intent():
            carrier = Organisation(name="Centre social de Belley", kind=OrganisationKind.CENTRE_SOCIAL)
            funder = Organisation(name="CAF de l'Ain", kind=OrganisationKind.CAF)
            db.session.add_all([carrier, funder])
            db.session.flush()
            project = pages.create_project(None, pages.ProjectData(title="Entracte", carrier_id=carrier.id))
            db.session.commit()
            ids = project.id, funder.id
        db.engine.dispose()
    return ids


def append_many(url: str, project_id: int, funder_id: int, writer: int, count: int, barrier, results) -> None:
    """One worker: ``count`` demandes, each in its own transaction, as a web request would."""
    app = make_app(url)
    timings = []
    with app.app_context():
        project, funder = db.session.get(Project, project_id), db.session.get(Organisation, funder_id)
        db.session.rollback()
        barrier.wait()
        for number in range(count):
            started = time.perf_counter()
            with write_intent():
                project = db.session.get(Project, project_id)
                record_entry(project, None, NewEntry(
                    kind=EntryKind.DEMANDE, fiscal_year=2024, event_date=date(2024, 1, 1),
                    amount_cents=writer * 100_000 + number + 1, funder=funder, reference=f"w{writer}-{number}"))
                db.session.commit()
            timings.append(time.perf_counter() - started)
        db.engine.dispose()
    results.put((writer, timings))


def run_writers(url: str, project_id: int, funder_id: int, writers: int, per_writer: int) -> list[float]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(writers), context.Queue()
    processes = [context.Process(target=append_many, args=(url, project_id, funder_id, writer, per_writer,
                                                           barrier, results)) for writer in range(writers)]
    for process in processes:
        process.start()
    timings = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return [t for _, worker_timings in timings for t in worker_timings]


@pytest.fixture
def database(tmp_path):
    url = fresh_database_url(tmp_path)
    yield url
    drop_database(url)


@pytest.mark.slow
def test_concurrent_appends_from_processes_never_fork_nor_lose_an_entry(database):
    project_id, funder_id = prepare(database)
    run_writers(database, project_id, funder_id, WRITERS, PER_WRITER)
    app = make_app(database)
    with app.app_context():
        rows = db.session.execute(db.select(LedgerEntry.seq, LedgerEntry.reference)
                                  .where(LedgerEntry.project_id == project_id).order_by(LedgerEntry.seq)).all()
        check = verify_ledgers()
        db.engine.dispose()
    total = WRITERS * PER_WRITER
    assert [row.seq for row in rows] == list(range(1, total + 1))
    assert {row.reference for row in rows} == {f"w{w}-{n}" for w in range(WRITERS) for n in range(PER_WRITER)}
    assert check.broken is None and check.checked == total
