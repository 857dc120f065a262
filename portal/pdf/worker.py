"""Rendering out of the web process: a fresh child per render, a time limit and a memory ceiling.

Each render runs in a child forked from multiprocessing's *fork server*, a small process started
once per web worker that has already imported WeasyPrint and rendered a warm-up page
(``portal.pdf.preload``). A fork from it takes milliseconds; with the pages a fresh process copies
as it first writes them, isolation adds about a tenth to a render (tests/perf/pdf_bench.py). And:

- a render past its time limit is killed (SIGKILL) and reported as a French ``PdfRenderError``;
- a render's memory is capped (RLIMIT_AS) and, whatever it peaked at, returns to the system when the
  child exits: the web worker never grows by a render's peak;
- a crash in WeasyPrint or its C libraries ends the child, not the web worker;
- whatever the child leaves in its scratch directory is removed after it, however it ended.

The fork server is a fresh interpreter (not a fork of the web worker), so it works the same under
gunicorn sync workers, ``flask run`` and pytest; it ends when its parent does.
"""

import logging
import math
import multiprocessing
import os
import resource
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import forkserver
from typing import Any

from portal.pdf.document import PdfRenderError

logger = logging.getLogger(__name__)

PRELOAD = ["portal.pdf.preload"]
CPU_GRACE_SECONDS = 5

TIMEOUT_MESSAGE = ("La mise en page du PDF a dépassé la durée permise ({seconds:g} s) et a été arrêtée. "
                   "Le document est sans doute trop long : découpez-le, ou réessayez plus tard.")
MEMORY_MESSAGE = ("La mise en page du PDF demandait trop de mémoire et a été arrêtée. "
                  "Allégez le document (images très lourdes, tableaux immenses) ou découpez-le.")
CRASH_MESSAGE = "La mise en page du PDF s'est interrompue. Réessayez ; si cela recommence, prévenez l'administration."
FAILURE_MESSAGE = "Le PDF n'a pas pu être produit à cause d'une erreur interne. L'administration a été prévenue."


@dataclass(frozen=True)
class RenderLimits:
    timeout: float = 120.0  # seconds, from the fork to the answer
    max_memory_bytes: int | None = 2048 * 1024 * 1024  # address space of the child; None: no ceiling


def run_isolated(function: Callable[[Any], Any], argument: Any, limits: RenderLimits) -> Any:
    """Call ``function(argument)`` in a fresh child process and return its result.

    Both must pickle (``function`` a module-level function). Raises ``PdfRenderError`` on timeout,
    memory exhaustion, a crash of the child, or a ``PdfRenderError`` raised by ``function`` itself.
    The child is always gone when this returns or raises.
    """
    context = _context()
    with tempfile.TemporaryDirectory(prefix="passerelle-pdf-") as scratch:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child_main, args=(function, argument, limits, scratch, sender),
                                  name="passerelle-pdf", daemon=True)
        try:
            _start(process)
            sender.close()  # the child holds the only writing end: its death reads as end of file
            return _receive(receiver, limits.timeout)
        finally:
            receiver.close()
            _reap(process)


def start_render_server() -> None:
    """Start the fork server now rather than at the first render (e.g. in gunicorn's ``post_fork``)."""
    _context()
    forkserver.ensure_running()


def _context():
    context = multiprocessing.get_context("forkserver")
    # Only our own module: the default would import the web process's __main__ (gunicorn, pytest...).
    context.set_forkserver_preload(PRELOAD)
    return context


def _start(process) -> None:
    try:
        process.start()
    except OSError:  # no process could be made, or it died while reading its job
        logger.exception("PDF render process could not start")
        raise PdfRenderError(CRASH_MESSAGE) from None


def _receive(receiver, timeout: float) -> Any:
    if not receiver.poll(timeout):
        logger.warning("PDF render stopped after %s s", timeout)
        raise PdfRenderError(TIMEOUT_MESSAGE.format(seconds=timeout))
    try:
        outcome, *details = receiver.recv()
    except EOFError:
        logger.error("PDF render process died without an answer")
        raise PdfRenderError(CRASH_MESSAGE) from None
    if outcome == "ok":
        return details[0]
    if outcome == "refused":
        raise PdfRenderError(*details)
    logger.error("PDF render failed in its process:\n%s", details[0])
    raise PdfRenderError(FAILURE_MESSAGE)


def _reap(process) -> None:
    if process.pid is None:  # never started
        return
    if process.is_alive():
        process.kill()
    process.join()
    process.close()


def _limit_self(limits: RenderLimits) -> None:
    """The kernel's own limits on this process: memory, and CPU time a little past the timeout, so a
    render whose web worker was killed meanwhile (by gunicorn's timeout, say) still ends by itself."""
    if limits.max_memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (limits.max_memory_bytes, limits.max_memory_bytes))
    cpu_seconds = math.ceil(limits.timeout) + CPU_GRACE_SECONDS
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + CPU_GRACE_SECONDS))


def _child_main(function, argument, limits: RenderLimits, scratch: str, sender) -> None:
    """Runs in the child: the answer is one message, ("ok", result), ("refused", message, field) or
    ("failed", traceback)."""
    _limit_self(limits)
    # Temporary files (WeasyPrint copies each font it uses) go to a directory the parent removes once
    # this process is gone: a child ends without running finalisers, or is killed.
    tempfile.tempdir = scratch
    os.environ["TMPDIR"] = scratch
    try:
        answer = ("ok", function(argument))
    except PdfRenderError as error:
        answer = ("refused", error.message, error.field)
    except MemoryError:
        answer = ("refused", MEMORY_MESSAGE, None)
    except Exception:
        answer = ("failed", traceback.format_exc())
    try:
        sender.send(answer)
    except MemoryError:
        sender.send(("refused", MEMORY_MESSAGE, None))
    finally:
        sender.close()
