"""Backups of a busy portal, restored elsewhere and compared row by row, byte for byte.

The comparison walks whatever tables the database holds (reflected, not listed here), so the
projects, ledger and comptes rendus tables are covered as soon as they exist; the demo data of every
module is the seed, and every registered verifier (the ledger chains among them) runs after restore.
"""

import hashlib
import os
import stat
import threading
import time
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import Column, Integer, LargeBinary, MetaData, Table, create_engine, inspect, make_url, select

from portal import create_app
from portal.accounts.models import Organisation, OrganisationKind, User
from portal.core import integrity
from portal.core.audit import AuditEvent
from portal.core.backup import _conninfo
from portal.core.db import db, utcnow, write_intent
from portal.core.schema import script_directory
from portal.demo import load_demo
from portal.funding.models import LedgerEntry
from portal.funding.services.ledger import chained_row
from portal.meetings.models import ReportVersion
from tests.support.database import is_postgresql

pytestmark = pytest.mark.slow

# A table of the test's own with a binary column, standing for the stored PDFs: bytes must come back
# identical. Created beside the portal's tables, it also shows the backup does not depend on the models.
probe_metadata = MetaData()
probe = Table("backup_probe", probe_metadata,
              Column("id", Integer, primary_key=True),
              Column("txn", Integer, nullable=False),
              Column("payload", LargeBinary, nullable=False))

# Each writer transaction adds one row to each of these tables.
WRITER_TABLES = ("organisations", "users", "audit_events", "ledger_entries", "report_versions", "backup_probe")
LEDGER_PROJECT = 1  # the demo's first project: the writer extends its funding chain
REPORT = 1  # the demo's compte rendu (version 1 published): the writer stores version n + 1


def seed(app, blobs: int = 40) -> None:
    with app.app_context(), write_intent():
        load_demo("mot-de-passe-demo")
        db.session.commit()
        probe_metadata.create_all(db.engine)
        with db.engine.begin() as connection:
            for _ in range(blobs):  # a few megabytes, so the copy takes a moment
                connection.execute(probe.insert().values(txn=0, payload=os.urandom(256 * 1024)))
        db.engine.dispose()


class Writer(threading.Thread):
    """Keeps the portal busy: transaction n adds an organisation, its user, an audit event, an entry at the
    head of a ledger's hash chain, a published PDF version and a blob, one statement at a time, so that a
    backup often starts while a transaction is half written (a restored chain must end on a whole entry,
    or it would not verify)."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine = create_engine(url)
        self.committed = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        try:
            while not self.stop.is_set():
                self.write(self.committed + 1)
                self.committed += 1
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error
        finally:
            self.engine.dispose()

    def write(self, n: int) -> None:
        with self.engine.begin() as connection:
            organisation_id = connection.execute(Organisation.__table__.insert().values(
                name=f"Écriture {n}", kind=OrganisationKind.ASSOCIATION)).inserted_primary_key[0]
            time.sleep(0.001)
            connection.execute(User.__table__.insert().values(
                email=f"ecriture-{n}@exemple.fr", full_name=f"Écriture {n}", organisation_id=organisation_id))
            connection.execute(AuditEvent.__table__.insert().values(action="test.write", target=f"txn:{n}"))
            self.append_to_ledger(connection, n)
            self.store_version(connection, n)
            time.sleep(0.001)
            connection.execute(probe.insert().values(txn=n, payload=os.urandom(32 * 1024)))


    def append_to_ledger(self, connection, n: int) -> None:
        """The next entry of the chain, hashed by the ledger's own code (``chained_row``)."""
        entries = LedgerEntry.__table__
        head = connection.execute(select(entries.c.seq, entries.c.hash).where(entries.c.project_id == LEDGER_PROJECT)
                                  .order_by(entries.c.seq.desc()).limit(1)).one()
        fields = {"kind": "budget", "fiscal_year": 2026, "event_date": date(2026, 1, 1), "amount_cents": 100 * n,
                  "source": f"txn:{n}"}
        connection.execute(entries.insert().values(**chained_row(LEDGER_PROJECT, fields, tuple(head))))


    def store_version(self, connection, n: int) -> None:
        """A published version of the demo's compte rendu, as publishing stores it: bytes and their sha256
        (checked by the meetings verifier after the restore)."""
        pdf = b"%PDF-1.7\n" + os.urandom(48 * 1024)
        connection.execute(ReportVersion.__table__.insert().values(
            report_id=REPORT, number=n + 1, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), size_bytes=len(pdf),
            page_count=1, heading="Atelier n°2 : Isolement", markdown_source=f"Version {n + 1}",
            change_note=f"txn:{n}", published_at=utcnow()))


def backup_during_writes(app, writer: Writer, path) -> tuple[int, int]:
    """Back up while the writer commits; retried until writes really happened during the backup.
    Returns how many transactions were committed before it started and after it ended."""
    runner = app.test_cli_runner()
    while writer.committed < 5 and writer.is_alive():  # some writes land before the backup point
        time.sleep(0.01)
    for _ in range(20):
        before = writer.committed
        result = runner.invoke(args=["portal", "backup", str(path)])
        after = writer.committed
        assert result.exit_code == 0, result.output
        if after > before:
            return before, after
    pytest.fail("no transaction was committed while a backup ran: the test proves nothing")


def all_rows(url: str) -> dict[str, dict[tuple, dict]]:
    """Every row of every table, by primary key, read through reflection (no model needed)."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        rows = {}
        for table in metadata.sorted_tables:
            key = [column.name for column in table.primary_key.columns]
            rows[table.name] = {tuple(row._mapping[name] for name in key): dict(row._mapping)
                                for row in connection.execute(select(table))}
    engine.dispose()
    return rows


# Where each writer transaction n leaves its mark: f"{prefix}{n}" in that column of that table.
WRITER_MARKS = {"organisations": ("name", "Écriture "), "users": ("full_name", "Écriture "),
                "audit_events": ("target", "txn:"), "ledger_entries": ("source", "txn:"),
                "report_versions": ("change_note", "txn:")}


def writer_transactions(rows: dict) -> dict[str, set[int]]:
    """Which writer transactions each of its tables holds."""
    found = {table: {int(row[column].removeprefix(prefix)) for row in rows[table].values()
                     if (row[column] or "").startswith(prefix)}
             for table, (column, prefix) in WRITER_MARKS.items()}
    found["backup_probe"] = {row["txn"] for row in rows["backup_probe"].values() if row["txn"]}
    return found


def test_a_busy_portal_is_backed_up_consistently_and_restored_whole(fresh_apps, tmp_path):
    source = fresh_apps(migrate=True)
    seed(source)
    url = source.config["SQLALCHEMY_DATABASE_URI"]
    writer = Writer(url)
    writer.start()
    try:
        before, after = backup_during_writes(source, writer, tmp_path / "passerelle.sauvegarde")
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None, writer.error

    target = fresh_apps()
    result = target.test_cli_runner().invoke(args=["portal", "restore", str(tmp_path / "passerelle.sauvegarde")])
    assert result.exit_code == 0, result.output
    assert "[ok] Schéma de la base au niveau du code" in result.output
    assert "[ÉCHEC]" not in result.output

    source_rows, restored_rows = all_rows(url), all_rows(target.config["SQLALCHEMY_DATABASE_URI"])
    assert restored_rows.keys() == source_rows.keys()
    # Every restored row exists in the source, identical (blobs byte for byte, JSON, times).
    for table, rows in restored_rows.items():
        for key, row in rows.items():
            assert source_rows[table].get(key) == row, f"{table} {key} differs from the source"
    # Whole transactions only, and a prefix of them: the database as of one instant.
    present = writer_transactions(restored_rows)
    kept = present["backup_probe"]
    assert all(numbers == kept for numbers in present.values()), "a transaction was restored in part"
    assert kept == set(range(1, len(kept) + 1))
    assert before <= len(kept) <= after
    # Nothing else is missing: the source minus the writes after the backup point.
    lost = writer.committed - len(kept)
    for table, rows in source_rows.items():
        assert len(restored_rows[table]) == len(rows) - (lost if table in WRITER_TABLES else 0), table
    assert len(restored_rows["backup_probe"]) >= 40
    # The published comptes rendus (the demo's, and those stored under load) are back byte for byte, and
    # match the sha256 they were published with (the row comparison above covers the bytes; this says so).
    versions = restored_rows["report_versions"].values()
    assert len(versions) == 1 + len(kept)
    assert all(v["pdf"].startswith(b"%PDF-") and hashlib.sha256(v["pdf"]).hexdigest() == v["sha256"] for v in versions)
    # Every registered verifier passes on the restored copy, the ledger chains with the entries written
    # under load among them (the restore command ran them too; here each is named).
    with target.app_context():
        verdicts = {result.verifier.name: result.verdict for result in integrity.run_verifiers()}
        db.engine.dispose()
    assert all(verdict.ok for verdict in verdicts.values()), verdicts
    ledger_rows = len(restored_rows["ledger_entries"])
    assert verdicts["funding.ledger"].summary.startswith(f"{ledger_rows} écriture(s) vérifiée(s)")


def test_the_backup_is_private_and_replaces_an_older_one_whole(fresh_apps, tmp_path):
    app = fresh_apps(migrate=True)
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    path = folder / "passerelle.sauvegarde"
    path.write_bytes(b"ancienne sauvegarde")
    result = app.test_cli_runner().invoke(args=["portal", "backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "Sauvegarde écrite" in result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes()[:5] in (b"SQLit", b"PGDMP")
    assert [p.name for p in folder.iterdir()] == ["passerelle.sauvegarde"]  # no partial file left


def test_backup_into_a_missing_folder_is_refused(fresh_apps, tmp_path):
    app = fresh_apps(migrate=True)
    result = app.test_cli_runner().invoke(args=["portal", "backup", str(tmp_path / "nulle-part" / "x.dump")])
    assert result.exit_code == 1
    assert "n'existe pas" in result.output


def make_backup(app, path) -> None:
    result = app.test_cli_runner().invoke(args=["portal", "backup", str(path)])
    assert result.exit_code == 0, result.output


def test_restore_never_overwrites_a_database_that_has_tables(fresh_apps, tmp_path):
    source = fresh_apps(migrate=True)
    make_backup(source, tmp_path / "s.dump")
    target = fresh_apps(migrate=True)
    with target.app_context():
        tables_before = inspect(db.engine).get_table_names()
    result = target.test_cli_runner().invoke(args=["portal", "restore", str(tmp_path / "s.dump")])
    assert result.exit_code == 1
    assert "La base cible n'est pas vide" in result.output
    assert "créez une base vide" in result.output
    with target.app_context():
        assert inspect(db.engine).get_table_names() == tables_before


def test_restore_refuses_a_file_that_is_not_a_backup(fresh_apps, tmp_path):
    (tmp_path / "notes.txt").write_text("pas une sauvegarde")
    result = fresh_apps().test_cli_runner().invoke(args=["portal", "restore", str(tmp_path / "notes.txt")])
    assert result.exit_code == 1
    assert "n'est pas une sauvegarde de Passerelle" in result.output


def test_restore_refuses_a_backup_of_the_other_engine(fresh_apps, tmp_path):
    other = b"SQLite format 3\x00" if is_postgresql() else b"PGDMP\x01\x0e\x00"
    (tmp_path / "autre.dump").write_bytes(other + bytes(100))
    result = fresh_apps().test_cli_runner().invoke(args=["portal", "restore", str(tmp_path / "autre.dump")])
    assert result.exit_code == 1
    assert "elle se restaure dans une base" in result.output


def test_restore_of_an_older_schema_says_to_upgrade(fresh_apps, tmp_path):
    source = fresh_apps()
    with source.app_context():
        head = script_directory().get_revision(script_directory().get_current_head())
        upgrade(revision=head.down_revision)
    make_backup(source, tmp_path / "ancienne.dump")
    result = fresh_apps().test_cli_runner().invoke(args=["portal", "restore", str(tmp_path / "ancienne.dump")])
    assert result.exit_code == 0, result.output
    assert f"le code attend {head.revision}" in result.output
    assert "flask --app wsgi db upgrade" in result.output


def test_restore_of_a_backup_from_a_newer_version_is_flagged(fresh_apps, tmp_path):
    source = fresh_apps(migrate=True)
    with source.app_context():
        db.session.execute(db.text("UPDATE alembic_version SET version_num = 'f00dfacef00d'"))
        db.session.commit()
    make_backup(source, tmp_path / "future.dump")
    result = fresh_apps().test_cli_runner().invoke(args=["portal", "restore", str(tmp_path / "future.dump")])
    assert result.exit_code == 1
    assert "version plus récente de Passerelle" in result.output


def test_the_password_never_reaches_the_command_line():

    url = make_url("postgresql+psycopg://passerelle:s3cr%C3%A8t@/passerelle?host=/var/run/postgresql&sslmode=disable")
    conninfo = _conninfo(url)
    assert "s3cr" not in conninfo
    assert "host=/var/run/postgresql" in conninfo and "dbname=passerelle" in conninfo
    assert "user=passerelle" in conninfo and "sslmode=disable" in conninfo


def fake_program(folder, name: str, version: str) -> None:
    """A stand-in for pg_dump that records its arguments and PGPASSWORD, then writes a dump header."""
    script = folder / name
    script.write_text(f"""#!/bin/sh
if [ "$1" = "--version" ]; then echo "{name} (PostgreSQL) {version} (Debian)"; exit 0; fi
echo "$@" > {folder}/arguments
echo "$PGPASSWORD" > {folder}/password
for argument in "$@"; do case "$argument" in --file=*) printf 'PGDMP' > "${{argument#--file=}}";; esac; done
""")
    script.chmod(0o755)


@pytest.mark.skipif(not is_postgresql(), reason="pg_dump is for PostgreSQL")
def test_pg_dump_gets_the_password_from_the_environment(fresh_apps, tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake_program(bindir, "pg_dump", "15.20")
    url = make_url(fresh_apps(migrate=True).config["SQLALCHEMY_DATABASE_URI"]).set(password="mot-de-passe-base")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False), "SECRET_KEY": "k",
                      "PG_BINDIR": str(bindir)})
    result = app.test_cli_runner().invoke(args=["portal", "backup", str(tmp_path / "s.dump")])
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    arguments = (bindir / "arguments").read_text()
    assert "--format=custom" in arguments and "mot-de-passe-base" not in arguments
    assert (bindir / "password").read_text().strip() == "mot-de-passe-base"


@pytest.mark.skipif(not is_postgresql(), reason="pg_dump is for PostgreSQL")
def test_an_older_pg_dump_is_refused_with_what_to_install(fresh_apps, tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake_program(bindir, "pg_dump", "13.4")
    app = fresh_apps(migrate=True, PG_BINDIR=str(bindir))
    result = app.test_cli_runner().invoke(args=["portal", "backup", str(tmp_path / "s.dump")])
    assert result.exit_code == 1
    assert "version 13 et le serveur de la version 15" in result.output
    assert "postgresql-client-15" in result.output
    assert not (bindir / "arguments").exists()


@pytest.mark.skipif(not is_postgresql(), reason="pg_dump is for PostgreSQL")
def test_a_missing_pg_dump_is_named(fresh_apps, tmp_path):
    app = fresh_apps(migrate=True, PG_BINDIR=str(tmp_path))
    result = app.test_cli_runner().invoke(args=["portal", "backup", str(tmp_path / "s.dump")])
    assert result.exit_code == 1
    assert "pg_dump est introuvable" in result.output
