"""Funding ledger benchmarks (outside the default run): ``python -m pytest tests/perf -s``.

Targets (issue 4): the project's funding tab with 2,000 entries in under 40 ms (median, in process);
``verify-ledger`` over 300,000 entries in under 10 s; appending under 4 concurrent writers in under
10 ms per entry (median, SQLite). Each benchmark prints its figures, then checks its target.
"""

import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import insert

from portal import create_app
from portal.accounts.models import Organisation, OrganisationKind
from portal.core.db import db, write_intent
from portal.funding.chain import GENESIS_HASH, chain_hash
from portal.funding.models import LedgerEntry
from portal.funding.services.ledger import OPTIONAL_FIELDS
from portal.projects.services import pages
from tests.funding.conftest import world  # noqa: F401 (the fixture)
from tests.funding.test_concurrency import prepare, run_writers
from tests.support.database import drop_database, fresh_database_url, is_postgresql

ROOT = Path(__file__).resolve().parents[2]


def report(title: str, samples_ms: list[float]) -> float:
    samples = sorted(samples_ms)
    median = statistics.median(samples)
    print(f"\n{title}: median {median:.1f} ms, p90 {samples[int(len(samples) * 0.9)]:.1f} ms, "
          f"min {samples[0]:.1f} ms, max {samples[-1]:.1f} ms ({len(samples)} samples)")
    return median


def chained_rows(project_id: int, funder_ids: list[int], count: int, start: datetime) -> list[dict]:
    """``count`` demandes of one project, chained as the service chains them."""
    rows, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        fields = {**dict.fromkeys(OPTIONAL_FIELDS), "project_id": project_id, "seq": seq, "kind": "demande",
                  "funder_id": funder_ids[seq % len(funder_ids)], "fiscal_year": 2010 + seq % 15,
                  "event_date": date(2010 + seq % 15, 1 + seq % 12, 1 + seq % 28), "amount_cents": 1000 + seq,
                  "reference": f"Dossier {seq}", "recorded_at": start + timedelta(seconds=seq)}
        prev = chain_hash(prev, fields)
        rows.append({**fields, "prev_hash": rows[-1]["hash"] if rows else GENESIS_HASH, "hash": prev})
    return rows


# --- the tab ---------------------------------------------------------------------------------------------

def test_funding_tab_with_2000_entries(world, client, login):  # noqa: F811 (the fixture)
    rows = chained_rows(world.project.id, [world.caf.id, world.departement.id], 2000, datetime(2024, 1, 1, tzinfo=UTC))
    db.session.execute(insert(LedgerEntry), rows)
    db.session.flush()
    login(world.coordinator)
    url = f"/projets/{world.project.id}/financements"
    for _ in range(5):
        assert client.get(url).status_code == 200  # warm caches, templates, statements
    samples = []
    for _ in range(60):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    assert report("Funding tab, 2,000 entries (in process)", samples) < 40


# --- verify-ledger ----------------------------------------------------------------------------------------

@pytest.fixture
def big_ledger(tmp_path):
    """300,000 entries over 300 projects in a fresh database, committed."""
    url = fresh_database_url(tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k"})
    with app.app_context():
        upgrade()
        with write_intent():
            carrier = Organisation(name="Centre social", kind=OrganisationKind.CENTRE_SOCIAL)
            funders = [Organisation(name=f"Financeur {n}", kind=OrganisationKind.AUTRE) for n in range(4)]
            db.session.add_all([carrier, *funders])
            db.session.flush()
            started = time.perf_counter()
            for number in range(300):
                project = pages.create_project(None, pages.ProjectData(title=f"Action {number}",
                                                                       carrier_id=carrier.id))
                db.session.execute(insert(LedgerEntry), chained_rows(
                    project.id, [f.id for f in funders], 1000, datetime(2024, 1, 1, tzinfo=UTC)))
            db.session.commit()
            print(f"\n(300,000 entries written in {time.perf_counter() - started:.1f} s)")
        db.engine.dispose()
    yield url
    drop_database(url)


@pytest.mark.slow
def test_verify_ledger_over_300000_entries(big_ledger):
    env = {"PORTAL_DATABASE_URL": big_ledger, "PORTAL_SECRET_KEY": "k", "PATH": "/usr/bin:/bin"}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "portal", "verify-ledger"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    print(f"\nverify-ledger ({'PostgreSQL' if is_postgresql(big_ledger) else 'SQLite'}): {result.stdout.strip()} "
          f"— whole command, start-up included: {wall:.1f} s")
    assert result.stdout.startswith("300000 écriture(s) vérifiée(s)")
    assert wall < 10


# --- concurrent appends -------------------------------------------------------------------------------------

@pytest.mark.slow
def test_appending_under_four_concurrent_writers(tmp_path):
    url = fresh_database_url(tmp_path)
    try:
        project_id, funder_id = prepare(url)
        started = time.perf_counter()
        timings = run_writers(url, project_id, funder_id, writers=4, per_writer=100)
        wall = time.perf_counter() - started
    finally:
        drop_database(url)
    median = report(f"Append, 4 concurrent writers ({'PostgreSQL' if is_postgresql(url) else 'SQLite'}), "
                    "per entry, each in its own transaction", [t * 1000 for t in timings])
    print(f"  400 entries in {wall:.1f} s of wall time, process start-up included")
    if not is_postgresql(url):
        assert median < 10
