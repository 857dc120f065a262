"""Run inside a render process by the benchmark (its own module: ``__main__`` does not pickle)."""

from pathlib import Path

from portal.pdf.document import RenderJob


def status_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM...), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def render_measuring_peak(job: RenderJob):
    """The render, and the peak resident memory of the process that made it (MB)."""
    from portal.pdf.renderer import render_job

    rendered = render_job(job)
    return rendered, status_kb("VmHWM") / 1024
