"""The audit log: who did what, when (UTC) and from where. Services write it; it is never edited.

``record`` adds an event to the request's unit of work (the view's commit keeps it). ``record_now`` is
for events that happen outside one, in request hooks and error handlers (a session that expires, an
access refused): it writes and commits the event on its own.
"""

import logging
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import portability
from portal.core.db import UTCDateTime, db, utcnow, write_intent
from portal.core.logs import request_id

logger = logging.getLogger("portal.audit")


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)


# The log stays with the installation that wrote it (its retention, its addresses); an imported network
# starts a new log, whose first event is the import itself.
portability.not_exported(AuditEvent.__tablename__, "the installation's security log (addresses, logins) stays "
                                                   "with it; the new portal's log starts with the import")


# French names of the actions and of their details' keys, for the journal page; each module labels
# what it records (an unlabelled one shows its code).
_action_labels: dict[str, str] = {}
_detail_labels: dict[str, str] = {}


def label_actions(labels: dict[str, str], details: dict[str, str] | None = None) -> None:
    _action_labels.update(labels)
    _detail_labels.update(details or {})


def action_label(action: str) -> str:
    return _action_labels.get(action, action)


def detail_label(key: str) -> str:
    return _detail_labels.get(key, key)


def client_address() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(action: str, actor=None, target: str | None = None, **details) -> AuditEvent:
    """Add an audit event to the session (the caller's commit keeps it) and write its log line."""
    return _add_event(action, getattr(actor, "id", None), target, details)


def _add_event(action: str, actor_id: int | None, target: str | None, details: dict) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        target=target[:120] if target else target,  # a long URL must not make the event fail
        address=client_address(),
        details=details,
    )
    db.session.add(event)
    logger.info("audit", extra={"fields": {
        "action": action, "actor_id": event.actor_id, "target": target, "address": event.address,
        "details": details, "request_id": request_id(),
    }})
    return event


def record_now(action: str, actor=None, target: str | None = None, **details) -> None:
    """Write one event in a transaction of its own, outside the request's work: whatever the request had
    under way is rolled back first (nothing half-done is kept). A database failure is logged, not
    raised, so the page the person is waiting for (a 403, a login page) still shows."""
    actor_id = getattr(actor, "id", None)  # read before the rollback expires the object
    try:
        db.session.rollback()
        with write_intent():
            _add_event(action, actor_id, target, details)
            db.session.commit()
    except SQLAlchemyError:
        logger.exception("audit event %s could not be written", action)
        db.session.rollback()
