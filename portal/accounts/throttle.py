"""Login throttle kept in the database, so it holds across every worker process and host.

Each failed login counts against the account and against the address. Past the limit within the
window, the key is locked for the length of the window; a success clears the account's counter.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete

from portal.accounts.models import ThrottleBucket
from portal.core.db import db, insert_if_missing, utcnow


def account_key(email: str) -> str:
    return f"account:{email}"


def address_key(address: str | None) -> str:
    return f"address:{address or 'unknown'}"


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_THROTTLE_WINDOW"])


def locked_until(keys: list[str], now: datetime | None = None) -> datetime | None:
    """The latest lock end among these keys, if any is still locked."""
    now = now or utcnow()
    rows = db.session.execute(db.select(ThrottleBucket.locked_until).where(ThrottleBucket.key.in_(keys))).scalars()
    ends = [end for end in rows if end is not None and end > now]
    return max(ends) if ends else None


def register_failure(key: str, limit: int, now: datetime | None = None) -> bool:
    """Count one failure for ``key``; True when this failure locks it."""
    now = now or utcnow()
    insert_if_missing(ThrottleBucket, key=key, failures=0, window_started_at=now)
    bucket = db.session.get(ThrottleBucket, key, with_for_update=True, populate_existing=True)
    if now - bucket.window_started_at > _window():
        bucket.failures, bucket.window_started_at, bucket.locked_until = 0, now, None
    bucket.failures += 1
    if bucket.failures >= limit and bucket.locked_until is None:
        bucket.locked_until = now + _window()
        db.session.flush()
        return True
    db.session.flush()
    return False


def clear(key: str) -> None:
    db.session.execute(delete(ThrottleBucket).where(ThrottleBucket.key == key))
