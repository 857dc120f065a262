"""``flask --app wsgi portal ...``: the commands that run the network's portal."""

import secrets

import click
from flask.cli import AppGroup
from flask_migrate import upgrade

from portal.core.db import db, write_intent

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
