"""The SCDL « Subventions » format (OpenDataFrance, schema 2.1.1): the subsidies French public bodies
publish. Reading accepts the files found in the wild; writing follows the schema to the letter (the
tests run ``frictionless validate`` on what is written)."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.funding.formats import tabular
from portal.funding.formats.tabular import CellError, Column

SCHEMA_VERSION = "2.1.1"

COLUMNS = (
    Column("nomAttribuant", ("Nom de l'attribuant",), required=True),
    Column("idAttribuant", ("Identification de l'attribuant", "SIRET de l'attribuant"), required=True),
    Column("dateConvention", ("Date de la convention de subvention", "Date de la convention"), required=True),
    Column("referenceDecision", ("Référence de la décision",)),
    Column("nomBeneficiaire", ("Nom du bénéficiaire",), required=True),
    Column("idBeneficiaire", ("Identification SIRET du bénéficiaire", "Identification du bénéficiaire",
                              "SIRET du bénéficiaire")),
    Column("rnaBeneficiaire", ("Identification RNA du bénéficiaire",)),
    Column("objet", ("Objet de la subvention",), required=True),
    Column("montant", ("Montant total de la subvention", "Montant"), required=True),
    Column("nature", ("Nature de la subvention",), required=True),
    Column("conditionsVersement", ("Conditions de versement de la subvention", "Conditions de versement"),
           required=True),
    Column("datesPeriodeVersement", ("Date ou période de versement",), required=True),
    Column("idRAE", ("Identifiant RAE de l’aide au titre de laquelle la subvention est attribuée",)),
    Column("notificationUE", ("Aide d'Etat notifiée à la Commission Européenne",), required=True),
    Column("pourcentageSubvention", ("Pourcentage du montant total de la subvention attribuée au bénéficiaire",),
           required=True),
    Column("dispositifAide", ("Identifiant référençant le dispositif d'aide à l'origine de la subvention",)),
)
NAMES = tuple(column.name for column in COLUMNS)

NATURES = ("aide en numéraire", "aide en nature", "aide en numéraire;aide en nature",
           "aide en nature;aide en numéraire")
CASH = "aide en numéraire"
TEXT_LIMIT = 256


@dataclass(frozen=True)
class Grant:
    """One row of an SCDL file: a subsidy granted by ``attribuant`` to ``beneficiaire``."""

    line: int
    nom_attribuant: str
    id_attribuant: str
    date_convention: date
    reference_decision: str | None
    nom_beneficiaire: str
    id_beneficiaire: str | None
    rna_beneficiaire: str | None
    objet: str
    montant_cents: int
    nature: str
    conditions_versement: str
    dates_periode_versement: str
    id_rae: str | None
    notification_ue: bool
    pourcentage: Decimal
    dispositif_aide: str | None

    @property
    def beneficiary_cents(self) -> int:
        """The beneficiary's share: ``montant`` is the subsidy's total before it is split between
        beneficiaries, ``pourcentageSubvention`` this beneficiary's part (1 when alone)."""
        share = Decimal(self.montant_cents) * self.pourcentage
        return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def read(data: bytes) -> tabular.Reading:
    """Every row of an SCDL file, read as a Grant or reported; FileFormatError if the file is not SCDL."""
    return tabular.read_records(data, COLUMNS, _grant)


# --- cells ---------------------------------------------------------------------------------------------

def _montant(value: str) -> int:
    cents = tabular.amount_cell(value, "montant")
    if cents <= 0:
        raise CellError(f"montant « {value.strip()} » : il doit être positif")
    return cents


def _nature(value: str) -> str:
    cleaned = re.sub(r"\s*;\s*", ";", " ".join((value or "").split()).lower())
    if cleaned not in NATURES:
        raise CellError(f"nature « {value.strip()} » : valeurs admises « aide en numéraire », « aide en nature » "
                        "ou les deux séparées par un point-virgule")
    return cleaned


def _conditions(value: str) -> str:
    text = tabular.text_cell(value, "conditionsVersement", required=True, max_length=TEXT_LIMIT)
    known = {"unique": "unique", "echelonne": "échelonné", "autre": "autre"}
    return known.get(tabular.simplify(text), text)


_DAY = r"(?:\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}/\d{1,2}/\d{4})"
_PERIOD = re.compile(rf"({_DAY})(?:\s*[/_]\s*({_DAY}))?")


def _period(value: str) -> str:
    """A date or a period, written back as the schema wants it (« 2017-03-14/2018-03-14 »). Like the
    schema, only the form is checked: the official valid example holds a « 2017-30-05 »."""
    match = _PERIOD.fullmatch((value or "").strip())
    if not match:
        raise CellError(f"datesPeriodeVersement « {value.strip()} » : attendu 2017-03-14 ou 2017-03-14/2018-03-14"
                        if value.strip() else "datesPeriodeVersement manquante")
    return "/".join(_iso_form(day) for day in match.groups() if day)


def _iso_form(day: str) -> str:
    parts = re.split(r"[-/]", day)
    year, month, dom = parts if len(parts[0]) == 4 else reversed(parts)
    return f"{year}-{int(month):02d}-{int(dom):02d}"


def _notification(value: str) -> bool:
    cleaned = (value or "").strip().lower()
    if cleaned not in ("oui", "non"):
        raise CellError(f"notificationUE « {value.strip()} » : répondez « oui » ou « non »"
                        if cleaned else "notificationUE manquante")
    return cleaned == "oui"


def _percentage(value: str) -> Decimal:
    share = tabular.decimal_cell(value, "pourcentageSubvention")
    if not Decimal("0.01") <= share <= 1:
        raise CellError(f"pourcentageSubvention « {value.strip()} » : un nombre entre 0,01 et 1 "
                        "(1 pour 100 %, 0,45 pour 45 %)")
    return share


def _rna(value: str) -> str | None:
    cleaned = (value or "").strip().upper()
    if cleaned and not re.fullmatch(r"W\d{9}", cleaned):
        raise CellError(f"rnaBeneficiaire « {value.strip()} » : un W suivi de 9 chiffres")
    return cleaned or None


# (column of the schema, field of Grant, reader of the cell)
_CELLS = (
    ("nomAttribuant", "nom_attribuant", tabular.text_reader("nomAttribuant", required=True, max_length=200)),
    ("idAttribuant", "id_attribuant", lambda v: tabular.siret_cell(v, "idAttribuant", required=True)),
    ("dateConvention", "date_convention", lambda v: tabular.date_cell(v, "dateConvention")),
    ("referenceDecision", "reference_decision", tabular.text_reader("referenceDecision", max_length=200)),
    ("nomBeneficiaire", "nom_beneficiaire", tabular.text_reader("nomBeneficiaire", required=True, max_length=200)),
    ("idBeneficiaire", "id_beneficiaire", lambda v: tabular.siret_cell(v, "idBeneficiaire")),
    ("rnaBeneficiaire", "rna_beneficiaire", _rna),
    ("objet", "objet", tabular.text_reader("objet", required=True, max_length=TEXT_LIMIT)),
    ("montant", "montant_cents", _montant),
    ("nature", "nature", _nature),
    ("conditionsVersement", "conditions_versement", _conditions),
    ("datesPeriodeVersement", "dates_periode_versement", _period),
    ("idRAE", "id_rae", tabular.text_reader("idRAE", max_length=5)),
    ("notificationUE", "notification_ue", _notification),
    ("pourcentageSubvention", "pourcentage", _percentage),
    ("dispositifAide", "dispositif_aide", tabular.text_reader("dispositifAide")),
)
_READERS = {column: reader for column, _, reader in _CELLS}
_FIELD_OF = {column: field for column, field, _ in _CELLS}


def _grant(line: int, raw: dict[str, str]) -> tuple[Grant | None, list[str]]:
    values, messages = tabular.read_cells(raw, _READERS)
    fields = {_FIELD_OF[column]: value for column, value in values.items()}
    identifiers = (fields.get("id_beneficiaire", "?"), fields.get("rna_beneficiaire", "?"))  # "?": unreadable
    if identifiers == (None, None):
        messages.append("idBeneficiaire ou rnaBeneficiaire : l'un des deux est obligatoire")
    return (None, messages) if messages else (Grant(line=line, **fields), [])


# --- writing -----------------------------------------------------------------------------------------

def format_amount(cents: int) -> str:
    """Euros with a point, as the schema asks: 4780020 -> « 47800.20 »."""
    return f"{cents // 100}.{cents % 100:02d}"


def format_share(share: Decimal) -> str:
    share = min(max(share, Decimal("0.01")), Decimal(1)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return format(share.normalize(), "f")


def write(grants: Iterable[Grant]) -> Iterator[str]:
    """The lines of a valid SCDL file (UTF-8, commas, the schema's columns in its order)."""
    return tabular.plain_csv(NAMES, (_row(grant) for grant in grants))


def _row(grant: Grant) -> list[str]:
    return [
        grant.nom_attribuant, grant.id_attribuant, grant.date_convention.isoformat(),
        grant.reference_decision or "", grant.nom_beneficiaire, grant.id_beneficiaire or "",
        grant.rna_beneficiaire or "", grant.objet[:TEXT_LIMIT], format_amount(grant.montant_cents), grant.nature,
        grant.conditions_versement, grant.dates_periode_versement, grant.id_rae or "",
        "oui" if grant.notification_ue else "non", format_share(grant.pourcentage), grant.dispositif_aide or "",
    ]
