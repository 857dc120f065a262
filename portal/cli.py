"""``flask --app wsgi portal ...``: the commands that run the network's portal."""

import json
import secrets
import sys
import time
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_migrate import upgrade

from portal.core import audit, backup, integrity, portability
from portal.core.db import db, write_intent
from portal.core.logs import quieted
from portal.core.schema import is_known_revision, migration_state

portal_group = AppGroup("portal", help="Commandes de Passerelle.")


@portal_group.command("create-admin")
@click.argument("email")
@click.option("--password", help="Sans cette option, le mot de passe est demandé.")
@click.option("--name", "full_name", default="Administration", show_default=True)
@click.option("--organisation", default="Fédération départementale des Centres Sociaux de l'Ain",
              show_default=True, help="Créée si elle n'existe pas.")
def create_admin(email: str, password: str | None, full_name: str, organisation: str):
    """Create an administrator account."""
    from portal.accounts.models import Organisation, OrganisationKind, Role
    from portal.accounts.passwords import password_problem
    from portal.accounts.services import AccountError, create_user

    if password is None:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    with write_intent():
        org = db.session.execute(db.select(Organisation).filter_by(name=organisation)).scalar_one_or_none()
        if org is None:
            org = Organisation(name=organisation, kind=OrganisationKind.FEDERATION)
            db.session.add(org)
        try:
            user = create_user(email, full_name, org, Role.ADMIN, password)
        except AccountError as error:
            raise click.ClickException(error.message) from None
        db.session.commit()
    click.echo(f"Compte administrateur créé : {user.email}")


@portal_group.command("reset-second-factor")
@click.argument("email")
def reset_second_factor(email: str):
    """Turn off the second factor of an account (lost phone and recovery codes, and no other admin)."""
    from portal.accounts import second_factor
    from portal.accounts.models import find_user_by_email

    with write_intent():
        user = find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"Aucun compte pour {email}.")
        second_factor.reset_from_command_line(user)
        db.session.commit()
    click.echo(f"Double authentification réinitialisée pour {user.email} ; ses sessions sont fermées. "
               "Un compte administrateur devra la configurer à sa prochaine connexion.")


@portal_group.command("demo")
@click.option("--password", help="Mot de passe des comptes de démonstration (sinon, tiré au hasard).")
def demo(password: str | None):
    """Upgrade the database and load the demo network (can run again without duplicating anything)."""
    from portal.accounts.passwords import password_problem
    from portal.demo import load_demo

    password = password or secrets.token_urlsafe(12)
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    upgrade()
    # The demo's own actions are audited in the database as usual, but a line each on the console
    # would bury the list of accounts a newcomer needs to read.
    with write_intent(), quieted("portal.audit"):
        accounts = load_demo(password)
        db.session.commit()
    click.echo(f"Réseau de démonstration prêt. Comptes (mot de passe commun : {password}) :")
    for email, description in accounts:
        click.echo(f"  {email:42} {description}")


@portal_group.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup_command(file: Path):
    """Write a consistent copy of the database to FILE while the portal keeps serving."""
    try:
        report = backup.backup(db.engine, file)
    except backup.BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Sauvegarde écrite : {report.path} ({report.engine}, {report.size_label}, "
               f"révision {report.revision or 'aucune'}).")


@portal_group.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
def restore_command(file: Path):
    """Restore FILE, made by `portal backup`, into the configured database, which must be empty;
    then check its migration revision and run every integrity verifier."""
    try:
        engine = backup.restore(db.engine, file)
    except backup.BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Sauvegarde restaurée dans la base {engine} {db.engine.url.render_as_string(hide_password=True)}.")
    state = migration_state(db.session.connection())
    db.session.rollback()
    if state.current:
        _run_verifiers()
    elif state.database and not is_known_revision(state.database):
        raise click.ClickException(
            f"Cette sauvegarde vient d'une version plus récente de Passerelle (révision {state.database}, "
            "inconnue de ce code) : mettez le code à jour avant de servir cette base.")
    else:
        click.echo(f"Schéma en révision {state.database or 'aucune'} ; le code attend {state.code}. Lancez "
                   "« flask --app wsgi db upgrade », puis « flask --app wsgi portal verify ».")


audit.label_actions({"network.exported": "Réseau exporté", "network.imported": "Réseau importé"},
                    details={"exported_at": "date de l'export"})


@portal_group.command("export-network")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_network_command(directory: Path):
    """Write the whole network (organisations, people without their secrets, projects and their story,
    ledgers...) to DIRECTORY, absent or empty, as documented JSON files (FORMAT.md) with a manifest."""
    try:
        report = portability.export_network(directory)
    except portability.PortabilityError as error:
        raise click.ClickException(error.message) from None
    audit.record_now("network.exported", target=str(report.path)[:120], **report.counts)
    size = f"{report.size / 1_000_000:.1f}".replace(".", ",")
    click.echo(f"Réseau exporté dans {report.path} ({report.files} fichiers, {size} Mo) :")
    _print_counts(report.counts)
    click.echo("Ce dossier contient les données personnelles du réseau (noms, adresses e-mail) : gardez-le "
               "en lieu sûr. Format décrit dans FORMAT.md ; import : « flask --app wsgi portal import-network ».")


@portal_group.command("import-network")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_network_command(directory: Path):
    """Load a network written by export-network into this portal, which must be empty (schema created by
    `db upgrade`, no data), in one transaction; then run every integrity verifier."""
    with write_intent():
        try:
            report = portability.import_network(directory)
        except portability.PortabilityError as error:
            db.session.rollback()
            raise click.ClickException(error.message + " Rien n'a été importé.") from None
        except Exception:
            db.session.rollback()
            raise
        audit.record("network.imported", target=str(Path(directory).resolve())[:120],
                     exported_at=report.exported_at, **report.counts)
        db.session.commit()
    click.echo(f"Réseau importé (export du {report.exported_at}) :")
    _print_counts(report.counts)
    click.echo("Les comptes importés n'ont pas de mot de passe : chaque personne choisit le sien avec le lien "
               "« Mot de passe oublié ? » de la page de connexion (le serveur de courrier doit être configuré). "
               "Les administrateurs configurent ensuite à nouveau leur double authentification.")
    _run_verifiers()


def _print_counts(counts: dict[str, int]) -> None:
    for name, count in counts.items():
        click.echo(f"  {name:24} {count}")


@portal_group.command("network-format")
def network_format_command():
    """Print the documentation of export-network's files, field by field (portal/NETWORK_FORMAT.md)."""
    click.echo(portability.documentation(), nl=False)


@portal_group.command("verify")
def verify_command():
    """Run every integrity verifier (schema, database, and each module's own: ledger chains...)."""
    _run_verifiers()


def _run_verifiers() -> None:
    click.echo("Vérifications :")
    results = integrity.run_verifiers()
    for result in results:
        mark = "ok" if result.verdict.ok else "ÉCHEC"
        click.echo(f"  [{mark}] {result.verifier.label} : {result.verdict.summary}")
    failed = [result for result in results if not result.verdict.ok]
    if failed:
        raise click.ClickException(f"{len(failed)} vérification(s) en échec sur {len(results)}.")
    click.echo(f"Les {len(results)} vérifications sont passées.")
# --- funding ledger ---------------------------------------------------------------------------------------

@portal_group.command("verify-ledger")
@click.option("--project", "project_id", type=int, help="Vérifier le journal d'un seul projet (son n°).")
def verify_ledger(project_id: int | None):
    """Check every funding ledger's hash chain; exit 1 naming the first broken entry."""
    from portal.funding.services.verify import verify_ledgers
    from portal.projects.models import Project

    started = time.perf_counter()
    result = verify_ledgers(project_id)
    elapsed = time.perf_counter() - started
    if result.broken:
        broken = result.broken
        project = db.session.get(Project, broken.project_id)
        click.echo(f"Chaîne rompue : projet n° {broken.project_id} « {project.title if project else '?'} », "
                   f"écriture n° {broken.seq} : {broken.reason}.", err=True)
        click.echo(f"{result.checked} écriture(s) vérifiée(s) jusqu'à celle-ci ({elapsed:.1f} s).")
        raise SystemExit(1)
    click.echo(f"{result.checked} écriture(s) vérifiée(s) : toutes les chaînes sont intactes ({elapsed:.1f} s).")


@portal_group.command("rebuild-funding-totals")
def rebuild_funding_totals():
    """Recompute the network funding page's totals from the ledgers (when ``portal verify`` finds them apart)."""
    from portal.funding.services.totals import differences, rebuild_totals

    with write_intent():
        wrong = len(differences())
        rebuild_totals()
        audit.record("funding.totals_rebuilt", differences=wrong)
        db.session.commit()
    click.echo(f"Totaux des financements recalculés depuis le registre ({wrong} différaient).")


@portal_group.command("export-funding")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "scdl"]), required=True,
              help="csv, json : les écritures des journaux ; scdl : les subventions d'un financeur pour un exercice.")
@click.option("--year", type=int, help="Exercice (obligatoire pour scdl).")
@click.option("--funder", "funder_id", type=int, help="N° de l'organisation qui finance (obligatoire pour scdl).")
@click.option("--project", "project_id", type=int, help="Le journal d'un seul projet (csv, json).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Fichier à écrire (sans cette option : la sortie standard).")
def export_funding(fmt: str, year: int | None, funder_id: int | None, project_id: int | None, output):
    """Export the ledgers' entries (csv, json) or a funder's grants of a year (scdl)."""
    from portal.funding.services import exports

    filters = exports.EntryFilters(project_id=project_id, fiscal_year=year, funder_id=funder_id)
    try:
        if fmt == "scdl":
            lines, warnings = exports.scdl_export_lines(funder_id, year)
            for warning in warnings:
                click.echo(f"Non exporté : {warning}", err=True)
        elif fmt == "csv":
            lines = exports.entries_csv_lines(filters)
        else:
            lines = [json.dumps(exports.entries_document(filters), ensure_ascii=False, indent=2), "\n"]
    except exports.ExportError as error:
        raise click.ClickException(str(error)) from None
    for line in lines:
        output.write(line)


@portal_group.command("import-funding")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Tout vérifier et tout compter, sans rien enregistrer.")
@click.option("--skip-invalid", is_flag=True, help="Importer les lignes lisibles et écarter les autres.")
def import_funding(path: Path, dry_run: bool, skip_invalid: bool):
    """Import a ledger CSV exported by the portal, or an SCDL « Subventions » file, in one transaction."""
    from portal.funding.formats.tabular import FileFormatError
    from portal.funding.services.imports import import_funding as run_import

    def progress(rows):
        return click.progressbar(rows, label="Import", file=sys.stderr, show_pos=True)

    with write_intent():
        try:
            report = run_import(path.read_bytes(), path.name, skip_invalid=skip_invalid, progress=progress)
        except FileFormatError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        refused = bool(report.problems) and not skip_invalid
        _print_import_report(report, refused, dry_run)
        if refused or dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    if refused:
        raise SystemExit(1)


def _print_import_report(report, refused: bool, dry_run: bool) -> None:
    click.echo(f"Fichier {report.filename} : {report.format_label}. " + " ".join(report.read_notes))
    if report.problems:
        click.echo(f"{len(report.problems)} ligne(s) refusée(s) :", err=True)
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
    if refused:
        click.echo("Rien n'a été importé : corrigez ces lignes, ou relancez avec --skip-invalid pour importer "
                   "les autres.", err=True)
        return
    click.echo(f"{report.rows} ligne(s) lue(s) : {report.entries} écriture(s) ajoutée(s) sur "
               f"{len(report.projects_touched)} projet(s), {report.duplicates} déjà présente(s).")
    _print_created("Organisations créées (type à vérifier dans Organisations)", [
        f"{org.name} ({org.kind_label}{', SIRET ' + org.siret if org.siret else ''})"
        for org in report.organisations_created])
    _print_created("Projets créés (visibles des partenaires du projet)", [
        f"{project.title} — {project.carrier.name}" for project in report.projects_created])
    if dry_run:
        click.echo("Essai (--dry-run) : rien n'a été enregistré.")


def _print_created(title: str, names: list[str], limit: int = 50) -> None:
    if not names:
        return
    click.echo(f"{title} : {len(names)}")
    for name in names[:limit]:
        click.echo(f"  - {name}")
    if len(names) > limit:
        click.echo(f"  … et {len(names) - limit} autre(s).")


# --- meetings: archives of comptes rendus ------------------------------------------------------------------

@portal_group.command("import-report")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rencontre", help="La rencontre : son numéro (2, « 2e rencontre ») ou son titre. "
                                  "Sans cette option : celle que nomme le fichier.")
@click.option("--atelier", type=click.IntRange(1, 1000), help="Le numéro de l'atelier (sinon : celui du fichier ; "
                                                                "sans numéro, compte rendu de toute la rencontre).")
@click.option("--theme", help="Le thème de l'atelier (pour le créer), ou le titre d'un compte rendu de rencontre.")
@click.option("--publish", is_flag=True, help="Publier le compte rendu (version suivante, sauf si le texte est "
                                              "déjà celui de la dernière version).")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Écrire le PDF publié dans ce fichier (avec --publish, ou si une version existe déjà).")
@click.option("--by", "publisher", help="L'adresse du compte qui importe et publie (sinon : personne).")
def import_report(path: Path, rencontre: str | None, atelier: int | None, theme: str | None, publish: bool,
                  pdf_path: Path | None, publisher: str | None):
    """Bring a past compte rendu written as Markdown (YAML front matter or the seed's header) into the portal."""
    from portal.accounts.models import find_user_by_email
    from portal.meetings.archives.parser import ReportFileError, decode_report, parse_report
    from portal.meetings.archives.service import ImportOptions
    from portal.meetings.archives.service import import_report as run_import
    from portal.meetings.services.common import MeetingError
    from portal.pdf import PdfRenderError

    options = ImportOptions(rencontre=rencontre, atelier=atelier, theme=theme, publish=publish, filename=path.name)
    with write_intent():
        try:
            parsed = parse_report(decode_report(path.read_bytes()))
            actor = find_user_by_email(publisher) if publisher else None
            if publisher and actor is None:
                raise ReportFileError(None, f"--by : aucun compte pour {publisher}.")
            outcome = run_import(actor, parsed, options)
            if pdf_path and outcome.version is None:
                raise ReportFileError(None, "--pdf écrit la version publiée : ajoutez --publish (ce compte rendu n'a "
                                            "encore aucune version).")
        except ReportFileError as error:
            db.session.rollback()
            raise click.ClickException(f"{path.name}, {error}" if error.line else str(error)) from None
        except (MeetingError, PdfRenderError) as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
        db.session.commit()
    _print_report_import(parsed, outcome)
    if pdf_path:
        pdf_path.write_bytes(outcome.version.pdf)
        click.echo(f"PDF écrit : {pdf_path} (version {outcome.version.number}, {outcome.version.page_count} pages).")


def _print_report_import(parsed, outcome) -> None:
    for what in outcome.created:
        click.echo(f"Créé : {what}")
    if parsed.ignored_keys:
        click.echo(f"Clés de l'en-tête ignorées : {', '.join(parsed.ignored_keys)}")
    report = outcome.report
    click.echo(f"Compte rendu n° {report.id} « {report.heading} » : "
               + ("brouillon mis à jour." if outcome.draft_changed else "brouillon inchangé."))
    if outcome.version is not None:
        state = "publiée" if outcome.version_is_new else "déjà publiée, inchangée"
        click.echo(f"Version {outcome.version.number} {state} ({outcome.version.page_count} pages, "
                   f"sha256 {outcome.version.sha256[:12]}…).")
