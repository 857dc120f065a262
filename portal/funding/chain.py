"""The hash chain: a canonical form of each entry and ``hash = sha256(prev_hash + canonical form)``.

The canonical form is JSON with sorted keys and no whitespace (``json.dumps(document, sort_keys=True,
separators=(",", ":"), ensure_ascii=False)`` encoded in UTF-8), amounts as integer cents, dates as ISO
``YYYY-MM-DD``, the recording time in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. People appear only by
their id, never by name or e-mail: an admin may anonymise a person who left the network without
breaking any chain. A ``v`` key names the version of this form, so it can evolve without ambiguity.

Changing anything here changes every hash: existing chains would no longer verify.
"""

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from json.encoder import encode_basestring

CANONICAL_VERSION = 1
GENESIS_HASH = "0" * 64  # the prev_hash of a project's first entry

# The entry's columns that the hash covers (everything but its own id, prev_hash and hash).
HASHED_FIELDS = (
    "project_id", "seq", "kind", "funder_id", "fiscal_year", "event_date", "amount_cents", "reference",
    "note", "payment_kind", "decision_date", "annuls_entry_id", "recorded_by_id", "recorded_at",
    "project_revision_id", "source",
)

# ``verify-ledger`` computes this form for every entry, so it is built from a template made once: the
# keys in sorted order, each value written as the json module writes it (the tests compare the two).
_KEYS = tuple(sorted((*HASHED_FIELDS, "v")))
_TEMPLATE = "{" + ",".join(f'"{key}":%s' for key in _KEYS) + "}"
_ORDER = tuple(HASHED_FIELDS.index(key) if key != "v" else None for key in _KEYS)


def utc_text(moment: datetime) -> str:
    """A recording time as the canonical form writes it."""
    if moment.tzinfo is None:
        raise ValueError("a ledger time must be aware (UTC)")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _json(value) -> str:
    kind = type(value)  # exact types: a bool or a float has no place here
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is datetime:
        return f'"{utc_text(value)}"'
    if kind is date:
        return f'"{value.isoformat()}"'
    raise TypeError(f"no canonical form for {kind.__name__}")


def canonical_values(values: Sequence) -> bytes:
    """The canonical form of an entry given as its values in HASHED_FIELDS order."""
    return (_TEMPLATE % tuple(str(CANONICAL_VERSION) if i is None else _json(values[i]) for i in _ORDER)).encode()


def canonical_form(fields: Mapping) -> bytes:
    """The bytes that are hashed for one entry, from a mapping holding every name in HASHED_FIELDS."""
    return canonical_values([fields[name] for name in HASHED_FIELDS])


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


PROJECT, SEQ = HASHED_FIELDS.index("project_id"), HASHED_FIELDS.index("seq")
PREV_HASH, HASH = len(HASHED_FIELDS), len(HASHED_FIELDS) + 1


def verify_rows(rows: Iterable[Mapping]) -> ChainCheck:
    """``verify_values`` for rows given as mappings (a JSON export's entries, for instance)."""
    names = (*HASHED_FIELDS, "prev_hash", "hash")
    return verify_values([row[name] for name in names] for row in rows)


def verify_values(rows: Iterable[Sequence]) -> ChainCheck:
    """Check rows ordered by (project_id, seq), each the values of HASHED_FIELDS then prev_hash and
    hash, in one pass: sequence numbers without gaps from 1, each prev_hash equal to the previous
    entry's hash, each hash recomputed. Stops at the first broken entry."""
    result = ChainCheck()
    project_id, expected_seq, prev_hash = None, 1, GENESIS_HASH
    for row in rows:
        if row[PROJECT] != project_id:
            project_id, expected_seq, prev_hash = row[PROJECT], 1, GENESIS_HASH
        reason = _link_problem(row, expected_seq, prev_hash)
        result.checked += 1
        if reason:
            result.broken = BrokenLink(row[PROJECT], row[SEQ], reason)
            return result
        expected_seq, prev_hash = expected_seq + 1, row[HASH]
    return result


def _link_problem(row: Sequence, expected_seq: int, prev_hash: str) -> str | None:
    if row[SEQ] != expected_seq:
        return f"numéro attendu {expected_seq}, trouvé {row[SEQ]} (écriture manquante ou ajoutée)"
    if row[PREV_HASH] != prev_hash:
        return "l'empreinte précédente ne correspond pas (écriture supprimée ou chaîne recousue)"
    if hashlib.sha256(prev_hash.encode("ascii") + canonical_values(row)).hexdigest() != row[HASH]:
        return "le contenu ne correspond plus à son empreinte (écriture modifiée)"
    return None
