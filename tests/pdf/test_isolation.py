"""Rendering happens in a child process with a time limit and a memory ceiling; whatever happens
there, the web process gets a French PdfRenderError and no child is left behind."""

import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from portal.pdf import PdfMetadata, PdfRenderError, RenderLimits, html_to_pdf, render_report_pdf
from portal.pdf.worker import run_isolated
from tests.pdf.conftest import read_pdf
from tests.pdf.probes import loaded_libraries
from tests.support.reports import make_report

ROOT = Path(__file__).resolve().parents[2]


# Functions run in the child: module level, so they pickle by reference.
def _own_pid(_argument):
    return os.getpid()


def _write_pid_then_sleep(path):
    scratch = tempfile.mkdtemp()
    Path(scratch, "police.ttf").write_bytes(b"\0" * 1000)
    Path(path).write_text(f"{os.getpid()} {scratch}")
    time.sleep(60)


def _leave_a_temporary_file(_argument):
    handle, name = tempfile.mkstemp()
    os.write(handle, b"x")
    return name


def _exit_abruptly(_argument):
    os._exit(3)


def _allocate(size):
    return len(bytearray(size))


def _refuse(_argument):
    raise PdfRenderError("Refus explicite.", field="body")


def _fail(_argument):
    return 1 / 0


def _own_limits(_argument):
    return resource.getrlimit(resource.RLIMIT_CPU), resource.getrlimit(resource.RLIMIT_AS)


def _assert_gone(pid: int) -> None:
    assert not Path(f"/proc/{pid}").exists()
    assert multiprocessing.active_children() == []


def test_each_render_runs_in_its_own_fresh_process():
    first = run_isolated(_own_pid, None, RenderLimits())
    second = run_isolated(_own_pid, None, RenderLimits())
    assert len({first, second, os.getpid()}) == 3
    _assert_gone(first)


def test_a_render_past_its_time_is_killed_with_a_french_message(tmp_path):
    pid_file = tmp_path / "pid"
    started = time.monotonic()
    # Three seconds, not one: on a loaded CI machine the forked child may take over a second just to
    # start, and would be killed before it writes the pid this test then looks for.
    with pytest.raises(PdfRenderError, match=r"dépassé la durée permise \(3 s\)"):
        run_isolated(_write_pid_then_sleep, str(pid_file), RenderLimits(timeout=3))
    assert time.monotonic() - started < 30
    pid, scratch = pid_file.read_text().split()
    _assert_gone(int(pid))
    assert not Path(scratch).exists()


def test_what_a_render_leaves_in_its_temporary_directory_is_removed():
    name = run_isolated(_leave_a_temporary_file, None, RenderLimits())
    assert Path(name).parent.name.startswith("passerelle-pdf-")
    assert not Path(name).parent.exists()


def test_the_child_limits_its_own_cpu_time_should_its_parent_die_first():
    cpu, memory = run_isolated(_own_limits, None, RenderLimits(timeout=30, max_memory_bytes=900 * 1024 * 1024))
    assert cpu == (35, 40)
    assert memory == (900 * 1024 * 1024, 900 * 1024 * 1024)
    assert resource.getrlimit(resource.RLIMIT_CPU)[0] == resource.RLIM_INFINITY  # this process untouched


def test_a_crashing_render_is_reported_not_propagated():
    with pytest.raises(PdfRenderError, match="s'est interrompue"):
        run_isolated(_exit_abruptly, None, RenderLimits())
    assert multiprocessing.active_children() == []


def test_a_render_past_its_memory_ceiling_is_stopped():
    limits = RenderLimits(max_memory_bytes=1024 * 1024 * 1024)
    assert run_isolated(_allocate, 50 * 1024 * 1024, limits) == 50 * 1024 * 1024
    with pytest.raises(PdfRenderError, match="trop de mémoire"):
        run_isolated(_allocate, 3 * 1024 * 1024 * 1024, limits)


def test_a_refusal_from_the_renderer_keeps_its_message_and_field():
    with pytest.raises(PdfRenderError) as raised:
        run_isolated(_refuse, None, RenderLimits())
    assert (raised.value.message, raised.value.field) == ("Refus explicite.", "body")


def test_an_unexpected_error_is_logged_with_its_traceback_and_reported_plainly(caplog):
    with pytest.raises(PdfRenderError, match="erreur interne"):
        run_isolated(_fail, None, RenderLimits())
    assert "ZeroDivisionError" in caplog.text


def test_a_real_render_over_the_configured_time_is_stopped(app, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_RENDER_TIMEOUT", 0.05)
    with app.app_context(), pytest.raises(PdfRenderError, match="durée permise"):
        render_report_pdf(make_report())
    assert multiprocessing.active_children() == []


def test_too_large_an_input_is_refused_before_any_render(app, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_MAX_INPUT_BYTES", 2048)
    expected = r"trop long pour être mis en page \(\d+ ko ; au plus 2 ko\)"
    with app.app_context(), pytest.raises(PdfRenderError, match=expected) as raised:
        render_report_pdf(make_report())
    assert raised.value.field == "body"


def test_more_pages_than_allowed_are_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_MAX_PAGES", 1)
    with app.app_context(), pytest.raises(PdfRenderError, match="ferait 2 pages, au-delà des 1 pages"):
        render_report_pdf(make_report())


def test_without_an_app_the_defaults_apply():
    rendered = html_to_pdf("<p>Sans application.</p>", metadata=PdfMetadata(title="Essai"))
    assert rendered.page_count == 1


def test_the_render_server_loads_weasyprint_but_not_the_web_application():
    assert run_isolated(loaded_libraries, None, RenderLimits()) == ["weasyprint"]


@pytest.mark.slow
def test_the_web_process_never_loads_weasyprint():
    """The parent only pickles HTML and bytes: WeasyPrint and its memory live in the render processes."""
    script = ("import sys\n"
              "from portal.pdf import PdfMetadata, html_to_pdf\n"
              "pdf = html_to_pdf('<p>Bonjour</p>', metadata=PdfMetadata(title='t'))\n"
              "print(pdf.page_count, 'weasyprint' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["1", "False"], result.stderr


def test_renders_from_several_threads_at_once_each_get_their_own_pdf(app):
    """Threaded web servers may publish two reports at the same moment."""
    headings = [f"Atelier n°{number} : Essai" for number in range(1, 4)]

    def render(heading):
        with app.app_context():
            return render_report_pdf(make_report(heading=heading))

    with ThreadPoolExecutor(max_workers=3) as pool:
        rendered = list(pool.map(render, headings))
    for heading, pdf in zip(headings, rendered, strict=True):
        assert read_pdf(pdf.data).metadata.title == f"Compte rendu — {heading}"
