"""The audit log: who did what, when (UTC) and from where. Services write it; it is never edited."""

import logging
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import UTCDateTime, db, utcnow
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
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        target=target,
        address=client_address(),
        details=details,
    )
    db.session.add(event)
    logger.info("audit", extra={"fields": {
        "action": action, "actor_id": event.actor_id, "target": target, "address": event.address,
        "details": details, "request_id": request_id(),
    }})
    return event
