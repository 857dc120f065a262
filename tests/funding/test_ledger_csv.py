"""The portal's own ledger CSV: French spreadsheets open it as it is, and the import reads it back."""

from dataclasses import replace
from datetime import date

import pytest

from portal.funding.formats import ledger_csv
from portal.funding.formats.tabular import BOM, french_csv, french_decimal
from portal.funding.rules import EntryKind, PaymentKind

ROW = ledger_csv.LedgerRow(
    project="Entracte", carrier="Centre social de Belley", carrier_siret="52499120500013", seq=3,
    kind=EntryKind.VERSEMENT, funder="CAF de l'Ain", funder_siret="22490001900015", fiscal_year=2024,
    event_date=date(2024, 4, 2), amount_cents=1_234_56, payment_kind=PaymentKind.ACOMPTE, reference="Conv. 2024-17",
    note="Premier acompte ; 40 %", recorded_by="Camille Martin", recorded_at="02/04/2024 10:15", hash="ab" * 32)


def row(**changes) -> ledger_csv.LedgerRow:
    return replace(ROW, **changes)


def test_the_csv_is_for_french_spreadsheets():
    data = "".join(ledger_csv.write([row(), row(kind=EntryKind.AVENANT, amount_cents=-500_00, payment_kind=None)]))
    assert data.startswith(BOM)
    header, first, second = data[1:].split("\r\n")[:3]
    assert header.split(";")[:5] == ["Projet", "Porteur", "SIRET du porteur", "N°", "Nature"]
    assert ";02/04/2024;1234,56;acompte;" in first
    assert '"Premier acompte ; 40 %"' in first  # a semicolon inside a cell is quoted
    assert ";Avenant;" in second and ";-500,00;" in second


def test_french_decimals():
    assert [french_decimal(c) for c in (0, 5, 123456789, -1)] == ["0,00", "0,05", "1234567,89", "-0,01"]
    assert french_decimal(None) == ""


def test_what_is_written_reads_back():
    written = [row(), row(kind=EntryKind.ANNULATION, seq=4, annuls_seq=3, amount_cents=None, payment_kind=None,
                          note="Versement saisi deux fois")]
    reading = ledger_csv.read("".join(ledger_csv.write(written)).encode("utf-8"))
    assert reading.problems == [] and (reading.encoding, reading.delimiter) == ("utf-8-sig", ";")
    first, annulation = reading.records
    assert (first.line, first.kind, first.amount_cents, first.payment_kind) == (2, EntryKind.VERSEMENT, 123456,
                                                                                 PaymentKind.ACOMPTE)
    assert first.funder_siret == "22490001900015" and first.event_date == date(2024, 4, 2)
    assert (annulation.kind, annulation.annuls_seq) == (EntryKind.ANNULATION, 3)


def test_a_hand_made_sheet_with_only_the_required_columns():
    text = ("projet;NATURE;Financeur;exercice;date;montant\n"
            "Entracte;accord;CAF de l'Ain;2024.0;2024-03-01;12 000\n"
            "Entracte;budget prévisionnel;;2024;01/01/2024;30 000,00 €\n")
    reading = ledger_csv.read(text.encode("cp1252"))
    assert reading.problems == []
    assert [(r.kind, r.fiscal_year, r.amount_cents) for r in reading.records] == [
        (EntryKind.ACCORD, 2024, 12_000_00), (EntryKind.BUDGET, 2024, 30_000_00)]


@pytest.mark.parametrize("cells,message", [
    ("Entracte;don;CAF;2024;2024-03-01;100;", "Nature « don » inconnue"),
    ("Entracte;accord;;2024;2024-03-01;100;", "Financeur manquant (obligatoire pour « Accord »)"),
    ("Entracte;versement;CAF;2024;2024-03-01;100;", "Versement manquant"),
    ("Entracte;versement;CAF;2024;2024-03-01;100;avance", "« acompte » ou « solde »"),
    ("Entracte;annulation;;2024;2024-03-01;;", "Annule l'écriture n° manquant"),
    ("Entracte;accord;CAF;deux mille;2024-03-01;100;", "Exercice « deux mille » : un nombre entier"),
    ("Entracte;accord;CAF;2024;hier;100;", "Date illisible"),
    ("Entracte;accord;CAF;2024;2024-03-01;;", "Montant manquant"),
    (";accord;CAF;2024;2024-03-01;100;", "Projet manquant"),
])
def test_unreadable_rows_are_reported_with_their_line(cells, message):
    text = f"Projet;Nature;Financeur;Exercice;Date;Montant;Versement\nEntracte;budget;;2024;2024-01-01;5;\n{cells}\n"
    reading = ledger_csv.read(text.encode())
    assert len(reading.records) == 1
    [problem] = reading.problems
    assert problem.line == 3 and message in str(problem)


def test_generic_french_csv_streams_line_by_line():
    lines = list(french_csv(["Financeur", "Accordé"], [["CAF", "10,00"], ["Département", None]]))
    assert lines == [f"{BOM}Financeur;Accordé\r\n", "CAF;10,00\r\n", "Département;\r\n"]
