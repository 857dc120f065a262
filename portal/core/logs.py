"""Structured logs: one line per request on ``portal.request``, audit lines on ``portal.audit``.

A record carries its structured fields in ``extra={"fields": {...}}``; the formatter writes them as one
JSON object a line (``LOG_FORMAT=json``, the production default: journald keeps it, ``jq`` reads it) or
as ``key=value`` pairs after the message (``LOG_FORMAT=text``, for a developer's terminal).
"""

import contextlib
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_app_context, request

request_logger = logging.getLogger("portal.request")

# A request id set by the proxy (nginx's $request_id) is kept when it looks like one; anything else
# is replaced, so a client cannot write arbitrary text into the logs through a header.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class StructuredFormatter(logging.Formatter):
    """Time in UTC, level, logger, message, then the record's ``fields``."""

    def __init__(self, style: str = "json"):
        super().__init__()
        self.style = style

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if self.style == "json":
            return json.dumps(entry, ensure_ascii=False, default=str)
        return _as_text(entry)


def _as_text(entry: dict) -> str:
    head = f"{entry.pop('time')} {entry.pop('level')} {entry.pop('logger')}: {entry.pop('message')}"
    exception = entry.pop("exception", None)
    pairs = " ".join(f"{key}={_text_value(value)}" for key, value in entry.items())
    line = f"{head} {pairs}" if pairs else head
    return f"{line}\n{exception}" if exception else line


def _text_value(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return json.dumps(text, ensure_ascii=False) if not text or re.search(r'[\s="]', text) else text


@contextlib.contextmanager
def quieted(logger_name: str):
    """Only warnings and errors of ``logger_name`` while the block runs (a library's chatty INFO lines
    that would bury the portal's own)."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def configure_logging(app: Flask) -> None:
    """Send every log line to stderr in the configured format, once per process.

    When something else already configured the root logger (a test runner, an embedding program),
    its handlers are left alone; the portal only adds its own when there is none.
    """
    root = logging.getLogger()
    formatter = StructuredFormatter(app.config["LOG_FORMAT"])
    ours = [handler for handler in root.handlers if getattr(handler, "portal", False)]
    if ours:
        ours[0].setFormatter(formatter)
    elif not root.handlers:
        handler = logging.StreamHandler()
        handler.portal = True
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])


def request_id() -> str | None:
    """The id of the request being served (also sent back as the X-Request-Id header), if any."""
    return g.get("request_id") if has_app_context() else None


def _start_request() -> None:
    g.request_started = time.perf_counter()
    proposed = request.headers.get("X-Request-Id", "")
    g.request_id = proposed if _REQUEST_ID.fullmatch(proposed) else uuid.uuid4().hex


def _log_request(response):
    """One line per request. The user id is the one loaded while serving it: logging never costs a query."""
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else None
    user = g.get("_login_user")  # set by Flask-Login when the request looked at current_user
    request_logger.info("request", extra={"fields": {
        "request_id": request_id(),
        "user_id": getattr(user, "id", None),
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else None,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round(duration, 1) if duration is not None else None,
        "address": request.remote_addr,
    }})
    if g.get("request_id"):
        response.headers.setdefault("X-Request-Id", g.request_id)
    return response


def register_request_logging(app: Flask) -> None:
    """Registered first, so that its after_request runs last (Flask runs them in reverse order)."""
    app.before_request(_start_request)
    app.after_request(_log_request)
