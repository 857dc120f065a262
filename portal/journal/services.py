"""Reading the audit journal: filters, and pages by keyset on the event id (newest first).

Keyset pages stay fast however long the journal grows and never skip or repeat an event when new
ones arrive while someone reads: a page is "the N events just older (or newer) than this id".
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, String, cast, or_

from portal.accounts.models import User
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.core.formatting import PARIS

PAGE_SIZE = 50


@dataclass(frozen=True)
class JournalPage:
    rows: list[tuple[AuditEvent, User | None]]  # each event with its actor, when the actor still exists
    newer_than: int | None  # cursor of the page of newer events, if there are any
    older_than: int | None  # cursor of the page of older events, if there are any


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=PARIS)


def _filtered(query: Select, action=None, actor=None, target=None, since=None, until=None, address=None) -> Select:
    """Apply the journal's filters; dates are whole days in Paris time, ``until`` included."""
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor:
        query = query.where(_actor_matches(actor))
    if target:
        query = query.where(AuditEvent.target.icontains(target, autoescape=True))
    if since:
        query = query.where(AuditEvent.created_at >= _paris_midnight(since))
    if until:
        query = query.where(AuditEvent.created_at < _paris_midnight(until + timedelta(days=1)))
    if address:
        query = query.where(AuditEvent.address.startswith(address, autoescape=True))
    return query


def _actor_matches(text: str):
    if text.isdigit():
        return AuditEvent.actor_id == int(text)
    return or_(User.full_name.icontains(text, autoescape=True), User.email.icontains(text, autoescape=True),
               cast(User.id, String) == text)


def journal_page(filters: dict, older_than: int | None = None, newer_than: int | None = None,
                 size: int = PAGE_SIZE) -> JournalPage:
    """One page of events matching ``filters`` (JournalFilterForm.valid_values()), newest first.

    With no cursor, the newest events; ``older_than`` / ``newer_than`` move one page from an event id.
    """
    base = _filtered(db.select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id), **filters)
    if newer_than is not None:
        query = base.where(AuditEvent.id > newer_than).order_by(AuditEvent.id.asc())
        rows = list(reversed(db.session.execute(query.limit(size)).all()))
    else:
        query = base.order_by(AuditEvent.id.desc())
        if older_than is not None:
            query = query.where(AuditEvent.id < older_than)
        rows = db.session.execute(query.limit(size)).all()
    if not rows:
        return JournalPage(rows=[], newer_than=None, older_than=None)
    newest, oldest = rows[0][0].id, rows[-1][0].id
    return JournalPage(rows=rows,
                       newer_than=newest if _exists(base.where(AuditEvent.id > newest)) else None,
                       older_than=oldest if _exists(base.where(AuditEvent.id < oldest)) else None)


def _exists(query: Select) -> bool:
    return db.session.execute(query.limit(1)).first() is not None
