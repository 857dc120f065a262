"""Exports: a project's ledger (CSV, JSON), the network's totals (CSV, JSON), a funder's grants of a
year in the SCDL « Subventions » format. Each is streamed or built from one aggregate query."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from portal.accounts.models import Organisation
from portal.core.db import db
from portal.core.formatting import format_moment
from portal.funding.chain import canonical_form
from portal.funding.formats import ledger_csv, scdl
from portal.funding.models import LedgerEntry
from portal.funding.rules import EntryKind, PaymentKind
from portal.funding.services.balances import active_entries, project_years
from portal.projects.models import Project, Revision

FORMAT_VERSION = 1


# --- ledgers' entries ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class EntryFilters:
    project_id: int | None = None
    fiscal_year: int | None = None
    funder_id: int | None = None


def ledger_entries(filters: EntryFilters):
    """Entries in chain order (project, seq), each with its project, the number of the entry it annuls
    and the project revision's number. Streamed in batches."""
    annulled = aliased(LedgerEntry)
    query = (select(LedgerEntry, Project, annulled.seq.label("annuls_seq"), Revision.number.label("revision_number"))
             .join(Project, Project.id == LedgerEntry.project_id)
             .outerjoin(annulled, annulled.id == LedgerEntry.annuls_entry_id)
             .outerjoin(Revision, Revision.id == LedgerEntry.project_revision_id)
             .order_by(LedgerEntry.project_id, LedgerEntry.seq))
    if filters.project_id is not None:
        query = query.where(LedgerEntry.project_id == filters.project_id)
    if filters.fiscal_year is not None:
        query = query.where(LedgerEntry.fiscal_year == filters.fiscal_year)
    if filters.funder_id is not None:
        query = query.where(LedgerEntry.funder_id == filters.funder_id)
    return db.session.execute(query, execution_options={"yield_per": 1000})


def entries_csv_lines(filters: EntryFilters) -> Iterator[str]:
    """The ledger CSV (the format ``import-funding`` reads back)."""
    rows = (_csv_row(row.Project, row.LedgerEntry, row.annuls_seq) for row in ledger_entries(filters))
    return ledger_csv.write(rows)


def _csv_row(project: Project, entry: LedgerEntry, annuls_seq: int | None) -> ledger_csv.LedgerRow:
    funder = entry.funder
    return ledger_csv.LedgerRow(
        project=project.title, carrier=project.carrier.name, carrier_siret=project.carrier.siret, seq=entry.seq,
        kind=entry.entry_kind, funder=funder.name if funder else None, funder_siret=funder.siret if funder else None,
        fiscal_year=entry.fiscal_year, event_date=entry.event_date, amount_cents=entry.amount_cents,
        payment_kind=PaymentKind(entry.payment_kind) if entry.payment_kind else None,
        decision_date=entry.decision_date, reference=entry.reference, note=entry.note, annuls_seq=annuls_seq,
        recorded_by=recorder_name(entry), recorded_at=format_moment(entry.recorded_at, "dd/MM/yyyy HH:mm"),
        source=entry.source, hash=entry.hash,
    )


def recorder_name(entry: LedgerEntry) -> str:
    return entry.recorded_by.full_name if entry.recorded_by else "Import ou commande du portail"


def _organisation(organisation: Organisation | None) -> dict | None:
    if organisation is None:
        return None
    return {"id": organisation.id, "name": organisation.name, "siret": organisation.siret}


def entries_document(filters: EntryFilters) -> dict:
    """The JSON export, project by project: every entry with every field its hash covers (so anyone
    can re-verify a whole chain: see ``portal.funding.chain``), the names people read, and the
    balances per year."""
    projects: dict[int, dict] = {}
    for row in ledger_entries(filters):
        document = projects.get(row.Project.id)
        if document is None:
            document = projects[row.Project.id] = _project_document(row.Project)
        document["entries"].append(_entry_document(row.LedgerEntry, row.annuls_seq, row.revision_number))
    for project_id, document in projects.items():
        document["balances"] = [_year_document(year) for year in project_years(project_id)]
    return {"format": "passerelle-ledgers", "version": FORMAT_VERSION,
            "filters": {"project_id": filters.project_id, "fiscal_year": filters.fiscal_year,
                        "funder_id": filters.funder_id},
            "projects": list(projects.values())}


def _project_document(project: Project) -> dict:
    return {"id": project.id, "title": project.title, "carrier": _organisation(project.carrier), "entries": []}


def _entry_document(entry: LedgerEntry, annuls_seq: int | None, revision_number: int | None) -> dict:
    hashed = json.loads(canonical_form(entry.hashed_fields()))  # the very values the hash covers
    del hashed["v"]
    return {
        **hashed, "kind_label": entry.kind_label, "amount": str(Decimal(entry.amount_cents) / 100),
        "funder": _organisation(entry.funder), "annuls_seq": annuls_seq, "revision_number": revision_number,
        "recorded_by": {"id": entry.recorded_by.id, "name": entry.recorded_by.full_name} if entry.recorded_by else None,
        "prev_hash": entry.prev_hash, "hash": entry.hash,
    }


def _year_document(year) -> dict:
    return {
        "fiscal_year": year.fiscal_year, "budget_cents": year.budget, "requested_cents": year.requested,
        "granted_cents": year.granted, "paid_cents": year.paid, "still_to_fund_cents": year.still_to_fund,
        "funders": [{"funder_id": b.funder_id, "requested_cents": b.requested, "granted_cents": b.granted,
                     "paid_cents": b.paid, "refused_cents": b.refused, "still_to_pay_cents": b.still_to_pay}
                    for b in year.funders],
    }


# --- SCDL: a funder's grants of a year --------------------------------------------------------------------

class ExportError(Exception):
    """The export cannot be made as asked; the message says what to fix."""


@dataclass
class ScdlExport:
    grants: list[scdl.Grant]
    skipped: list[str]  # projects left out, and why


def scdl_grants(funder: Organisation, fiscal_year: int) -> ScdlExport:
    """One row per project the funder granted something to that year (accords + avenants − annulled),
    beneficiary the carrier; payment conditions and dates from the versements."""
    if not funder.siret:
        raise ExportError(f"« {funder.name} » n'a pas de SIRET : renseignez-le (Organisations) avant l'export "
                          "SCDL, dont c'est une colonne obligatoire.")
    grants, skipped = [], []
    for row in _scdl_rows(funder.id, fiscal_year):
        project = db.session.get(Project, row.project_id)
        if not project.carrier.siret:
            skipped.append(f"« {project.title} » : le porteur {project.carrier.name} n'a pas de SIRET.")
            continue
        grants.append(_grant(funder, project, row, fiscal_year))
    return ScdlExport(grants, skipped)


def _scdl_rows(funder_id: int, fiscal_year: int):
    kind = LedgerEntry.kind
    granted = case((kind.in_([EntryKind.ACCORD.value, EntryKind.AVENANT.value]), LedgerEntry.amount_cents), else_=0)
    is_payment = kind == EntryKind.VERSEMENT.value
    accord_date = case((kind == EntryKind.ACCORD.value, func.coalesce(LedgerEntry.decision_date,
                                                                      LedgerEntry.event_date)))
    reference = case((kind == EntryKind.ACCORD.value, LedgerEntry.reference))
    return db.session.execute(
        active_entries().add_columns(
            LedgerEntry.project_id, func.sum(granted).label("granted"),
            func.count(case((is_payment, 1))).label("payments"),
            func.count(case((and_(is_payment, LedgerEntry.payment_kind == PaymentKind.SOLDE.value), 1)))
            .label("soldes"),
            func.min(case((is_payment, LedgerEntry.event_date))).label("first_payment"),
            func.max(case((is_payment, LedgerEntry.event_date))).label("last_payment"),
            func.min(accord_date).label("convention_date"), func.min(reference).label("reference"),
        ).where(LedgerEntry.funder_id == funder_id, LedgerEntry.fiscal_year == fiscal_year)
        .group_by(LedgerEntry.project_id).having(func.sum(granted) > 0).order_by(LedgerEntry.project_id)
    ).all()


def _grant(funder: Organisation, project: Project, row, fiscal_year: int) -> scdl.Grant:
    convention = row.convention_date or date(fiscal_year, 1, 1)
    return scdl.Grant(
        line=0, nom_attribuant=funder.name, id_attribuant=funder.siret, date_convention=convention,
        reference_decision=row.reference, nom_beneficiaire=project.carrier.name,
        id_beneficiaire=project.carrier.siret, rna_beneficiaire=None, objet=project.title,
        montant_cents=int(row.granted), nature=scdl.CASH, conditions_versement=payment_conditions(row),
        dates_periode_versement=payment_period(row, convention, fiscal_year), id_rae=None,
        notification_ue=False, pourcentage=Decimal(1), dispositif_aide=None,
    )


def payment_conditions(row) -> str:
    """« unique » for one payment that settled it (a solde), « échelonné » for instalments, « autre »
    while nothing is paid yet (the schema's value for conditions it does not name)."""
    if row.payments == 0:
        return "autre"
    return "unique" if row.payments == 1 and row.soldes == 1 else "échelonné"


def payment_period(row, convention: date, fiscal_year: int) -> str:
    """The payment date, or the period from the first to the last; before any payment, from the
    convention to the end of its fiscal year."""
    first, last = row.first_payment, row.last_payment
    if first is None:
        year_end = date(fiscal_year, 12, 31)
        return f"{convention.isoformat()}/{year_end.isoformat()}" if convention < year_end else convention.isoformat()
    return first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"


def scdl_export_lines(funder_id: int | None, fiscal_year: int | None) -> tuple[Iterator[str], list[str]]:
    """The SCDL file's lines and the projects left out (with why), for the command line."""
    if funder_id is None or fiscal_year is None:
        raise ExportError("L'export SCDL porte sur un financeur et un exercice : précisez --funder et --year.")
    funder = db.session.get(Organisation, funder_id)
    if funder is None:
        raise ExportError(f"Aucune organisation n° {funder_id}.")
    export = scdl_grants(funder, fiscal_year)
    return scdl.write(export.grants), export.skipped

