"""PDF rendering benchmark: isolation overhead, a 150-page report, the web process's memory.

    .venv/bin/python -m tests.perf.pdf_bench [--runs 21] [--renders 20] [--pages 150]

Prints a Markdown table and writes it to tests/perf/results/pdf_bench.md. The memory figures come
first, while this process (the "web worker") has not imported WeasyPrint; the WeasyPrint-alone
baseline, which needs WeasyPrint here, comes last.
"""

import argparse
import logging
import statistics
import time
from pathlib import Path

from portal import create_app
from portal.pdf import render_report_pdf, report_html
from portal.pdf.document import RenderJob
from portal.pdf.worker import RenderLimits, run_isolated
from tests.perf.render_probe import render_measuring_peak, status_kb
from tests.support.reports import long_markdown, make_report

BASE_URL = "https://passerelle.example.org/"
RESULTS = Path(__file__).with_name("results") / "pdf_bench.md"


def resident_mb() -> float:
    return status_kb("VmRSS") / 1024


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def measure_memory(renders: int) -> dict:
    report = make_report()
    before = resident_mb()
    cold, _ = timed(lambda: render_report_pdf(report))
    after_first = resident_mb()
    for _ in range(renders - 1):
        render_report_pdf(report)
    return {"before": before, "after_first": after_first, "after_all": resident_mb(), "cold": cold}


def measure_long_report(pages: int) -> dict:
    report = make_report(long_markdown(round(pages * 95 / 150)))
    seconds, rendered = timed(lambda: render_report_pdf(report))
    job = RenderJob(html=report_html(report), metadata=report.metadata(), base_url=BASE_URL)
    _, peak = run_isolated(render_measuring_peak, job, RenderLimits(timeout=600))
    return {"seconds": seconds, "pages": rendered.page_count, "peak_mb": peak, "size_mb": len(rendered.data) / 2**20}


def weasyprint_alone(html: str):
    """The baseline: WeasyPrint's own call with the same options, fetcher and fonts, in this process."""
    from weasyprint import HTML

    from portal.pdf.fetcher import RestrictedFetcher
    from portal.pdf.renderer import PDF_OPTIONS, prepare_process

    prepare_process()
    fetcher = RestrictedFetcher(base_url=BASE_URL, static_root=Path("static").resolve(), stored_images={})
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(**PDF_OPTIONS)


def measure_overhead(runs: int) -> dict:
    report = make_report()
    html = report_html(report)
    for _ in range(2):  # warm both paths
        weasyprint_alone(html)
        render_report_pdf(report)
    alone, isolated = [], []
    for _ in range(runs):  # interleaved, so drift in the machine's load hits both alike
        alone.append(timed(lambda: weasyprint_alone(html))[0])
        isolated.append(timed(lambda: render_report_pdf(report))[0])
    return {"alone": statistics.median(alone), "isolated": statistics.median(isolated),
            "alone_min": min(alone), "isolated_min": min(isolated)}


def table(memory: dict, long_report: dict, overhead: dict, runs: int, renders: int) -> str:
    ratio = overhead["isolated"] / overhead["alone"]
    best_ratio = overhead["isolated_min"] / overhead["alone_min"]
    growth = memory["after_all"] - memory["before"]
    rows = [
        (f"(a) seed, WeasyPrint alone in-process (median of {runs})", f"{overhead['alone'] * 1000:.0f} ms", ""),
        ("(a) seed, full publish path: Jinja + isolated render process", f"{overhead['isolated'] * 1000:.0f} ms", ""),
        ("(a) ratio isolated / alone (medians)", f"{ratio:.2f}", "≤ 1.25 " + ("✔" if ratio <= 1.25 else "✘")),
        ("(a) ratio isolated / alone (fastest runs, least disturbed by other load)", f"{best_ratio:.2f}", ""),
        ("(a) first render of a web process (starts the fork server)", f"{memory['cold']:.2f} s", "once per worker"),
        (f"(b) long report, {long_report['pages']} pages ({long_report['size_mb']:.1f} MB)",
         f"{long_report['seconds']:.1f} s", "< 120 s " + ("✔" if long_report["seconds"] < 120 else "✘")),
        ("(b) peak resident memory of its render process", f"{long_report['peak_mb']:.0f} MB", "freed at exit"),
        (f"(c) web process RSS before / after 1 / after {renders} renders",
         f"{memory['before']:.0f} / {memory['after_first']:.0f} / {memory['after_all']:.0f} MB", ""),
        (f"(c) web process RSS growth over {renders} renders", f"{growth:.1f} MB",
         "< 50 MB " + ("✔" if growth < 50 else "✘")),
    ]
    lines = ["| measure | value | target |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {target} |" for name, value, target in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--pages", type=int, default=150)
    options = parser.parse_args()
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # as quiet as in a render process
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "benchmark"})
    with app.test_request_context(base_url=BASE_URL):
        memory = measure_memory(options.renders)
        long_report = measure_long_report(options.pages)
        overhead = measure_overhead(options.runs)
    result = table(memory, long_report, overhead, options.runs, options.renders)
    print(result)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("# PDF rendering benchmark\n\n" + result, encoding="utf-8")
    print(f"Written to {RESULTS}")


if __name__ == "__main__":
    main()
