"""The clock of session lifetimes and one-time codes, in one place so that tests can move time."""

import time


def now() -> float:
    """Seconds since the epoch (UTC). Callers use ``clock.now()`` so a monkeypatch reaches them all."""
    return time.time()
