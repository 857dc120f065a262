"""The ledger's figures (issue 4's targets) in the suite's run: ``portal verify-ledger`` over every entry of
the generated network (300,000 in the full network), and appends from four processes at once, each entry
in its own transaction, on a scratch database of the same engine (the generated one stays as cached)."""

import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from tests.funding.test_concurrency import prepare, run_writers

ROOT = Path(__file__).resolve().parents[2]
WRITERS, PER_WRITER = 4, 100


def verify_ledger(url: str, secret_key: str) -> tuple[float, str]:
    """Wall time of the whole command, start-up included, and what it printed."""
    env = {"PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": secret_key, "PATH": "/usr/bin:/bin"}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "portal", "verify-ledger"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"verify-ledger failed: {result.stderr.strip()}")
    return time.perf_counter() - started, result.stdout.strip()


def concurrent_appends(url: str) -> list[float]:
    """Seconds per append, from WRITERS processes appending to one project at once."""
    with _scratch_database(url) as scratch:
        project_id, funder_id = prepare(scratch)
        return run_writers(scratch, project_id, funder_id, writers=WRITERS, per_writer=PER_WRITER)


class _scratch_database:
    """A new empty database beside ``url``: a SQLite file, or a PostgreSQL database dropped afterwards."""

    def __init__(self, url: str):
        self.url, self.made = url, None

    def __enter__(self) -> str:
        if not self.url.startswith("postgresql"):
            self.folder = tempfile.TemporaryDirectory(prefix="passerelle-appends-")
            return f"sqlite:///{self.folder.name}/appends.sqlite"
        self.made = f"perf_appends_{uuid.uuid4().hex[:8]}"
        self._admin(f'CREATE DATABASE "{self.made}"')
        return make_url(self.url).set(database=self.made).render_as_string(hide_password=False)

    def __exit__(self, *exc) -> None:
        if self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{self.made}" WITH (FORCE)')
        else:
            self.folder.cleanup()

    def _admin(self, statement: str) -> None:
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()


def ledger_section(url: str, secret_key: str) -> str:
    wall, printed = verify_ledger(url, secret_key)
    appends = sorted(t * 1000 for t in concurrent_appends(url))
    p95 = appends[int(len(appends) * 0.95)]
    rows = [
        (f"`portal verify-ledger` sur tout le réseau ({printed.splitlines()[0] if printed else '?'})",
         f"{wall:.1f} s", "commande entière, démarrage compris"),
        (f"Ajout d'une écriture, {WRITERS} processus en même temps sur un projet ({len(appends)} écritures)",
         f"médiane {statistics.median(appends):.1f} ms, p95 {p95:.1f} ms, max {appends[-1]:.0f} ms",
         "chaque écriture dans sa transaction"),
    ]
    lines = ["\n## Registre des financements\n", "| mesure | valeur | note |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {note} |" for name, value, note in rows]
    return "\n".join(lines) + "\n"
