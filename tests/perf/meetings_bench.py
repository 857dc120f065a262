"""Publishing comptes rendus, measured through the portal's own path (issue 5's performance targets).

    .venv/bin/python -m tests.perf.meetings_bench [--runs 11] [--publishes 20] [--pages 150] [--downloads 200]
                                                  [--very-long 300]

Beside ``pdf_bench`` (which measures ``portal.pdf`` alone), this one goes through the meetings service
and the database, as a coordinator's click does: ``reports.publish`` reads the draft, renders the Markdown
and the header, has the PDF made in the isolated render process, and stores version n+1 with its bytes.

- (a) publishing the seed's compte rendu vs WeasyPrint alone on the same HTML, in the same run,
  interleaved: target ≤ 1.25 ×;
- (b) downloading a stored version (GET of its URL, logged in, bytes from the database) vs rendering it:
  target ≥ 30 × faster;
- (c) a 150-page report publishes within the worker's timeout (``portal/deploy/gunicorn_conf.py``), and
  within the render limit (``PDF_RENDER_TIMEOUT``) that keeps the coordinator's request alive;
- (d) the resident memory of this process (the web worker) after 20 publishes grows by < 50 MB;
- (e) with ``--very-long 300``: a 300-page report, published or refused with a French message, either way
  before the worker's timeout.

The memory figures come first, while this process has not imported WeasyPrint; the WeasyPrint-alone
baseline, which needs it here, comes last. Prints a Markdown table and writes it to
tests/perf/results/meetings_bench.md. SQLite in a temporary file (PostgreSQL: ``--database-url``).
"""

import argparse
import logging
import statistics
import tempfile
import time
from pathlib import Path

from flask import url_for
from flask_migrate import upgrade

from portal import create_app
from portal.core.db import db
from portal.deploy import gunicorn_conf
from portal.meetings.services import reports
from tests.perf.pdf_bench import resident_mb, timed, weasyprint_alone
from tests.support.client import PortalClient
from tests.support.factories import PASSWORD, make_user
from tests.support.reports import long_markdown

BASE_URL = "https://passerelle.example.org/"
RESULTS = Path(__file__).with_name("results") / "meetings_bench.md"


def seed_report(**fields):
    from tests.meetings.helpers import make_report

    report = make_report(**fields)
    db.session.commit()
    return report


def publish(report, actor, note: str = "Mesure"):
    """One coordinator's publication, committed as the view commits it."""
    version = reports.publish(actor, report, note if reports.next_version_number(report.id) > 1 else "")
    db.session.commit()
    return version


def measure_memory(report, actor, publishes: int) -> dict:
    before = resident_mb()
    cold, _ = timed(lambda: publish(report, actor))
    after_first = resident_mb()
    for _ in range(publishes - 1):
        publish(report, actor)
        report_id, model = report.id, type(report)
        db.session.expunge_all()  # as each request ends with a fresh session
        report, actor = db.session.get(model, report_id), db.session.merge(actor)
    return {"before": before, "after_first": after_first, "after_all": resident_mb(), "cold": cold,
            "report": report, "actor": actor}


def measure_long_report(actor, pages: int) -> dict:
    """Under the production render limit: past it, the render is stopped and the coordinator told why."""
    from portal.pdf import PdfRenderError

    report = seed_report(body=long_markdown(round(pages * 95 / 150)))
    started = time.perf_counter()
    try:
        version = publish(report, actor)
    except PdfRenderError as error:
        db.session.rollback()
        return {"seconds": time.perf_counter() - started, "pages": pages, "size_mb": 0, "refused": error.message}
    return {"seconds": time.perf_counter() - started, "pages": version.page_count,
            "size_mb": version.size_bytes / 2**20, "refused": None}


def measure_download(app, report, actor, downloads: int) -> dict:
    """Median GET of the latest stored version (a logged-in partner, a fresh request each time)."""
    version = reports.latest_version(report)
    url = url_for("meetings.download", report_id=report.id, number=version.number)
    stored, size, email = version.pdf, version.size_bytes, actor.email
    # End this read before the requests, and touch no expired object meanwhile: the login below writes, and
    # a read begun before it would leave this session on a stale SQLite snapshot that can no longer write.
    db.session.commit()
    client = app.test_client()
    login = client.post("/connexion", data={"email": email, "password": PASSWORD}, base_url=BASE_URL)
    assert login.status_code == 302 and "/connexion" not in login.headers["Location"], login.headers
    for _ in range(5):  # warm: the first requests compile the statements and fill the caches
        client.get(url, base_url=BASE_URL)
    samples = []
    for _ in range(downloads):
        seconds, response = timed(lambda: client.get(url, base_url=BASE_URL))
        assert response.status_code == 200 and response.data == stored, response.status
        samples.append(seconds)
    return {"median": statistics.median(samples), "url": url, "size_kb": size / 1024}


def measure_overhead(report, actor, runs: int) -> dict:
    from portal.pdf import report_html

    html = report_html(reports.prepare_publication(report, "Mesure").document)  # what publishing lays out
    for _ in range(2):  # warm both paths
        weasyprint_alone(html)
        publish(report, actor)
    alone, portal = [], []
    for _ in range(runs):  # interleaved, so drift in the machine's load hits both alike
        alone.append(timed(lambda: weasyprint_alone(html))[0])
        portal.append(timed(lambda: publish(report, actor))[0])
    return {"alone": statistics.median(alone), "portal": statistics.median(portal),
            "alone_min": min(alone), "portal_min": min(portal)}


def table(memory: dict, long_report: dict, download: dict, overhead: dict, options, render_timeout: float,
          very_long: dict | None = None) -> str:
    ratio = overhead["portal"] / overhead["alone"]
    best_ratio = overhead["portal_min"] / overhead["alone_min"]
    growth = memory["after_all"] - memory["before"]
    worker_timeout = gunicorn_conf.timeout
    rows = [
        (f"(a) seed, WeasyPrint alone in-process (median of {options.runs})", f"{overhead['alone'] * 1000:.0f} ms", ""),
        ("(a) seed, reports.publish: draft → Jinja → isolated render → version stored and committed",
         f"{overhead['portal'] * 1000:.0f} ms", ""),
        ("(a) ratio publish / WeasyPrint alone (medians)", f"{ratio:.2f}", "≤ 1.25 " + _mark(ratio <= 1.25)),
        ("(a) same ratio on the fastest runs (least disturbed by other load)", f"{best_ratio:.2f}", ""),
        ("(a) first publish of a web process (starts the render server)", f"{memory['cold']:.2f} s", "once per worker"),
    ]
    speedup = overhead["portal"] / download["median"]
    rows += [
        (f"(b) download of a stored version, GET {download['url']} ({download['size_kb']:.0f} kB, median of "
         f"{options.downloads})", f"{download['median'] * 1000:.2f} ms", ""),
        ("(b) publish (render) / download", f"{speedup:.0f} ×", "≥ 30 × " + _mark(speedup >= 30)),
    ]
    if long_report:
        within = long_report["seconds"] < min(worker_timeout, render_timeout) and not long_report["refused"]
        outcome = (f"refused: {long_report['refused']}" if long_report["refused"]
                   else f"{long_report['size_mb']:.1f} MB")
        rows.append((f"(c) publish a {long_report['pages']}-page report ({outcome})",
                     f"{long_report['seconds']:.1f} s",
                     f"< {render_timeout:g} s render limit < {worker_timeout} s worker timeout " + _mark(within)))
    rows += [
        (f"(d) web process RSS before / after 1 / after {options.publishes} publishes",
         f"{memory['before']:.0f} / {memory['after_first']:.0f} / {memory['after_all']:.0f} MB", ""),
        (f"(d) web process RSS growth over {options.publishes} publishes", f"{growth:.1f} MB",
         "< 50 MB " + _mark(growth < 50)),
    ]
    if very_long:
        verdict = "refused in French, nothing stored" if very_long["refused"] else "published"
        ok = very_long["seconds"] < gunicorn_conf.timeout
        outcome = f"refused: {very_long['refused']}" if very_long["refused"] else f"{very_long['size_mb']:.1f} MB"
        rows.append((f"(e) publish a {very_long['pages']}-page report at the production limits ({outcome})",
                     f"{very_long['seconds']:.1f} s", f"{verdict} before the {worker_timeout} s worker timeout "
                     + _mark(ok)))
    lines = ["| measure | value | target |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {target} |" for name, value, target in rows]
    return "\n".join(lines) + "\n"


def _mark(ok: bool) -> str:
    return "✔" if ok else "✘"


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--publishes", type=int, default=20)
    parser.add_argument("--pages", type=int, default=150, help="0: skip the long report")
    parser.add_argument("--downloads", type=int, default=200)
    parser.add_argument("--very-long", type=int, default=0, metavar="PAGES",
                        help="also publish a report of this many pages (300: the issue's bad input), up to 2 minutes")
    parser.add_argument("--database-url", help="default: SQLite in a temporary file")
    return parser.parse_args(argv)


def run(options: argparse.Namespace) -> str:
    """Every measure, on a database of its own (the seed's report published again and again); the table."""
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    logging.getLogger("portal.audit").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="passerelle-bench-") as scratch:
        url = options.database_url or f"sqlite:///{scratch}/bench.sqlite"
        # The production limits (PDF_RENDER_TIMEOUT...): the 150-page report must fit in them.
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark", "WTF_CSRF_ENABLED": False})
        app.test_client_class = PortalClient
        render_timeout = app.config["PDF_RENDER_TIMEOUT"]
        with app.app_context():
            upgrade()
        with app.test_request_context(base_url=BASE_URL):
            actor = make_user("coordinator", second_factor=False)
            report = seed_report()
            memory = measure_memory(report, actor, options.publishes)
            report, actor = memory["report"], memory["actor"]
            long_report = measure_long_report(actor, options.pages) if options.pages else None
            download = measure_download(app, report, actor, options.downloads)
            overhead = measure_overhead(report, actor, options.runs)
            very_long = measure_long_report(actor, options.very_long) if options.very_long else None
            db.session.remove()
            db.engine.dispose()
    return table(memory, long_report, download, overhead, options, render_timeout, very_long)


def main() -> None:
    result = run(parse())
    print(result)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("# Publishing comptes rendus: benchmark\n\n" + result, encoding="utf-8")
    print(f"Written to {RESULTS}")


if __name__ == "__main__":
    main()
