"""Checking every chain in one pass over the table, streamed: constant memory whatever its size."""

from sqlalchemy import select

from portal.core.db import db
from portal.funding.chain import HASHED_FIELDS, ChainCheck, verify_rows
from portal.funding.models import LedgerEntry

BATCH = 5000


def verify_ledgers(project_id: int | None = None) -> ChainCheck:
    """Recompute every hash, project by project in sequence order; stop at the first broken entry.

    Plain rows (no ORM objects) read in batches through a server-side cursor on PostgreSQL: 300,000
    entries take a few seconds and little memory."""
    columns = [getattr(LedgerEntry, name) for name in (*HASHED_FIELDS, "prev_hash", "hash")]
    query = select(*columns).order_by(LedgerEntry.project_id, LedgerEntry.seq)
    if project_id is not None:
        query = query.where(LedgerEntry.project_id == project_id)
    result = db.session.execute(query, execution_options={"yield_per": BATCH})
    return verify_rows(row._mapping for row in result)
