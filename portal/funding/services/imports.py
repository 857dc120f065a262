"""Importing years of funding history: the portal's own ledger CSV and SCDL « Subventions » files.

Every row becomes a ledger entry on its project, checked by the same rules as an entry typed on the
page, in one transaction (the command commits, or rolls back on a dry run or on refused rows). The
rules run against each project's ledger held in memory (``LedgerState``) and each chain head is kept
in memory too, so a file of tens of thousands of rows costs one INSERT per row and one query per
project, not one per row.

SCDL rows → entries (each row is a subsidy a public body granted to a beneficiary):

- the funder is the attribuant (``idAttribuant``, else ``nomAttribuant``), the project's carrier the
  beneficiary (``idBeneficiaire``, else ``nomBeneficiaire``); organisations are created when missing;
- the project is the carrier's project titled like ``objet`` (case and accents aside), created when
  missing (visible to its partners only);
- the entry is an ``accord`` of ``montant × pourcentageSubvention`` (the beneficiary's share), fiscal
  year and dates from ``dateConvention``, reference ``referenceDecision``; the payment conditions and
  period go to the note. SCDL says nothing of payments, so no ``versement`` is invented.

A row identical to an entry already in the ledger (same kind, funder, year, date, amount, reference)
is skipped and counted, so importing a file twice adds nothing the second time.
"""

import logging
import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import insert, select

from portal.accounts.models import Organisation, OrganisationKind
from portal.core import audit
from portal.core.db import db
from portal.funding.chain import GENESIS_HASH
from portal.funding.formats import ledger_csv, scdl, tabular
from portal.funding.formats.tabular import FileFormatError, RowProblem
from portal.funding.models import LedgerEntry
from portal.funding.rules import EntryFacts, EntryKind, LedgerRuleError, LedgerState, PaymentKind
from portal.funding.services.ledger import chained_row, current_revision_id, facts_of, lock_chain
from portal.funding.services.totals import rebuild_totals
from portal.projects.models import Project

logger = logging.getLogger(__name__)

BATCH = 1000  # rows per INSERT ... executemany
FORMATS = {"scdl": "SCDL « Subventions »", "ledger": "journal des financements de Passerelle (CSV)"}


@dataclass(frozen=True)
class ImportRow:
    """One row of either format, as the entries it asks for: names and SIRETs, not ids yet."""

    line: int
    project: str
    carrier: str | None
    carrier_siret: str | None
    funder: str | None
    funder_siret: str | None
    kind: EntryKind
    fiscal_year: int
    event_date: date
    amount_cents: int | None
    payment_kind: PaymentKind | None = None
    decision_date: date | None = None
    reference: str | None = None
    note: str | None = None
    seq: int | None = None
    annuls_seq: int | None = None


@dataclass
class ImportReport:
    filename: str
    format: str = ""
    read_notes: list[str] = field(default_factory=list)
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    entries: int = 0
    duplicates: int = 0
    organisations_created: list[Organisation] = field(default_factory=list)
    projects_created: list[Project] = field(default_factory=list)
    projects_touched: set[int] = field(default_factory=set)

    @property
    def format_label(self) -> str:
        return FORMATS.get(self.format, self.format)


# --- reading -------------------------------------------------------------------------------------------

def detect_format(data: bytes) -> str:
    """« scdl » or « ledger », from the column titles the first line names."""
    text, _ = tabular.decode(data)
    first_line = text.lstrip(tabular.BOM).splitlines()[0] if text.strip() else ""
    scores = {name: tabular.recognised_columns(first_line, module.COLUMNS)
              for name, module in (("scdl", scdl), ("ledger", ledger_csv))}
    best = max(scores, key=scores.get)
    if scores[best] < 3:
        raise FileFormatError("Ni un fichier SCDL « Subventions », ni un export du journal des financements : "
                              "vérifiez la première ligne (titres des colonnes).")
    return best


def read_rows(data: bytes, report: ImportReport) -> list[ImportRow]:
    report.format = detect_format(data)
    reading = (scdl if report.format == "scdl" else ledger_csv).read(data)
    report.read_notes = _reading_notes(reading)
    report.rows = len(reading.records) + len(reading.problems)
    report.problems.extend(reading.problems)
    convert = _from_grant if report.format == "scdl" else _from_ledger_row
    return [convert(record) for record in reading.records]


def _reading_notes(reading: tabular.Reading) -> list[str]:
    delimiter = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}[reading.delimiter]
    notes = [f"Encodage {reading.encoding}, séparateur {delimiter}."]
    if reading.renamed_columns:
        shown = ", ".join(f"« {title} » → {name}" for title, name in reading.renamed_columns[:3])
        more = len(reading.renamed_columns) - 3
        notes.append(f"Colonnes reconnues sous un autre titre : {shown}{f' et {more} autre(s)' if more > 0 else ''}.")
    if reading.ignored_columns:
        notes.append("Colonnes ignorées : " + ", ".join(f"« {title} »" for title in reading.ignored_columns) + ".")
    return notes


def _from_grant(grant: scdl.Grant) -> ImportRow:
    note = f"Import SCDL : versement {grant.conditions_versement} ({grant.dates_periode_versement})"
    if grant.pourcentage != 1:
        note += f", {grant.pourcentage * 100:g} % d'une subvention de {scdl.format_amount(grant.montant_cents)} €"
    return ImportRow(
        line=grant.line, project=grant.objet[:200], carrier=grant.nom_beneficiaire, carrier_siret=grant.id_beneficiaire,
        funder=grant.nom_attribuant, funder_siret=grant.id_attribuant, kind=EntryKind.ACCORD,
        fiscal_year=grant.date_convention.year, event_date=grant.date_convention,
        decision_date=grant.date_convention, amount_cents=grant.beneficiary_cents,
        reference=grant.reference_decision, note=note + ".",
    )


def _from_ledger_row(row: ledger_csv.LedgerRow) -> ImportRow:
    decision = row.decision_date or (row.event_date if row.kind is EntryKind.ACCORD else None)
    return ImportRow(
        line=row.line, project=row.project, carrier=row.carrier, carrier_siret=row.carrier_siret, funder=row.funder,
        funder_siret=row.funder_siret, kind=row.kind, fiscal_year=row.fiscal_year, event_date=row.event_date,
        amount_cents=row.amount_cents, payment_kind=row.payment_kind, decision_date=decision,
        reference=row.reference, note=row.note, seq=row.seq, annuls_seq=row.annuls_seq,
    )


# --- organisations and projects ---------------------------------------------------------------------------

_KIND_HINTS = (
    (r"\bcaf\b|caisse d.allocations familiales", OrganisationKind.CAF),
    (r"departement|conseil general|conseil departemental", OrganisationKind.DEPARTEMENT),
    (r"centre social|centre socio", OrganisationKind.CENTRE_SOCIAL),
    (r"^(ville|commune|mairie)\b|\bmairie\b", OrganisationKind.COMMUNE),
    (r"\betat\b|prefecture|ministere|\bdreets\b|\bddets\b", OrganisationKind.ETAT),
    (r"association|\basso\b|amicale|club|comite", OrganisationKind.ASSOCIATION),
)


def guess_kind(name: str) -> OrganisationKind:
    """A first guess from the name, for organisations an import creates (an admin corrects it later)."""
    folded = tabular.simplify_words(name)
    return next((kind for pattern, kind in _KIND_HINTS if re.search(pattern, folded)), OrganisationKind.AUTRE)


NEW_FUNDER = -1  # the rules' key for a funder this import has yet to create (it has no entries anywhere)


class Directory:
    """Organisations and projects found by SIRET or name (case and accents aside), created when missing.

    Finding and creating are separate steps: a row is checked against the rules before anything it
    needs is created, so a refused row leaves no organisation or project behind (``--skip-invalid``)."""

    def __init__(self, report: ImportReport):
        self.report = report
        organisations = db.session.execute(select(Organisation)).scalars().all()
        self.by_siret = {org.siret: org for org in organisations if org.siret}
        self.by_name = {tabular.simplify(org.name): org for org in organisations}
        self.projects: dict[tuple[str, int], Project] = {}
        self.projects_by_title: dict[str, list[Project]] = {}
        for project in db.session.execute(select(Project)).scalars():
            self._index(project)

    def _index(self, project: Project) -> None:
        title = tabular.simplify(project.title)
        self.projects[(title, project.carrier_id)] = project
        self.projects_by_title.setdefault(title, []).append(project)

    def find_organisation(self, name: str | None, siret: str | None) -> Organisation | None:
        return (self.by_siret.get(siret) if siret else None) or self.by_name.get(tabular.simplify(name or ""))

    def find_project(self, row: ImportRow, carrier: Organisation | None) -> Project | None:
        """The row's project; None when it is to be created (its carrier is named)."""
        title = tabular.simplify(row.project)
        if carrier is not None:
            return self.projects.get((title, carrier.id))
        if row.carrier:
            return None  # a new carrier: a new project
        candidates = self.projects_by_title.get(title, [])
        if len(candidates) == 1:
            return candidates[0]
        problem = "plusieurs projets portent ce titre" if candidates else "aucun projet ne porte ce titre"
        raise LedgerRuleError(f"« {row.project} » : {problem} ; indiquez le porteur (colonne Porteur) pour "
                              "le trouver ou le créer.")

    def create_organisation(self, name: str, siret: str | None) -> Organisation:
        organisation = Organisation(name=name[:200], kind=guess_kind(name), siret=siret)
        db.session.add(organisation)
        db.session.flush()
        self.by_name[tabular.simplify(name)] = organisation
        if siret:
            self.by_siret[siret] = organisation
        self.report.organisations_created.append(organisation)
        audit.record("organisation.imported", target=f"organisation:{organisation.id}", file=self.report.filename)
        return organisation

    def create_project(self, title: str, carrier: Organisation) -> Project:
        project = create_imported_project(title, carrier, self.report.filename)
        self._index(project)
        self.report.projects_created.append(project)
        return project


def create_imported_project(title: str, carrier: Organisation, filename: str) -> Project:
    """A project an import needs and does not find: its carrier's partners only see it at first."""
    from portal.projects.models import Visibility
    from portal.projects.services.pages import ProjectData, create_project

    return create_project(None, ProjectData(title=title, carrier_id=carrier.id, visibility=Visibility.PARTNERS,
                                            summary=f"Projet créé par l'import de {filename}."))


# --- writing ------------------------------------------------------------------------------------------------

class EntryWriter:
    """New entries' rows, inserted by batches in one executemany each (no ORM object per row)."""

    def __init__(self):
        self.pending: list[dict] = []

    def add(self, row: dict) -> None:
        self.pending.append(row)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            db.session.execute(insert(LedgerEntry), self.pending)
            self.pending = []


@dataclass
class Numbered:
    """An entry the file may point at by its number (« Annule l'écriture n° »): its key in the rules'
    state and where it is (project, seq), its id known at once for an entry already there, after the
    writer's next batch for a new one."""

    key: int
    project_id: int
    seq: int
    entry_id: int | None = None

    def id(self, writer: EntryWriter) -> int:
        if self.entry_id is None:
            writer.flush()
            self.entry_id = db.session.scalar(select(LedgerEntry.id).where(
                LedgerEntry.project_id == self.project_id, LedgerEntry.seq == self.seq))
        return self.entry_id


class ProjectLedger:
    """One project's ledger during an import: its rules' state, its chain head, what is already there.

    Entries written by the import enter the rules' state under a negative key (minus their line) so
    the INSERTs can wait for a batched flush instead of one round trip each."""

    def __init__(self, project: Project, existing: bool):
        rows = []
        if existing:  # a project created by this import is invisible to others until the commit
            lock_chain(project.id)
            rows = db.session.execute(
                select(LedgerEntry.id, LedgerEntry.seq, LedgerEntry.kind, LedgerEntry.fiscal_year,
                       LedgerEntry.amount_cents, LedgerEntry.funder_id, LedgerEntry.payment_kind,
                       LedgerEntry.annuls_entry_id, LedgerEntry.event_date, LedgerEntry.reference, LedgerEntry.hash)
                .where(LedgerEntry.project_id == project.id).order_by(LedgerEntry.seq)
            ).all()
        self.project = project
        self.state = LedgerState(facts_of(row) for row in rows)
        self.head = (rows[-1].seq, rows[-1].hash) if rows else (0, GENESIS_HASH)
        self.seen = {_signature(row.kind, row.funder_id, row.fiscal_year, row.event_date, row.amount_cents,
                                row.reference, row.annuls_entry_id): Numbered(row.id, project.id, row.seq, row.id)
                     for row in rows}
        self.by_file_seq: dict[int, Numbered] = {}
        self.revision_id = current_revision_id(project.id)


def _signature(*values) -> tuple:
    """What makes two entries the same, for an import run twice."""
    return tuple(values)


@dataclass
class Resolved:
    """What a row points at, found but not yet created."""

    carrier: Organisation | None
    funder: Organisation | None
    project: Project | None


class Importer:
    def __init__(self, report: ImportReport, today: date):
        self.report = report
        self.today = today
        self.directory = Directory(report)
        self.ledgers: dict[int, ProjectLedger] = {}
        self.source = f"import : {report.filename}"[:200]
        self.writer = EntryWriter()

    def ledger(self, project: Project) -> ProjectLedger:
        if project.id not in self.ledgers:
            existing = project not in self.report.projects_created
            self.ledgers[project.id] = ProjectLedger(project, existing)
        return self.ledgers[project.id]

    def add(self, row: ImportRow) -> None:
        """Check the row against its project's ledger, then create what it needs and append it."""
        found = self._resolve(row)
        ledger = self.ledger(found.project) if found.project else None
        fields, facts = self._entry(row, ledger, found.funder)
        signature = _signature(fields["kind"], fields["funder_id"], fields["fiscal_year"], fields["event_date"],
                               fields["amount_cents"], fields["reference"], fields["annuls_entry_id"])
        if ledger is not None and signature in ledger.seen:
            self.report.duplicates += 1
            self._number(ledger, row, ledger.seen[signature])
            return
        (ledger.state if ledger else LedgerState()).check(facts, self.today)
        ledger = ledger or self.ledger(self._create_project(row, found))
        if fields["funder_id"] == NEW_FUNDER:
            fields["funder_id"] = self.directory.create_organisation(row.funder, row.funder_siret).id
            facts = replace(facts, funder_id=fields["funder_id"])
        written = chained_row(ledger.project.id, {**fields, "project_revision_id": ledger.revision_id}, ledger.head)
        self.writer.add(written)
        ledger.head = (written["seq"], written["hash"])
        ledger.state.add(facts)
        numbered = Numbered(facts.key, ledger.project.id, written["seq"])
        ledger.seen[signature] = numbered
        self._number(ledger, row, numbered)
        self.report.entries += 1
        self.report.projects_touched.add(ledger.project.id)

    def _resolve(self, row: ImportRow) -> Resolved:
        carrier = self.directory.find_organisation(row.carrier, row.carrier_siret)
        funder = None
        if row.kind is not EntryKind.BUDGET:
            funder = self.directory.find_organisation(row.funder, row.funder_siret)
        return Resolved(carrier, funder, self.directory.find_project(row, carrier))

    def _create_project(self, row: ImportRow, found: Resolved) -> Project:
        carrier = found.carrier or self.directory.create_organisation(row.carrier, row.carrier_siret)
        return self.directory.create_project(row.project, carrier)

    def _entry(self, row: ImportRow, ledger: ProjectLedger | None,
               funder: Organisation | None) -> tuple[dict, EntryFacts]:
        """The entry's columns, and its facts for the rules (keyed by minus its line)."""
        funder_id = funder.id if funder else (None if row.kind is EntryKind.BUDGET else NEW_FUNDER)
        fields = {"kind": row.kind.value, "funder_id": funder_id, "fiscal_year": row.fiscal_year,
                  "event_date": row.event_date, "amount_cents": row.amount_cents, "reference": row.reference,
                  "note": row.note, "payment_kind": row.payment_kind.value if row.payment_kind else None,
                  "decision_date": row.decision_date, "annuls_entry_id": None, "source": self.source}
        annuls_key = None
        if row.kind is EntryKind.ANNULATION:
            numbered = ledger.by_file_seq.get(row.annuls_seq) if ledger else None
            target = ledger.state.by_key.get(numbered.key) if numbered else None
            if target is None:
                raise LedgerRuleError(f"L'écriture n° {row.annuls_seq} que cette ligne annule ne figure pas plus "
                                      "haut dans le fichier pour ce projet.")
            annuls_key = target.key
            fields.update(funder_id=target.funder_id, fiscal_year=target.fiscal_year,
                          amount_cents=target.amount_cents, annuls_entry_id=numbered.id(self.writer))
        facts = EntryFacts(-row.line, row.kind, fields["fiscal_year"], fields["amount_cents"], fields["funder_id"],
                           row.payment_kind, annuls_key)
        return fields, facts

    @staticmethod
    def _number(ledger: ProjectLedger, row: ImportRow, numbered: Numbered) -> None:
        if row.seq is not None:
            ledger.by_file_seq[row.seq] = numbered


def import_funding(data: bytes, filename: str, *, skip_invalid: bool = False, today: date | None = None,
                   progress: Callable = nullcontext) -> ImportReport:
    """Read the file and append its rows to the ledgers; the caller commits or rolls back.

    Rows that cannot be read or that a rule refuses are in ``report.problems`` with their line; with
    such rows and without ``skip_invalid``, nothing should be kept (the caller rolls back).
    ``progress(rows)`` is a context manager giving the rows back (``click.progressbar`` fits)."""
    report = ImportReport(filename=filename)
    rows = read_rows(data, report)
    if report.problems and not skip_invalid:
        return report
    importer = Importer(report, today or date.today())
    with progress(rows) as shown_rows:
        for row in shown_rows:
            try:
                importer.add(row)
            except LedgerRuleError as error:
                report.problems.append(RowProblem(row.line, [error.message]))
    importer.writer.flush()
    rebuild_totals(report.projects_touched)  # the rows went in by batches, past the ledger service
    report.problems.sort(key=lambda problem: problem.line)
    audit.record("funding.imported", target=filename, entries=report.entries, problems=len(report.problems),
                 organisations=len(report.organisations_created), projects=len(report.projects_created))
    return report
