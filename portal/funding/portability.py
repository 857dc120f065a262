"""What the funding module puts in a network export: every ledger entry, with its sequence number and
hashes. Ids are kept on import and the hash covers ids only (never names), so every chain verifies in
the new portal as it did in the old one (``portal verify`` runs after the import)."""

from portal.core import portability
from portal.funding.models import FundingTotal, LedgerEntry
from portal.funding.services.totals import rebuild_totals

portability.register(portability.Kind(
    "ledger_entries", "funding", LedgerEntry.__table__,
    "One entry of a project's append-only funding ledger. Entries are hash-chained per project: "
    "`hash = sha256(prev_hash + canonical JSON of the entry)` (see `portal/funding/chain.py`), so the "
    "export can be checked on its own, and the import must keep every field as it is.",
    fields={
        "id": "Identifier (covered by the hash through `annuls_entry_id`).",
        "project_id": "The project whose ledger this is (`projects/projects.json`).",
        "seq": "Position in the project's chain: 1, 2, 3... without gaps.",
        "kind": "`budget`, `demande`, `accord`, `versement`, `avenant`, `refus` or `annulation`.",
        "funder_id": "The funding organisation (`accounts/organisations.json`); null for a budget.",
        "fiscal_year": "Fiscal year the amount belongs to.",
        "event_date": "Date of the request, decision or payment.",
        "amount_cents": "Amount in euro cents (signed for an avenant; an annulation repeats the amount it reverses).",
        "reference": "The funder's or carrier's reference (decision number...), or null.",
        "note": "Free note, or null.",
        "payment_kind": "`acompte` or `solde` for a versement, null otherwise.",
        "decision_date": "Date of the funder's decision, or null.",
        "annuls_entry_id": "The entry of the same project an annulation reverses, or null.",
        "recorded_by_id": "Who recorded it (`accounts/users.json`), or null.",
        "recorded_at": "When it was recorded (UTC, to the microsecond: part of the hash).",
        "project_revision_id": "The project revision in force when it was recorded "
                               "(`projects/project_revisions.json`).",
        "source": "`import : <file>` for an imported entry, null when typed in.",
        "prev_hash": "The previous entry's hash (64 zeros for the first).",
        "hash": "sha256 of `prev_hash` and the entry's canonical form, hexadecimal.",
    },
))

portability.not_exported(FundingTotal.__tablename__, "recomputed from the ledger on import (running totals of "
                                                     "the network's funding page, derived from the entries)")
portability.after_import(rebuild_totals)
