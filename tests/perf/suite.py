"""The benchmark suite at network scale, in one command (outside the default test run)::

    .venv/bin/python -m tests.perf [--quick] [--database URL] [--out FILE] [--no-load]

1. builds the network (``tests/perf/generator.py``: 300 organisations, 3,000 people, 10,000 projects,
   300,000 funding entries...) in the database given, or in a SQLite file under ``test-output/perf/``,
   and keeps it: a rerun with the same migrations and generator reuses it;
2. times the main pages in process (``pages.py``): median and 95th percentile over warm runs, and the
   SQL statements of one request;
3. serves the portal with gunicorn (2 sync workers) on loopback and loads it for a bounded time
   (``load.py``), beside a minimal Flask page served the same way: the floor of the stack;
4. the ledger's figures (``ledger.py``: verify-ledger over every generated entry, four processes appending
   at once) and the comptes rendus' PDF figures (``meetings_bench.py``: publish vs WeasyPrint alone,
   download vs render, the 150-page report, memory after 20 publishes; quick: fewer, no long report);
5. prints one Markdown table and writes it (``--out``, by default ``test-output/perf/perf-<engine>.md``).

``--quick``: a network ten times smaller, fewer runs, shorter load: under two minutes once generated.
Timings depend on the machine and its load: the table says which machine ran it.
"""

import argparse
import logging
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import make_url

from portal import create_app
from portal.accounts import passwords
from tests.perf import generator, pages

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "perf"
SECRET_KEY = "perf-benchmark-secret-key"


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.perf", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller network, fewer runs (under two minutes)")
    parser.add_argument("--database", help="SQLAlchemy URL (PostgreSQL); default: a SQLite file under "
                                           "test-output/perf/")
    parser.add_argument("--out", type=Path, help="Markdown file written (default test-output/perf/perf-<engine>.md)")
    parser.add_argument("--runs", type=int, help="timed runs per page (default 20, quick 10)")
    parser.add_argument("--only", help="time only the pages whose name holds this text")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load run")
    parser.add_argument("--no-ledger", action="store_true", help="skip verify-ledger and the concurrent appends")
    parser.add_argument("--no-pdf", action="store_true", help="skip the comptes rendus' PDF figures")
    parser.add_argument("--load-seconds", type=float, help="seconds per load round (default 8, quick 3)")
    return parser.parse_args(argv)


def database_url(options, scale: generator.Scale) -> str:
    if options.database:
        url = options.database
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    # The file's name carries the stamp, so a new migration or generator version starts a new file.
    probe = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": SECRET_KEY})
    path = generator.sqlite_cache_path(OUTPUT / "cache", probe, scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f"network-{scale.name}-*.sqlite*"):  # other stamps: never used again
        if not stale.name.startswith(path.name):
            stale.unlink()
    return f"sqlite:///{path}"


def engine_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def machine() -> str:
    cpus = os.cpu_count()
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{model}, {cpus} CPU, Python {platform.python_version()}, load average {load} at start"


def main(argv=None) -> None:
    options = parse(argv)
    started = time.perf_counter()
    scale = generator.QUICK if options.quick else generator.FULL
    runs = options.runs or (10 if options.quick else 20)
    warmups = 2 if options.quick else 3
    OUTPUT.mkdir(parents=True, exist_ok=True)
    # The portal's request lines go to a file, as they would go to the journal.
    logging.basicConfig(filename=OUTPUT / "portal.log", level=logging.INFO)
    passwords.use_hasher(passwords.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    url = database_url(options, scale)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    print(f"Base : {make_url(url).render_as_string(hide_password=True)}")
    facts = generator.ensure_network(app, scale)
    generated = time.perf_counter() - started
    timings = pages.measure_pages(app, facts, warmups, runs, options.only)
    report = [
        f"# Performance — {engine_name(url)}, réseau « {scale.name} »\n",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine : {machine()}. "
        f"Réseau : {describe(scale, facts)}. Pages mesurées dans le processus : médiane et 95e centile sur "
        f"{runs} requêtes après {warmups} d'échauffement ; requêtes SQL d'une requête.\n",
        pages.pages_table(timings),
    ]
    if not options.no_load:
        from tests.perf import load

        seconds = options.load_seconds or (3 if options.quick else 8)
        report.append(load.load_section(app, url, SECRET_KEY, facts, seconds, OUTPUT))
    if not options.no_ledger:
        from tests.perf import ledger

        report.append(ledger.ledger_section(url, SECRET_KEY))
    if not options.no_pdf:
        report.append(pdf_section(options.quick))
    report.append(f"\nDurée totale : {time.perf_counter() - started:.0f} s (dont préparation du réseau "
                  f"{generated:.0f} s).\n")
    text = "\n".join(report)
    print(text)
    out = options.out or OUTPUT / f"perf-{engine_name(url).lower()}{'-quick' if options.quick else ''}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"Écrit dans {out}")


def pdf_section(quick: bool) -> str:
    """Issue 5's figures, measured on a scratch SQLite file whatever the engine under test: what they
    compare (rendering, storing one row of bytes, serving them) hardly depends on the engine, and the
    download page's figure on the generated network is in the pages table above."""
    from tests.perf import meetings_bench

    options = meetings_bench.parse(["--runs", "3", "--publishes", "5", "--pages", "0", "--downloads", "50"]
                                   if quick else [])
    return "\n## Comptes rendus en PDF\n\n" + meetings_bench.run(options)


def describe(scale: generator.Scale, facts: dict) -> str:
    return (f"{scale.organisations} organisations, {scale.users} personnes, {scale.projects} projets "
            f"({scale.revisions_each} révisions, {scale.milestones_each} jalons, {scale.comments_each} commentaires "
            f"chacun ; le plus grand {scale.big_story} de chaque), {facts.get('entries', scale.entries)} écritures "
            f"de financement (dont {scale.big_ledger} sur un projet)")
