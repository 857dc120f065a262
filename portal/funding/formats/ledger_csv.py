"""The portal's own CSV of ledger entries: what « Exporter (CSV) » gives and what ``import-funding``
reads back. Semicolons, UTF-8 with a byte-order mark, French decimals and dates, one entry a row.

Only the columns marked required are needed to import; the others are read when present (the
recording columns and the hash are written for the reader and ignored on import: an imported entry
is recorded anew, by the import, in the receiving portal's chain).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from portal.funding.formats import tabular
from portal.funding.formats.tabular import CellError, Column
from portal.funding.rules import EntryKind, PaymentKind

COLUMNS = (
    Column("project", ("Projet",), required=True),
    Column("carrier", ("Porteur",)),
    Column("carrier_siret", ("SIRET du porteur",)),
    Column("seq", ("N°", "Numéro")),
    Column("kind", ("Nature",), required=True),
    Column("funder", ("Financeur",)),
    Column("funder_siret", ("SIRET du financeur",)),
    Column("fiscal_year", ("Exercice",), required=True),
    Column("event_date", ("Date",), required=True),
    Column("amount", ("Montant (€)", "Montant"), required=True),
    Column("payment_kind", ("Versement",)),
    Column("decision_date", ("Date de décision",)),
    Column("reference", ("Référence",)),
    Column("note", ("Note", "Motif")),
    Column("annuls_seq", ("Annule l'écriture n°", "Annule")),
    Column("recorded_by", ("Enregistré par",)),
    Column("recorded_at", ("Enregistré le",)),
    Column("source", ("Origine",)),
    Column("hash", ("Empreinte",)),
)
HEADER = tuple(column.titles[0] for column in COLUMNS)
_KINDS = {tabular.simplify(text): kind for kind in EntryKind for text in (kind.value, kind.label)}
_PAYMENTS = {tabular.simplify(kind.value): kind for kind in PaymentKind}


@dataclass(frozen=True)
class LedgerRow:
    """One entry as the CSV shows it (names, not ids). The last fields are only written."""

    project: str
    kind: EntryKind
    fiscal_year: int
    event_date: date
    amount_cents: int | None
    line: int = 0
    carrier: str | None = None
    carrier_siret: str | None = None
    seq: int | None = None
    funder: str | None = None
    funder_siret: str | None = None
    payment_kind: PaymentKind | None = None
    decision_date: date | None = None
    reference: str | None = None
    note: str | None = None
    annuls_seq: int | None = None
    recorded_by: str | None = None
    recorded_at: str | None = None
    source: str | None = None
    hash: str | None = None


# --- reading ---------------------------------------------------------------------------------------

def read(data: bytes) -> tabular.Reading:
    """Every row of a ledger CSV, read as a LedgerRow or reported with its problems."""
    return tabular.read_records(data, COLUMNS, _row)


def _kind(value: str) -> EntryKind:
    kind = _KINDS.get(tabular.simplify(value))
    if kind is None:
        allowed = ", ".join(k.value for k in EntryKind)
        raise CellError(f"Nature « {value.strip()} » inconnue (attendu : {allowed})" if value.strip()
                        else "Nature manquante")
    return kind


def _payment(value: str) -> PaymentKind | None:
    if not value.strip():
        return None
    payment = _PAYMENTS.get(tabular.simplify(value))
    if payment is None:
        raise CellError(f"Versement « {value.strip()} » : « acompte » ou « solde »")
    return payment


def _whole_number(label: str, required: bool = False):
    def read_number(value: str) -> int | None:
        cleaned = re.sub(r"[\s\u00a0\u202f]", "", value or "")
        if re.fullmatch(r"\d+(\.0+)?", cleaned):  # « 2024.0 » from a spreadsheet is 2024
            return int(cleaned.split(".")[0])
        if cleaned or required:
            raise CellError(f"{label} « {value.strip()} » : un nombre entier" if cleaned else f"{label} manquant")
        return None
    return read_number


def _optional_amount(value: str) -> int | None:
    return tabular.amount_cell(value, "Montant") if value.strip() else None


_READERS = {
    "project": tabular.text_reader("Projet", required=True, max_length=200),
    "carrier": tabular.text_reader("Porteur", max_length=200),
    "carrier_siret": lambda v: tabular.siret_cell(v, "SIRET du porteur"),
    "seq": _whole_number("N°"),
    "kind": _kind,
    "funder": tabular.text_reader("Financeur", max_length=200),
    "funder_siret": lambda v: tabular.siret_cell(v, "SIRET du financeur"),
    "fiscal_year": _whole_number("Exercice", required=True),
    "event_date": lambda v: tabular.date_cell(v, "Date"),
    "amount_cents": _optional_amount,
    "payment_kind": _payment,
    "decision_date": lambda v: tabular.date_cell(v, "Date de décision", required=False),
    "reference": tabular.text_reader("Référence", max_length=200),
    "note": tabular.text_reader("Note", max_length=2000),
    "annuls_seq": _whole_number("Annule l'écriture n°"),
}
_COLUMN_OF = {"amount_cents": "amount"}


def _row(line: int, raw: dict[str, str]) -> tuple[LedgerRow | None, list[str]]:
    values, messages = tabular.read_cells({key: raw.get(_COLUMN_OF.get(key, key), "") for key in _READERS},
                                          _READERS)
    if not messages:
        messages = _row_problems(values)
    return (None, messages) if messages else (LedgerRow(line=line, **values), [])


def _row_problems(values: dict) -> list[str]:
    """What each kind needs beyond its cells: a funder, a payment kind, the entry it annuls, an amount."""
    kind = values["kind"]
    problems = []
    if kind not in (EntryKind.BUDGET, EntryKind.ANNULATION) and not (values["funder"] or values["funder_siret"]):
        problems.append(f"Financeur manquant (obligatoire pour « {kind.label} »)")
    if kind is EntryKind.ANNULATION and values["annuls_seq"] is None:
        problems.append("Annule l'écriture n° manquant (obligatoire pour une annulation)")
    if kind is not EntryKind.ANNULATION and values["amount_cents"] is None:
        problems.append("Montant manquant")
    if kind is EntryKind.VERSEMENT and values["payment_kind"] is None:
        problems.append("Versement manquant : « acompte » ou « solde »")
    return problems


# --- writing ---------------------------------------------------------------------------------------

def write(rows: Iterable[LedgerRow]) -> Iterator[str]:
    """The lines of the CSV (streamed), header first."""
    return tabular.french_csv(HEADER, (_cells(row) for row in rows))


def _cells(row: LedgerRow) -> list[object]:
    return [
        row.project, row.carrier, row.carrier_siret, row.seq, row.kind.label, row.funder,
        row.funder_siret, row.fiscal_year, tabular.french_day(row.event_date),
        tabular.french_decimal(row.amount_cents), row.payment_kind.value if row.payment_kind else None,
        tabular.french_day(row.decision_date), row.reference, row.note, row.annuls_seq, row.recorded_by,
        row.recorded_at, row.source, row.hash,
    ]
