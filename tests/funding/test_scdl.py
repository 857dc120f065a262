"""The SCDL « Subventions » format: files as found in the wild are read, each unreadable row is
reported with its number and reason, and what the portal writes passes ``frictionless validate``."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from portal.funding.formats import scdl
from portal.funding.formats.tabular import FileFormatError, decode
from tests.funding.conftest import SCDL_DATA as DATA
from tests.funding.conftest import frictionless

NBSP = "\u00a0"
HEADER = ",".join(scdl.NAMES)
ROW = ("CAF de l'Ain,22490001900015,2018-01-30,DEL-2018-04,Centre social de Belley,52499120500013,,"
       "Atelier Entracte,12000.50,aide en numéraire,échelonné,2018-02-01/2018-11-30,,non,1,")


def read_text(text: str, encoding: str = "utf-8") -> scdl.tabular.Reading:
    return scdl.read(text.encode(encoding))


def test_the_official_valid_example_is_read_whole():
    reading = scdl.read((DATA / "exemple-valide.csv").read_bytes())
    assert reading.problems == []
    assert len(reading.records) == 29
    first = reading.records[0]
    assert (first.nom_attribuant, first.id_attribuant, first.montant_cents) == ("ANTIBES", "21060004500392", 9978657)
    assert first.date_convention == date(2015, 7, 7)
    assert first.pourcentage == Decimal("0.05")
    assert first.beneficiary_cents == 498933  # 5 % of 99 786,57 €, rounded to the cent


@pytest.mark.parametrize("name", ["exemple-invalide-cellules.csv", "exemple-invalide-colonnes.csv"])
def test_the_official_invalid_examples_are_refused_line_by_line(name):
    reading = scdl.read((DATA / name).read_bytes())
    assert reading.records == []
    assert [p.line for p in reading.problems] == list(range(2, 31))
    messages = {p.line: str(p) for p in reading.problems}
    assert messages[7].startswith("ligne 7 : idAttribuant « 218601946 » : un SIRET a 14 chiffres")
    assert "pourcentageSubvention « 100 » : un nombre entre 0,01 et 1" in messages[2]
    assert "notificationUE « yes »" in messages[8]
    assert "montant manquant" in messages[10]
    assert "rnaBeneficiaire « W12455 »" in messages[12]
    assert "nature « aide en numéraire,aide en nature »" in messages[16]
    assert "la clé de contrôle ne correspond pas" in messages[19]


def test_a_column_title_written_differently_is_recognised_and_said():
    reading = scdl.read((DATA / "exemple-invalide-colonnes.csv").read_bytes())
    assert ("NOM_Beneficiaire", "nomBeneficiaire") in reading.renamed_columns


def test_windows_1252_semicolons_french_titles_and_numbers():
    titles = ";".join(c.titles[0] for c in scdl.COLUMNS)
    row = ("Conseil départemental de l'Ain;224 900 019 000 15;30/01/2018;;Centre social de Belley;"
           f"52499120500013.0;;Atelier « Entracte »;100{NBSP}000,00;Aide en numéraire;Echelonné;"
           "2018/02/01_2018/11/30;;NON;0,45;")
    reading = read_text(f"{titles}\r\n{row}\r\n", "cp1252")
    assert reading.problems == [] and (reading.encoding, reading.delimiter) == ("cp1252", ";")
    [grant] = reading.records
    assert grant.nom_attribuant == "Conseil départemental de l'Ain"
    assert grant.id_attribuant == "22490001900015" and grant.id_beneficiaire == "52499120500013"
    assert grant.date_convention == date(2018, 1, 30)
    assert grant.montant_cents == 100_000_00 and grant.pourcentage == Decimal("0.45")
    assert (grant.nature, grant.conditions_versement) == ("aide en numéraire", "échelonné")
    assert grant.dates_periode_versement == "2018-02-01/2018-11-30"
    assert grant.notification_ue is False and grant.objet == "Atelier « Entracte »"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_encodings(encoding):
    reading = read_text(f"{HEADER}\n{ROW.replace('Belley', 'Bâgé-le-Châtel')}\n", encoding)
    assert reading.records[0].nom_beneficiaire == "Centre social de Bâgé-le-Châtel"


def test_cp1252_behind_a_utf8_byte_order_mark():
    data = b"\xef\xbb\xbf" + f"{HEADER}\n{ROW.replace('Belley', 'Bâgé')}\n".encode("cp1252")
    assert decode(data)[1] == "cp1252"
    assert scdl.read(data).records[0].nom_beneficiaire == "Centre social de Bâgé"


def test_letter_case_extra_columns_and_another_order():
    names = list(scdl.NAMES)
    header = ",".join([names[1].upper(), names[0].lower(), "Commentaire interne", *names[2:]])
    cells = ROW.split(",")
    row = ",".join([cells[1], cells[0], "à relancer", *cells[2:]])
    reading = read_text(f"{header}\n{row}\n")
    assert reading.problems == []
    assert reading.ignored_columns == ["Commentaire interne"]
    assert reading.records[0].id_attribuant == "22490001900015"


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_number():
    bad = ROW.replace("12000.50", "douze mille")
    reading = read_text(f"{HEADER}\n{ROW}\n,,,,\n{bad}\n")
    assert [str(p) for p in reading.problems] == ["ligne 4 : montant illisible : « douze mille »"]


def test_a_file_without_a_required_column_is_refused_as_a_whole():
    header = HEADER.replace("montant,", "somme,")
    with pytest.raises(FileFormatError, match="absente.*montant"):
        read_text(f"{header}\n{ROW}\n")
    with pytest.raises(FileFormatError, match="vide"):
        scdl.read(b"")


@pytest.mark.parametrize("cell,value,message", [
    ("dateConvention", "30/02/2018", "dateConvention illisible"),
    ("datesPeriodeVersement", "février 2018", "attendu 2017-03-14"),
    ("montant", "-5", "il doit être positif"),
    ("idBeneficiaire", "52499120500014", "la clé de contrôle"),
    ("objet", "x" * 257, "trop long"),
    ("nomAttribuant", "", "nomAttribuant manquant"),
])
def test_unreadable_cells(cell, value, message):
    cells = dict(zip(scdl.NAMES, ROW.split(","), strict=True))
    cells[cell] = value
    reading = read_text(f"{HEADER}\n{','.join(cells.values())}\n")
    assert reading.records == []
    assert message in str(reading.problems[0])


# --- writing -------------------------------------------------------------------------------------

GRANT = scdl.Grant(
    line=0, nom_attribuant="CAF de l'Ain", id_attribuant="22490001900015", date_convention=date(2024, 3, 1),
    reference_decision="CA 2024-03", nom_beneficiaire="Centre social de Belley",
    id_beneficiaire="52499120500013", rna_beneficiaire=None, objet="Entracte, atelier « cuisine »",
    montant_cents=12_345_67, nature=scdl.CASH, conditions_versement="échelonné",
    dates_periode_versement="2024-04-02/2024-12-15", id_rae=None, notification_ue=False,
    pourcentage=Decimal(1), dispositif_aide=None,
)


def grant(**changes) -> scdl.Grant:
    return replace(GRANT, **changes)


def test_written_values_follow_the_schema():
    text = "".join(scdl.write([grant()]))
    header, row = text.splitlines()
    assert header == HEADER
    assert ',"Entracte, atelier « cuisine »",12345.67,aide en numéraire,échelonné,2024-04-02/2024-12-15,,non,1,' \
        in row
    assert scdl.format_share(Decimal("0.004")) == "0.01" and scdl.format_share(Decimal("1.7")) == "1"


def test_what_is_written_reads_back():
    written = [grant(), grant(montant_cents=5_00, pourcentage=Decimal("0.3333"), conditions_versement="unique")]
    reading = scdl.read("".join(scdl.write(written)).encode())
    assert [g.montant_cents for g in reading.records] == [12_345_67, 5_00]
    assert reading.records[1].pourcentage == Decimal("0.3333")


def test_the_written_file_passes_frictionless_validate(tmp_path):
    grants = [grant(), grant(nom_beneficiaire="Association « Les Voisins », Bugey", montant_cents=800_00,
                             dates_periode_versement="2024-06-30", pourcentage=Decimal("0.45"))]
    result = frictionless(tmp_path, "subventions.csv", "".join(scdl.write(grants)).encode())
    assert result.returncode == 0, result.stdout
    assert "VALID" in result.stdout


def test_frictionless_does_refuse_a_file_that_breaks_the_schema(tmp_path):
    """The check above can fail: the same tool refuses the official invalid example."""
    result = frictionless(tmp_path, "invalide.csv", (DATA / "exemple-invalide-cellules.csv").read_bytes())
    assert result.returncode != 0
    assert "INVALID" in result.stdout
