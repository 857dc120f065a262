"""``flask --app wsgi portal ...``: the commands that run the network's portal."""

import secrets
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_migrate import upgrade

from portal.core import backup, integrity
from portal.core.db import db, write_intent
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
    with write_intent():
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
