"""The ledger's commands: verify-ledger (and tampering it catches), export-funding, import-funding."""

import json
from datetime import date

import pytest
from sqlalchemy import text

from portal.accounts.models import Organisation, Role
from portal.core.db import db
from portal.funding.chain import verify_rows
from portal.funding.models import LedgerEntry
from portal.funding.rules import EntryKind, PaymentKind
from portal.funding.services.ledger import annul_entry
from portal.projects.models import Project
from tests.funding.conftest import SCDL_DATA, TODAY, frictionless
from tests.support.database import is_postgresql
from tests.support.factories import make_project, make_user

K = EntryKind


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def story(world) -> None:
    """A year of funding with every kind, an annulation included."""
    world.entry(K.BUDGET, 40_000_00)
    world.entry(K.DEMANDE, 20_000_00)
    world.entry(K.ACCORD, 18_000_00, reference="Convention 2024-17")
    world.entry(K.VERSEMENT, 9_000_00, event_date=date(2024, 4, 2))
    wrong = world.entry(K.VERSEMENT, 9_000_00, event_date=date(2024, 4, 3))
    annul_entry(world.project, None, wrong, "Saisi deux fois", today=TODAY)
    world.entry(K.AVENANT, -1_000_00)
    world.entry(K.VERSEMENT, 8_000_00, payment_kind=PaymentKind.SOLDE, event_date=date(2024, 11, 30))
    world.entry(K.REFUS, 5_000_00, funder=world.departement)


# --- verify-ledger ----------------------------------------------------------------------------------

def test_verify_ledger_counts_what_it_checked(world, runner):
    story(world)
    make_project(author=world.carrier_member, title="Donnant-donnant")
    result = runner.invoke(args=["portal", "verify-ledger"])
    assert result.exit_code == 0, result.output
    assert "9 écriture(s) vérifiée(s) : toutes les chaînes sont intactes" in result.output


def drop_trigger(sqlite_name: str) -> None:
    """What someone with database access would do first (rolled back with the test)."""
    if is_postgresql():
        db.session.execute(text("DROP TRIGGER ledger_entries_append_only ON ledger_entries"))
    else:
        db.session.execute(text(f"DROP TRIGGER {sqlite_name}"))


def test_tampering_through_raw_sql_is_caught(world, runner):
    story(world)
    db.session.commit()
    drop_trigger("ledger_entries_no_update")
    db.session.execute(text("UPDATE ledger_entries SET amount_cents = 90000000 WHERE project_id = :p AND seq = 4"),
                       {"p": world.project.id})
    result = runner.invoke(args=["portal", "verify-ledger"])
    assert result.exit_code == 1
    assert (f"Chaîne rompue : projet n° {world.project.id} « Entracte », écriture n° 4 : le contenu ne "
            "correspond plus à son empreinte") in result.output
    assert "4 écriture(s) vérifiée(s) jusqu'à celle-ci" in result.output


def test_a_deleted_entry_is_caught_too(world, runner):
    story(world)
    drop_trigger("ledger_entries_no_delete")
    db.session.execute(text("DELETE FROM ledger_entries WHERE project_id = :p AND seq = 9"), {"p": world.project.id})
    db.session.execute(text("DELETE FROM ledger_entries WHERE project_id = :p AND seq = 3 AND kind = 'accord'"),
                       {"p": world.project.id})
    result = runner.invoke(args=["portal", "verify-ledger"])
    assert result.exit_code == 1
    assert "écriture n° 4 : numéro attendu 3, trouvé 4" in result.output


# --- export-funding ---------------------------------------------------------------------------------

def test_export_csv_and_json(world, runner, tmp_path):
    story(world)
    target = tmp_path / "journal.csv"
    result = runner.invoke(args=["portal", "export-funding", "--format", "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("\ufeffProjet;Porteur;SIRET du porteur;N°;Nature")
    assert len(lines) == 10
    assert lines[6].startswith("Entracte;Centre social de Belley;52499120500013;6;Annulation;CAF de l'Ain;")
    result = runner.invoke(args=["portal", "export-funding", "--format", "json", "--year", "2024",
                                 "--funder", str(world.departement.id)])
    document = json.loads(result.output)
    [project] = document["projects"]
    assert [e["kind"] for e in project["entries"]] == ["refus"]


def test_the_json_export_lets_anyone_verify_the_chain(world, runner):
    story(world)
    document = json.loads(runner.invoke(args=["portal", "export-funding", "--format", "json"]).output)
    entries = document["projects"][0]["entries"]
    assert verify_rows(entries).broken is None and verify_rows(entries).checked == 9
    entries[3]["amount_cents"] += 1
    assert verify_rows(entries).broken.seq == 4


def test_export_scdl_validates_against_the_schema(world, runner, tmp_path):
    story(world)
    other = make_project(author=world.carrier_member, title="Donnant-donnant")
    world.entry(K.ACCORD, 3_500_00, project=other, reference="Délib. 2024-88")
    result = runner.invoke(args=["portal", "export-funding", "--format", "scdl", "--year", "2024",
                                 "--funder", str(world.caf.id)])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.startswith("nomAttribuant,idAttribuant,dateConvention")
    assert rows == [
        "CAF de l'Ain,22490001900015,2024-03-01,Convention 2024-17,Centre social de Belley,52499120500013,,Entracte,"
        "17000.00,aide en numéraire,échelonné,2024-04-02/2024-11-30,,non,1,",
        "CAF de l'Ain,22490001900015,2024-03-01,Délib. 2024-88,Centre social de Belley,52499120500013,,"
        "Donnant-donnant,3500.00,aide en numéraire,autre,2024-03-01/2024-12-31,,non,1,",
    ]
    check = frictionless(tmp_path, "subventions.csv", result.output.encode())
    assert check.returncode == 0, check.stdout


def test_export_scdl_needs_a_funder_with_a_siret(world, runner):
    world.operational.siret = None
    result = runner.invoke(args=["portal", "export-funding", "--format", "scdl", "--year", "2024"])
    assert result.exit_code != 0 and "précisez --funder et --year" in result.output
    result = runner.invoke(args=["portal", "export-funding", "--format", "scdl", "--year", "2024",
                                 "--funder", str(world.operational.id)])
    assert result.exit_code != 0 and "n'a pas de SIRET" in result.output


# --- import-funding -----------------------------------------------------------------------------------

def import_file(runner, tmp_path, name: str, content: bytes, *options: str):
    path = tmp_path / name
    path.write_bytes(content)
    return runner.invoke(args=["portal", "import-funding", str(path), *options])


def test_the_official_valid_example_imports(app, runner, tmp_path):
    content = (SCDL_DATA / "exemple-valide.csv").read_bytes()
    result = import_file(runner, tmp_path, "exemple-valide.csv", content)
    assert result.exit_code == 0, result.output
    assert "SCDL « Subventions »" in result.output
    assert "29 ligne(s) lue(s) : 29 écriture(s) ajoutée(s) sur 29 projet(s), 0 déjà présente(s)." in result.output
    assert "Organisations créées (type à vérifier dans Organisations) : 30" in result.output
    assert "ANTIBES (Autre, SIRET 21060004500392)" in result.output
    antibes = db.session.execute(db.select(Organisation).filter_by(siret="21060004500392")).scalar_one()
    entries = db.session.execute(db.select(LedgerEntry).where(LedgerEntry.funder_id == antibes.id)).scalars().all()
    assert len(entries) == 29 and {e.kind for e in entries} == {"accord"}
    first = min(entries, key=lambda e: e.id)
    assert (first.amount_cents, first.fiscal_year, first.reference) == (498933, 2015, "CONV N° 2074-15 2015-06-19")
    assert first.source == "import : exemple-valide.csv" and first.recorded_by_id is None
    assert runner.invoke(args=["portal", "verify-ledger"]).exit_code == 0

    again = import_file(runner, tmp_path, "exemple-valide.csv", content)
    assert "0 écriture(s) ajoutée(s) sur 0 projet(s), 29 déjà présente(s)." in again.output
    assert count(LedgerEntry) == 29


@pytest.mark.parametrize("name", ["exemple-invalide-cellules.csv", "exemple-invalide-colonnes.csv"])
def test_the_official_invalid_examples_are_refused_line_by_line(app, runner, tmp_path, name):
    before = count(Organisation)
    result = import_file(runner, tmp_path, name, (SCDL_DATA / name).read_bytes())
    assert result.exit_code == 1
    assert "29 ligne(s) refusée(s)" in result.output
    for line in range(2, 31):
        assert f"  ligne {line} : " in result.output
    assert "ligne 7 : idAttribuant « 218601946 » : un SIRET a 14 chiffres" in result.output
    assert "Rien n'a été importé" in result.output
    assert (count(LedgerEntry), count(Organisation)) == (0, before)


def test_skip_invalid_imports_the_readable_rows(app, runner, tmp_path):
    lines = (SCDL_DATA / "exemple-valide.csv").read_text(encoding="utf-8").splitlines()
    broken = lines[3].replace("113000", "cent treize mille")
    content = "\n".join([lines[0], lines[1], lines[2], broken]).encode()
    refused = import_file(runner, tmp_path, "s.csv", content)
    assert refused.exit_code == 1 and count(LedgerEntry) == 0
    result = import_file(runner, tmp_path, "s.csv", content, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "ligne 4 : montant illisible : « cent treize mille »" in result.output
    assert count(LedgerEntry) == 2


def test_dry_run_keeps_nothing(app, runner, tmp_path):
    result = import_file(runner, tmp_path, "v.csv", (SCDL_DATA / "exemple-valide.csv").read_bytes(), "--dry-run")
    assert result.exit_code == 0
    assert "29 écriture(s) ajoutée(s)" in result.output
    assert "Essai (--dry-run) : rien n'a été enregistré." in result.output
    assert count(LedgerEntry) == 0 and count(Project) == 0


def test_a_file_of_the_wild(world, runner, tmp_path):
    """Windows-1252, semicolons, French titles and numbers, damaged SIRETs, an extra column: the
    beneficiary and its project exist already, the funder is created."""
    header = ("Nom de l'attribuant;Identification de l'attribuant;Date de la convention de subvention;"
              "Référence de la décision;Nom du bénéficiaire;Identification SIRET du bénéficiaire;"
              "Objet de la subvention;Montant total de la subvention;Nature de la subvention;"
              "Conditions de versement;Date ou période de versement;notificationUE;pourcentageSubvention;"
              "Service instructeur")
    row = ("Commune de Belley;21010034700017;30/01/2024;DEL-2024-12;CENTRE SOCIAL DE BELLEY;524 991 205 00013;"
           "entracte;12\u00a0500,00;Aide en numéraire;Unique;2024/03/01;non;1;Vie associative")
    result = import_file(runner, tmp_path, "belley.csv", f"{header}\r\n{row}\r\n".encode("cp1252"))
    assert result.exit_code == 0, result.output
    assert "Encodage cp1252, séparateur point-virgule." in result.output
    assert "Colonnes ignorées : « Service instructeur »." in result.output
    entry = db.session.execute(db.select(LedgerEntry)).scalar_one()
    assert (entry.project_id, entry.amount_cents, entry.event_date) == (world.project.id, 12_500_00, date(2024, 1, 30))
    assert entry.funder.name == "Commune de Belley" and entry.funder.kind == "commune"


def test_a_rule_refusal_is_reported_with_its_line(world, runner, tmp_path):
    content = ("Projet;Porteur;Nature;Financeur;Exercice;Date;Montant;Versement\n"
               "Entracte;Centre social de Belley;accord;CAF de l'Ain;2024;2024-03-01;1000;\n"
               "Entracte;Centre social de Belley;versement;CAF de l'Ain;2024;2024-04-01;1500;acompte\n")
    result = import_file(runner, tmp_path, "j.csv", content.encode())
    assert result.exit_code == 1
    assert "ligne 3 : Ce versement dépasse ce qui reste à verser pour 2024 : 1\u202f000,00\u00a0€ au plus." \
        in result.output
    assert count(LedgerEntry) == 0


def test_the_portals_own_csv_round_trips(world, runner, tmp_path):
    story(world)
    exported = runner.invoke(args=["portal", "export-funding", "--format", "csv"]).output
    copy = exported.replace("Entracte;", "Entracte (copie);")
    result = import_file(runner, tmp_path, "copie.csv", copy.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert "9 écriture(s) ajoutée(s) sur 1 projet(s)" in result.output
    assert "Entracte (copie) — Centre social de Belley" in result.output
    copy_project = db.session.execute(db.select(Project).filter_by(title="Entracte (copie)")).scalar_one()
    original = db.session.execute(db.select(LedgerEntry).where(LedgerEntry.project_id == world.project.id)
                                  .order_by(LedgerEntry.seq)).scalars().all()
    copied = db.session.execute(db.select(LedgerEntry).where(LedgerEntry.project_id == copy_project.id)
                                .order_by(LedgerEntry.seq)).scalars().all()

    def shape(entries):
        seq_of = {e.id: e.seq for e in entries}
        return [(e.seq, e.kind, e.funder_id, e.amount_cents, e.payment_kind, e.event_date,
                 seq_of.get(e.annuls_entry_id)) for e in entries]

    assert shape(copied) == shape(original)
    assert runner.invoke(args=["portal", "verify-ledger"]).exit_code == 0


def test_an_annulation_must_point_higher_up_in_the_file(world, runner, tmp_path):
    content = ("Projet;Porteur;N°;Nature;Financeur;Exercice;Date;Montant;Annule l'écriture n°\n"
               "Entracte;Centre social de Belley;1;annulation;;2024;2024-03-01;;7\n")
    result = import_file(runner, tmp_path, "a.csv", content.encode())
    assert "ligne 2 : L'écriture n° 7 que cette ligne annule ne figure pas plus haut" in result.output


def test_a_file_that_is_neither_format(app, runner, tmp_path):
    result = import_file(runner, tmp_path, "x.csv", b"nom;prenom\nDupont;Jean\n")
    assert result.exit_code != 0 and "Ni un fichier SCDL" in result.output


@pytest.mark.slow
def test_thousands_of_rows_in_one_transaction(app, runner, tmp_path):
    header = ("nomAttribuant,idAttribuant,dateConvention,nomBeneficiaire,rnaBeneficiaire,objet,montant,nature,"
              "conditionsVersement,datesPeriodeVersement,notificationUE,pourcentageSubvention")
    rows = [f"CAF de l'Ain,22490001900015,{2000 + n % 24}-03-{1 + n % 28:02d},Centre social n° {n % 40},"
            f"W{n % 40:09d},Action {n % 40},{1000 + n},aide en numéraire,unique,2023-06-01,non,1" for n in range(3000)]
    result = import_file(runner, tmp_path, "gros.csv", ("\n".join([header, *rows]) + "\n").encode())
    assert result.exit_code == 0, result.output
    assert "3000 écriture(s) ajoutée(s) sur 40 projet(s)" in result.output
    assert "Import" in result.output  # the progress bar's label (on stderr, mixed in by the runner)
    assert count(LedgerEntry) == 3000 and count(Project) == 40
    assert runner.invoke(args=["portal", "verify-ledger"]).output.startswith("3000 écriture(s) vérifiée(s)")


def test_portal_verify_checks_the_ledger_chains_too(world, runner):
    story(world)
    db.session.commit()  # each verifier is followed by a rollback
    result = runner.invoke(args=["portal", "verify"])
    assert "Chaînes du registre des financements : 9 écriture(s) vérifiée(s)" in result.output
    drop_trigger("ledger_entries_no_update")
    db.session.execute(text("UPDATE ledger_entries SET note = 'autre' WHERE project_id = :p AND seq = 2"),
                       {"p": world.project.id})
    db.session.commit()
    result = runner.invoke(args=["portal", "verify"])
    assert result.exit_code == 1
    assert f"Projet n° {world.project.id}, écriture n° 2 : le contenu ne correspond plus" in result.output


def test_anonymising_a_recorder_breaks_no_chain(world, runner):
    from portal.accounts.services import anonymise_user

    story(world)
    world.entry(K.DEMANDE, 1_000_00, actor=world.carrier_member)
    anonymise_user(make_user(Role.ADMIN), world.carrier_member)
    db.session.flush()
    assert world.carrier_member.full_name.startswith("Compte anonymisé")
    assert runner.invoke(args=["portal", "verify-ledger"]).exit_code == 0


# --- funding totals ------------------------------------------------------------------------------------

def test_verify_names_totals_apart_from_the_ledger_and_rebuild_funding_totals_mends_them(world, runner):
    story(world)
    db.session.execute(text("UPDATE funding_totals SET paid = paid + 1 WHERE funder_id = :caf"), {"caf": world.caf.id})
    db.session.commit()
    result = runner.invoke(args=["portal", "verify"])
    assert result.exit_code == 1
    assert (f"[ÉCHEC] Totaux des financements recalculés depuis le registre : 1 total(aux) diffèrent du registre, "
            f"dont le projet n° {world.project.id}, exercice 2024, financeur n° {world.caf.id}.") in result.output
    assert "portal rebuild-funding-totals" in result.output
    result = runner.invoke(args=["portal", "rebuild-funding-totals"])
    assert result.exit_code == 0, result.output
    assert "(1 différaient)" in result.output
    result = runner.invoke(args=["portal", "verify"])
    assert "[ok] Totaux des financements recalculés depuis le registre" in result.output
