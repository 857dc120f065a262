"""Run inside render processes by the isolation tests. This module imports nothing of its own, so
what it finds loaded is what the render server loaded."""

import sys


def loaded_libraries(_argument) -> list[str]:
    return [name for name in ("flask", "sqlalchemy", "weasyprint") if name in sys.modules]
