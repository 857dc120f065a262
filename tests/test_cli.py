"""The portal's commands: create-admin, and a demo that can run again without duplicating anything."""

import pytest
from flask_migrate import upgrade

from portal.accounts.models import Organisation, User
from portal.accounts.passwords import verify_password
from portal.core.db import db

DEMO_ACCOUNTS = {
    "admin@demo.passerelle.example": "admin",
    "coordination@demo.passerelle.example": "coordinator",
    "caf@demo.passerelle.example": "member",
    "departement@demo.passerelle.example": "member",
    "cs-belley@demo.passerelle.example": "member",
    "cs-jassans@demo.passerelle.example": "member",
    "association@demo.passerelle.example": "member",
}


@pytest.fixture
def fresh_app(fresh_apps):
    return fresh_apps()


def counts(app):
    with app.app_context():
        return (db.session.scalar(db.select(db.func.count()).select_from(User)),
                db.session.scalar(db.select(db.func.count()).select_from(Organisation)))


def test_demo_loads_the_network_and_can_run_again(fresh_app):
    runner = fresh_app.test_cli_runner()
    result = runner.invoke(args=["portal", "demo", "--password", "demo-passerelle"])
    assert result.exit_code == 0, result.output
    for email in DEMO_ACCOUNTS:
        assert email in result.output
    assert "demo-passerelle" in result.output
    first = counts(fresh_app)

    again = runner.invoke(args=["portal", "demo", "--password", "autre-mot-de-passe"])
    assert again.exit_code == 0, again.output
    assert counts(fresh_app) == first
    with fresh_app.app_context():
        users = {u.email: u for u in db.session.execute(db.select(User)).scalars()}
        assert {email: users[email].role for email in DEMO_ACCOUNTS} == DEMO_ACCOUNTS
        assert verify_password(users["caf@demo.passerelle.example"].password_hash, "autre-mot-de-passe")
        names = set(db.session.execute(db.select(Organisation.name)).scalars())
    assert "Fédération départementale des Centres Sociaux de l'Ain" in names
    assert {"CAF de l'Ain", "Conseil départemental de l'Ain", "Centre social de Belley"} <= names


def test_demo_accounts_can_log_in(fresh_app):
    fresh_app.test_cli_runner().invoke(args=["portal", "demo", "--password", "demo-passerelle"])
    fresh_app.config["WTF_CSRF_ENABLED"] = False
    client = fresh_app.test_client()
    response = client.post("/connexion", data={"email": "cs-belley@demo.passerelle.example",
                                               "password": "demo-passerelle"})
    assert response.status_code == 302


def test_create_admin(fresh_app):
    with fresh_app.app_context():
        upgrade()
    runner = fresh_app.test_cli_runner()
    result = runner.invoke(args=["portal", "create-admin", "Chef@Exemple.fr", "--password", "un-long-secret"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["portal", "create-admin", "chef@exemple.fr", "--password", "un-long-secret"])
    assert again.exit_code != 0
    assert "Un compte existe déjà" in again.output
    short = runner.invoke(args=["portal", "create-admin", "autre@exemple.fr", "--password", "court"])
    assert "au moins 10 caractères" in short.output
    with fresh_app.app_context():
        admin = db.session.execute(db.select(User).filter_by(email="chef@exemple.fr")).scalar_one()
        assert admin.role == "admin"


def test_create_admin_prompts_for_the_password(fresh_app):
    with fresh_app.app_context():
        upgrade()
    result = fresh_app.test_cli_runner().invoke(args=["portal", "create-admin", "x@exemple.fr"],
                                                input="un-long-secret\nun-long-secret\n")
    assert result.exit_code == 0, result.output


def test_reset_second_factor_from_the_command_line(fresh_app):
    from tests.support.factories import make_user

    with fresh_app.app_context():
        upgrade()
        admin = make_user(role="admin", email="seule.admin@exemple.fr")
        token = admin.session_token
        db.session.commit()
    runner = fresh_app.test_cli_runner()
    result = runner.invoke(args=["portal", "reset-second-factor", "Seule.Admin@exemple.fr"])
    assert result.exit_code == 0, result.output
    assert "réinitialisée" in result.output
    with fresh_app.app_context():
        admin = db.session.execute(db.select(User).filter_by(email="seule.admin@exemple.fr")).scalar_one()
        assert (admin.has_second_factor, admin.totp_secret) == (False, None)
        assert admin.session_token != token
    unknown = runner.invoke(args=["portal", "reset-second-factor", "personne@exemple.fr"])
    assert unknown.exit_code != 0 and "Aucun compte" in unknown.output


def test_demo_audits_in_the_database_without_a_console_line_per_action(fresh_app, caplog):
    from portal.core.audit import AuditEvent

    caplog.set_level("INFO", logger="portal.audit")
    result = fresh_app.test_cli_runner().invoke(args=["portal", "demo", "--password", "demo-passerelle"])
    assert result.exit_code == 0, result.output
    assert not [record for record in caplog.records if record.name == "portal.audit"]
    with fresh_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) > 0
