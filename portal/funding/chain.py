"""The hash chain: a canonical form of each entry and ``hash = sha256(prev_hash + canonical form)``.

The canonical form is JSON with sorted keys and no whitespace, amounts as integer cents, dates as ISO
``YYYY-MM-DD``, the recording time in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. People appear only by
their id, never by name or e-mail: an admin may anonymise a person who left the network without
breaking any chain. A ``v`` key names the version of this form, so it can evolve without ambiguity.

Changing anything here changes every hash: existing chains would no longer verify.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

CANONICAL_VERSION = 1
GENESIS_HASH = "0" * 64  # the prev_hash of a project's first entry

# The entry's columns that the hash covers (everything but its own id, prev_hash and hash).
HASHED_FIELDS = (
    "project_id", "seq", "kind", "funder_id", "fiscal_year", "event_date", "amount_cents", "reference",
    "note", "payment_kind", "decision_date", "annuls_entry_id", "recorded_by_id", "recorded_at",
    "project_revision_id", "source",
)


def _canonical_value(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a ledger time must be aware (UTC)")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (int, str, type(None))):
        raise TypeError(f"no canonical form for {type(value).__name__}")
    return value


def canonical_form(fields: Mapping) -> bytes:
    """The bytes that are hashed for one entry, from a mapping holding every name in HASHED_FIELDS."""
    document = {name: _canonical_value(fields[name]) for name in HASHED_FIELDS}
    document["v"] = CANONICAL_VERSION
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chain_hash(prev_hash: str, fields: Mapping) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_form(fields)).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    """The first entry of a chain that does not verify, and why."""

    project_id: int
    seq: int
    reason: str


@dataclass
class ChainCheck:
    checked: int = 0
    broken: BrokenLink | None = None


def verify_rows(rows: Iterable[Mapping]) -> ChainCheck:
    """Check rows ordered by (project_id, seq) in one pass: sequence numbers without gaps from 1, each
    prev_hash equal to the previous entry's hash, each hash recomputed. Stops at the first broken entry."""
    result = ChainCheck()
    project_id, expected_seq, prev_hash = None, 1, GENESIS_HASH
    for row in rows:
        if row["project_id"] != project_id:
            project_id, expected_seq, prev_hash = row["project_id"], 1, GENESIS_HASH
        reason = _link_problem(row, expected_seq, prev_hash)
        result.checked += 1
        if reason:
            result.broken = BrokenLink(row["project_id"], row["seq"], reason)
            return result
        expected_seq, prev_hash = expected_seq + 1, row["hash"]
    return result


def _link_problem(row: Mapping, expected_seq: int, prev_hash: str) -> str | None:
    if row["seq"] != expected_seq:
        return f"numéro attendu {expected_seq}, trouvé {row['seq']} (écriture manquante ou ajoutée)"
    if row["prev_hash"] != prev_hash:
        return "l'empreinte précédente ne correspond pas (écriture supprimée ou chaîne recousue)"
    if chain_hash(prev_hash, row) != row["hash"]:
        return "le contenu ne correspond plus à son empreinte (écriture modifiée)"
    return None
