"""A whole network exported, imported into an empty portal, compared table by table, and exported again.

The round trip reads every table through reflection and compares it with its source, except the columns
the format leaves behind on purpose (secrets): whatever a module adds to its tables is covered as soon
as it registers its kinds, and ``test_every_table_and_column_is_exported_or_left_behind_with_a_reason``
makes sure it does.
"""

import hashlib
import json
import os
import stat
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, create_engine, func, select

from portal import create_app
from portal.accounts import second_factor
from portal.accounts.models import Invitation, Organisation, Role, User
from portal.accounts.services import anonymise_user, invite
from portal.core import portability
from portal.core.db import db, write_intent
from portal.demo import load_demo
from portal.funding.chain import verify_rows
from portal.meetings.models import CompteRendu, ReportVersion
from portal.meetings.services import reports
from portal.projects.models import Project
from portal.projects.services.comments import delete_comment, post_comment
from tests.core.test_backup import Writer
from tests.core.test_backup import probe_metadata as backup_probe_metadata
from tests.support.database import is_postgresql
from tests.support.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "mot-de-passe-demo"

# A kind of the test's own with a binary column, standing for the published PDFs (meetings): the bytes
# travel as files beside the JSON and come back identical.
probe_metadata = MetaData()
probe = Table("portability_probe", probe_metadata,
              Column("id", Integer, primary_key=True),
              Column("label", String(40), nullable=False),
              Column("pdf", LargeBinary, nullable=True))
PROBE_KIND = portability.Kind("probes", "probe", probe, "Stand-in for stored PDFs.",
                              fields={"id": "Identifier.", "label": "Label.", "pdf": "Bytes."},
                              file_names={"pdf": "compte-rendu-{id}.pdf"})
PDF_BYTES = [b"%PDF-1.7\n" + os.urandom(50_000), b"%PDF-1.7\n" + bytes(range(256)) * 40, None]


@pytest.fixture
def probe_kind(monkeypatch):
    monkeypatch.setitem(portability._kinds, PROBE_KIND.name, PROBE_KIND)


def add_probe_table(app, rows: bool) -> None:
    with app.app_context():
        probe_metadata.create_all(db.engine)
        if rows:
            with db.engine.begin() as connection:
                connection.execute(probe.insert(), [{"id": n, "label": f"compte rendu {n}", "pdf": data}
                                                    for n, data in enumerate(PDF_BYTES, start=1)])
        db.engine.dispose()


def seed(app) -> dict:
    """The demo network, plus what it lacks: a second factor with recovery codes, an anonymised person,
    a deleted comment, a pending invitation. Returns the secrets that must not leave."""
    with app.app_context(), write_intent():
        load_demo(DEMO_PASSWORD)
        admin = make_user(Role.ADMIN, full_name="Admin Export")
        codes = second_factor._replace_recovery_codes(admin)
        departed = make_user(full_name="Personne Partie")
        anonymise_user(admin, departed)
        project = db.session.execute(select(Project).order_by(Project.id)).scalars().first()
        delete_comment(admin, post_comment(admin, project, "Un message retiré ensuite."))
        invite(admin, "invitee@exemple.fr", "Invitée", admin.organisation, Role.MEMBER)
        report = db.session.execute(select(CompteRendu).order_by(CompteRendu.id)).scalars().first()
        report.body += "\n\nAjout après la rencontre : les prochaines dates."
        reports.publish(admin, report, "Ajout des prochaines dates")  # version 2 beside version 1
        db.session.commit()
        users = db.session.execute(select(User)).scalars().all()
        secrets = {
            "password hashes": {user.password_hash for user in users if user.password_hash},
            "second-factor keys": {admin.totp_secret},
            "session tokens": {user.session_token for user in users},
            "recovery codes": set(codes),
        }
        db.engine.dispose()
    return secrets


def table_rows(app, kinds) -> dict[str, list[dict]]:
    """Every row of each kind's table, read through reflection, without the columns left behind."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    metadata = MetaData()
    metadata.reflect(engine)
    rows = {}
    with engine.connect() as connection:
        for kind in kinds:
            table = metadata.tables[kind.table.name]
            key = [table.c[c.name] for c in kind.table.primary_key.columns]
            rows[kind.name] = [{name: value for name, value in row._mapping.items() if name not in kind.omitted}
                               for row in connection.execute(select(table).order_by(*key))]
    engine.dispose()
    return rows


def export(app, folder: Path):
    result = app.test_cli_runner().invoke(args=["portal", "export-network", str(folder)])
    assert result.exit_code == 0, result.output
    return result


def import_(app, folder: Path):
    return app.test_cli_runner().invoke(args=["portal", "import-network", str(folder)])


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.slow
def test_a_network_goes_round_trip_whole(fresh_apps, tmp_path, probe_kind):
    source = fresh_apps(migrate=True)
    add_probe_table(source, rows=True)
    secrets = seed(source)
    first = tmp_path / "export"
    output = export(source, first).output
    assert "ledger_entries" in output and "données personnelles" in output

    # What left: documented files, private, listed with their sha256; no secret anywhere.
    manifest = json.loads((first / "manifest.json").read_text())
    on_disk = files_of(first)
    assert {record["path"] for record in manifest["files"]} | {"manifest.json"} == set(on_disk)
    for record in manifest["files"]:
        assert hashlib.sha256(on_disk[record["path"]]).hexdigest() == record["sha256"]
    assert all(stat.S_IMODE((first / path).stat().st_mode) == 0o600 for path in on_disk)
    text = b"".join(on_disk.values()).decode("utf-8", "replace")
    for what, values in secrets.items():
        assert not any(value in text for value in values), f"{what} were exported"
    assert "argon2" not in text
    assert (first / "probe" / "probes" / "compte-rendu-1.pdf").read_bytes() == PDF_BYTES[0]
    # Every published version of every compte rendu, its PDF beside the JSON, as stored, with its sha256.
    versions = json.loads((first / "meetings" / "report_versions.json").read_text())["rows"]
    assert sorted((v["report_id"], v["number"]) for v in versions) == [(1, 1), (1, 2)]
    with source.app_context():
        stored = {v.id: v for v in db.session.execute(select(ReportVersion)).scalars()}
        for version in versions:
            pdf = (first / version["pdf"]["file"]).read_bytes()
            assert pdf == stored[version["id"]].pdf and pdf.startswith(b"%PDF-")
            assert hashlib.sha256(pdf).hexdigest() == version["sha256"] == version["pdf"]["sha256"]
        db.engine.dispose()

    target = fresh_apps(migrate=True)
    add_probe_table(target, rows=False)
    result = import_(target, first)
    assert result.exit_code == 0, result.output
    assert "Mot de passe oublié" in result.output
    assert "[ok] Chaînes du registre des financements" in result.output
    # The funding totals stayed behind and were computed again from the imported ledger.
    assert "[ok] Totaux des financements recalculés depuis le registre" in result.output
    assert "[ÉCHEC]" not in result.output
    with source.app_context():
        source_totals = db.session.execute(db.text("SELECT * FROM funding_totals ORDER BY 1, 2, 3")).all()
        db.engine.dispose()
    with target.app_context():
        assert db.session.execute(db.text("SELECT * FROM funding_totals ORDER BY 1, 2, 3")).all() == source_totals
        db.engine.dispose()
    assert source_totals
    verified = target.test_cli_runner().invoke(args=["portal", "verify"])
    assert verified.exit_code == 0, verified.output

    # Every row of every kind is back as it was, ids and relations included (bytes, JSON, times).
    with source.app_context():
        kinds = portability.kinds()
    source_rows, imported_rows = table_rows(source, kinds), table_rows(target, kinds)
    for kind in kinds:
        assert imported_rows[kind.name] == source_rows[kind.name], kind.name
    assert len(source_rows["ledger_entries"]) > 50 and len(source_rows["probes"]) == 3
    assert len(source_rows["report_versions"]) == 2 and source_rows["atelier_testimonies"]

    with target.app_context():
        users = db.session.execute(select(User)).scalars().all()
        assert all(user.password_hash is None and user.totp_secret is None for user in users)
        assert not {user.session_token for user in users} & secrets["session tokens"]
        # The tables left behind stay empty, but for the import's own audit event.
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
        events = db.session.execute(db.text("SELECT action FROM audit_events")).scalars().all()
        assert events == ["network.imported"]
        # Ids go on after the imported ones (PostgreSQL's sequences were moved).
        with write_intent():
            new = Organisation(name="Arrivée après l'import", kind="association")
            db.session.add(new)
            db.session.commit()
            assert new.id > max(row["id"] for row in source_rows["organisations"])
            db.session.delete(new)
            db.session.commit()
        db.engine.dispose()

    # Exported again, the network gives the same files (the manifest differs by its date only).
    again = tmp_path / "export-again"
    export(target, again)
    first_files, second_files = files_of(first), files_of(again)
    first_manifest, second_manifest = (json.loads(files.pop("manifest.json")) for files in (first_files, second_files))
    assert first_files == second_files
    first_manifest.pop("exported_at"), second_manifest.pop("exported_at")
    assert first_manifest == second_manifest


def test_every_table_and_column_is_exported_or_left_behind_with_a_reason(app):
    with app.app_context():
        kinds = portability.kinds()
    exported = {kind.table.name for kind in kinds}
    left = portability.left_behind()
    assert not exported & set(left)
    assert set(db.metadata.tables) == exported | set(left), "register each new table in its module's portability.py"
    for kind in kinds:
        columns = {column.name for column in kind.table.columns}
        assert set(kind.fields) | set(kind.omitted) == columns, f"{kind.name}: document or omit every column"
        assert not set(kind.fields) & set(kind.omitted)
        assert all(text.strip() for text in (*kind.fields.values(), *kind.omitted.values(), kind.description))


def test_the_kinds_come_in_one_order_whatever_order_modules_registered_them(app, monkeypatch):
    with app.app_context():
        order = [kind.name for kind in portability.kinds()]
        monkeypatch.setattr(portability, "_kinds", dict(reversed(portability._kinds.items())))
        assert [kind.name for kind in portability.kinds()] == order
    assert order.index("organisations") < order.index("users") < order.index("projects") < order.index(
        "project_revisions") < order.index("ledger_entries")


def test_the_format_documentation_in_the_repository_is_current(app):
    with app.app_context():
        generated = portability.documentation()
    assert (ROOT / "portal" / "NETWORK_FORMAT.md").read_text(encoding="utf-8") == generated, (
        "regenerate it: flask --app wsgi portal network-format > portal/NETWORK_FORMAT.md")


# --- refusals: nothing is written, nothing is overwritten -----------------------------------------------

@pytest.fixture
def exported(fresh_apps, tmp_path) -> Path:
    source = fresh_apps(migrate=True)
    with source.app_context(), write_intent():
        load_demo(DEMO_PASSWORD)
        db.session.commit()
    export(source, tmp_path / "export")
    return tmp_path / "export"


def rewrite(folder: Path, path: str, change) -> None:
    """Change a file of the export and, like someone who knows the format, its manifest entry too."""
    file = folder / path
    file.write_text(change(file.read_text(encoding="utf-8")), encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text())
    for record in manifest["files"]:
        if record["path"] == path:
            record["sha256"] = hashlib.sha256(file.read_bytes()).hexdigest()
            record["size"] = file.stat().st_size
    (folder / "manifest.json").write_text(json.dumps(manifest))


def assert_empty(app) -> None:
    with app.app_context():
        for kind in portability.kinds():
            assert db.session.execute(select(func.count()).select_from(kind.table)).scalar() == 0, kind.name
        db.engine.dispose()


@pytest.mark.slow
def test_a_file_changed_after_the_export_is_refused_before_anything_is_read(fresh_apps, exported):
    path = exported / "funding" / "ledger_entries.json"
    path.write_text(path.read_text().replace('"amount_cents": 400000', '"amount_cents": 4000000', 1))
    target = fresh_apps(migrate=True)
    result = import_(target, exported)
    assert result.exit_code == 1
    assert "funding/ledger_entries.json ne correspond pas à son empreinte" in result.output
    assert "Rien n'a été importé" in result.output
    assert_empty(target)


@pytest.mark.slow
def test_a_row_the_database_refuses_takes_back_everything_imported_before_it(fresh_apps, exported):
    # organisations.json is loaded before users.json; a person of a missing organisation stops the import.
    rewrite(exported, "accounts/users.json",
            lambda text: text.replace('"organisation_id": 1,', '"organisation_id": 999,'))
    target = fresh_apps(migrate=True)
    result = import_(target, exported)
    assert result.exit_code == 1, result.output
    assert "accounts/users.json : la base refuse ces lignes" in result.output
    assert_empty(target)


@pytest.mark.slow
def test_a_row_with_unknown_or_missing_fields_is_refused(fresh_apps, exported):
    rewrite(exported, "projects/projects.json", lambda text: text.replace('"version":', '"revision_number":'))
    target = fresh_apps(migrate=True)
    result = import_(target, exported)
    assert result.exit_code == 1
    assert ("projects/projects.json, ligne 1 : champs inattendus ou manquants (revision_number, version)"
            in result.output)
    assert_empty(target)


@pytest.mark.slow
def test_import_into_a_portal_that_has_data_is_refused(fresh_apps, exported):
    target = fresh_apps(migrate=True)
    with target.app_context(), write_intent():
        db.session.add(Organisation(name="Déjà là", kind="association"))
        db.session.commit()
        db.engine.dispose()
    result = import_(target, exported)
    assert result.exit_code == 1
    assert "Ce portail n'est pas vide (organisations)" in result.output
    with target.app_context():
        assert db.session.execute(select(Organisation.name)).scalars().all() == ["Déjà là"]
        db.engine.dispose()


@pytest.mark.slow
def test_import_into_a_database_without_the_schema_says_to_upgrade(fresh_apps, exported):
    result = import_(fresh_apps(), exported)
    assert result.exit_code == 1
    assert "lancez « flask --app wsgi db upgrade » avant d'importer" in result.output


@pytest.mark.slow
def test_an_export_of_another_format_or_with_unknown_kinds_is_refused(fresh_apps, exported):
    target = fresh_apps(migrate=True)
    manifest = json.loads((exported / "manifest.json").read_text())
    (exported / "manifest.json").write_text(json.dumps({**manifest, "format_version": 2}))
    assert "Cet export est au format 2" in import_(target, exported).output
    manifest["kinds"].append({"name": "sondages", "module": "sondages", "file": "sondages/sondages.json",
                              "count": 0})
    (exported / "manifest.json").write_text(json.dumps(manifest))
    assert "que cette version de Passerelle ne connaît pas (sondages)" in import_(target, exported).output
    assert_empty(target)


def test_a_folder_that_is_not_an_export_is_named(fresh_apps, tmp_path):
    result = import_(fresh_apps(migrate=True), tmp_path)
    assert result.exit_code == 1
    assert "ne contient pas de manifest.json" in result.output


def test_an_export_never_writes_into_a_folder_that_has_files(fresh_apps, tmp_path):
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "notes.txt").write_text("à garder")
    result = fresh_apps(migrate=True).test_cli_runner().invoke(
        args=["portal", "export-network", str(tmp_path / "export")])
    assert result.exit_code == 1
    assert "n'est pas un dossier vide" in result.output
    assert [path.name for path in (tmp_path / "export").iterdir()] == ["notes.txt"]
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".")) == []


# --- an export while the portal keeps writing -------------------------------------------------------------

def exported_rows(folder: Path, path: str) -> list[dict]:
    return json.loads((folder / path).read_text(encoding="utf-8"))["rows"]


def chain_fields(row: dict) -> dict:
    """An exported ledger row with its dates and time read back, as the hash covers them."""
    dates = {name: date.fromisoformat(row[name]) if row[name] else None for name in ("event_date", "decision_date")}
    return {**row, **dates, "recorded_at": datetime.fromisoformat(row["recorded_at"].removesuffix("Z")).replace(
        tzinfo=UTC)}


@pytest.mark.slow
def test_an_export_under_load_is_one_state_of_the_network(fresh_apps, tmp_path):
    source = fresh_apps(migrate=True)
    with source.app_context(), write_intent():
        load_demo(DEMO_PASSWORD)
        db.session.commit()
        backup_probe_metadata.create_all(db.engine)
        db.engine.dispose()
    writer = Writer(source.config["SQLALCHEMY_DATABASE_URI"])
    writer.start()
    try:
        folder = export_during_writes(source, writer, tmp_path)
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None, writer.error

    # Whole transactions only, a prefix of them: what the writer's transaction n wrote is everywhere or nowhere.
    organisations = {row["name"] for row in exported_rows(folder, "accounts/organisations.json")}
    users = {row["full_name"] for row in exported_rows(folder, "accounts/users.json")}
    entries = exported_rows(folder, "funding/ledger_entries.json")
    in_ledger = {int(row["source"].removeprefix("txn:")) for row in entries if (row["source"] or "").startswith("txn:")}
    kept = {n for n in range(1, writer.committed + 1) if f"Écriture {n}" in organisations}
    assert kept == set(range(1, len(kept) + 1)) and kept
    assert in_ledger == kept
    assert {n for n in range(1, writer.committed + 1) if f"Écriture {n}" in users} == kept
    # The exported chains verify on their own, from the files (chain by chain, in sequence order).
    check = verify_rows(chain_fields(row) for row in sorted(entries, key=lambda row: (row["project_id"], row["seq"])))
    assert check.broken is None and check.checked == len(entries)


def export_during_writes(app, writer, tmp_path) -> Path:
    """Export while the writer commits; retried until writes really happened during the export."""
    while writer.committed < 5 and writer.is_alive():
        time.sleep(0.01)
    for attempt in range(20):
        folder = tmp_path / f"export-{attempt}"
        before = writer.committed
        export(app, folder)
        if writer.committed > before:
            return folder
    pytest.fail("no transaction was committed while an export ran: the test proves nothing")


@pytest.mark.slow
@pytest.mark.skipif(not is_postgresql(), reason="moves a network from SQLite to the PostgreSQL under test")
def test_a_network_moves_from_sqlite_to_postgresql(fresh_apps, tmp_path):
    source = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'source.sqlite'}", "SECRET_KEY": "k"})
    with source.app_context(), write_intent():
        upgrade()
        load_demo(DEMO_PASSWORD)
        db.session.commit()
        db.engine.dispose()
    export(source, tmp_path / "from-sqlite")
    target = fresh_apps(migrate=True)
    result = import_(target, tmp_path / "from-sqlite")
    assert result.exit_code == 0, result.output
    assert "[ÉCHEC]" not in result.output and "[ok] Chaînes du registre des financements" in result.output
    export(target, tmp_path / "from-postgresql")
    sqlite_files, postgresql_files = files_of(tmp_path / "from-sqlite"), files_of(tmp_path / "from-postgresql")
    sqlite_files.pop("manifest.json"), postgresql_files.pop("manifest.json")
    assert sqlite_files == postgresql_files


@pytest.mark.slow
def test_a_file_laid_out_differently_is_read_whole(fresh_apps, exported):
    # Someone reformatted a file (and its manifest entry): still valid JSON of the format, still imported.
    rewrite(exported, "projects/themes.json", lambda text: json.dumps(json.loads(text), indent=4))
    target = fresh_apps(migrate=True)
    result = import_(target, exported)
    assert result.exit_code == 0, result.output
    with target.app_context():
        assert db.session.execute(db.text("SELECT count(*) FROM themes")).scalar() == 6
        db.engine.dispose()


def test_an_incomplete_manifest_is_named(fresh_apps, tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "passerelle-network", "format_version": 1,
                                                        "kinds": [{"name": "themes"}], "files": []}))
    result = import_(fresh_apps(migrate=True), tmp_path)
    assert result.exit_code == 1
    assert "manifest.json est incomplet" in result.output


@pytest.mark.slow
def test_a_file_with_fewer_rows_than_the_manifest_says_is_refused(fresh_apps, exported):
    def drop_second_row(text: str) -> str:
        lines = text.split("\n")
        return "\n".join(lines[:2] + lines[3:])

    rewrite(exported, "projects/themes.json", drop_second_row)
    target = fresh_apps(migrate=True)
    result = import_(target, exported)
    assert result.exit_code == 1
    assert "projects/themes.json contient 5 lignes, le manifeste en annonce 6" in result.output
    assert_empty(target)
