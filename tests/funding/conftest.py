"""A small network around one project, with a person for each place in the permission table."""

import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event

from portal.accounts.models import Organisation, OrganisationKind, Role, User
from portal.core.db import db
from portal.funding.rules import EntryKind, PaymentKind
from portal.funding.services.ledger import NewEntry, record_entry
from portal.projects.models import PartnerRole, Project, Visibility
from tests.support.factories import make_organisation, make_project, make_user

TODAY = date(2024, 6, 1)
SCDL_DATA = Path(__file__).parent / "data" / "scdl"

# Real, valid SIRETs (from the official SCDL example and the README of the standard).
SIRETS = {"carrier": "52499120500013", "caf": "22490001900015", "departement": "21060004500392",
          "co_porteur": "38033590100027"}


@dataclass
class World:
    carrier: Organisation
    co_porteur: Organisation
    caf: Organisation
    departement: Organisation
    operational: Organisation
    stranger: Organisation
    coordinator: User
    carrier_member: User
    co_porteur_member: User
    caf_member: User
    departement_member: User
    operational_member: User
    stranger_member: User
    project: Project

    def entry(self, kind: EntryKind, amount: int, funder: Organisation | None = None, year: int = 2024,
              actor: User | None = None, project: Project | None = None, **fields):
        """Record an entry through the service (as a command, unless an actor is given)."""
        if kind is EntryKind.VERSEMENT:
            fields.setdefault("payment_kind", PaymentKind.ACOMPTE)
        if kind is EntryKind.ACCORD:
            fields.setdefault("decision_date", date(year, 3, 1))
        new = NewEntry(kind=kind, fiscal_year=year, event_date=fields.pop("event_date", date(year, 3, 15)),
                       amount_cents=amount, funder=None if kind is EntryKind.BUDGET else (funder or self.caf),
                       **fields)
        return record_entry(project or self.project, actor, new, today=TODAY)


@pytest.fixture
def world(app) -> World:
    org = {
        "carrier": make_organisation("Centre social de Belley", siret=SIRETS["carrier"]),
        "co_porteur": make_organisation("Centre social de Virieu", siret=SIRETS["co_porteur"]),
        "caf": make_organisation("CAF de l'Ain", OrganisationKind.CAF, siret=SIRETS["caf"]),
        "departement": make_organisation("Conseil départemental de l'Ain", OrganisationKind.DEPARTEMENT,
                                         siret=SIRETS["departement"]),
        "operational": make_organisation("Les Voisins du Bugey", OrganisationKind.ASSOCIATION),
        "stranger": make_organisation("Centre social d'ailleurs"),
    }
    people = {f"{key}_member": make_user(organisation=organisation, full_name=f"Membre {organisation.name}")
              for key, organisation in org.items()}
    coordinator = make_user(Role.COORDINATOR, organisation=make_organisation("Fédération"),
                            full_name="Fouzia Coordination")
    project = make_project(author=people["carrier_member"], title="Entracte", visibility=Visibility.PARTNERS,
                           partners=[(org["co_porteur"], PartnerRole.CO_PORTEUR), (org["caf"], PartnerRole.FINANCEUR),
                                     (org["operational"], PartnerRole.OPERATIONNEL)])
    db.session.flush()
    return World(**org, **people, coordinator=coordinator, project=project)


@contextmanager
def counted_statements():
    """The SQL statements run inside the block (on the test's connection)."""
    statements: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    target = db.engines[None]  # the test's connection (see tests/conftest.py)
    event.listen(target, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", remember)


def frictionless(tmp_path: Path, name: str, content: bytes) -> subprocess.CompletedProcess:
    """``frictionless validate --schema schema.json FILE`` against the SCDL schema (run inside tmp_path:
    the tool refuses paths outside its working directory)."""
    shutil.copy(SCDL_DATA / "schema.json", tmp_path / "schema.json")
    (tmp_path / name).write_bytes(content)
    command = [str(Path(sys.executable).with_name("frictionless")), "validate", "--schema", "schema.json", name]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)


@pytest.fixture(autouse=True)
def _totals_follow_the_ledger(request):
    """After every test that wrote to a ledger (forms, services, imports, annulations), the running
    totals are what the ledger says: whichever path appended, it kept them in the same transaction."""
    yield
    if "app" not in request.fixturenames:
        return
    from portal.funding.services.totals import differences
    db.session.rollback()  # a test that ended on a refused statement: check what it kept
    assert differences() == []
