"""The verifiers run after a restore and by `portal verify`: registered by modules, each reported."""

import sqlite3

from sqlalchemy import make_url, text

from portal.core import integrity
from portal.core.db import db
from tests.support.database import is_postgresql


def test_verify_reports_every_verifier_on_a_sound_database(runner):
    result = runner.invoke(args=["portal", "verify"])
    assert result.exit_code == 0, result.output
    assert "[ok] Schéma de la base au niveau du code : Révision" in result.output
    assert "[ok] Intégrité de la base" in result.output
    assert f"Les {len(integrity.registered())} vérifications sont passées." in result.output


def test_a_failing_verifier_fails_the_command_and_the_others_still_run(runner, monkeypatch):
    monkeypatch.setitem(integrity._registry, "test.broken", integrity.Verifier(
        "test.broken", "Chaîne de test", lambda: integrity.Verdict(False, "l'écriture n°3 est altérée")))

    def crash():
        raise RuntimeError("table introuvable")

    monkeypatch.setitem(integrity._registry, "test.crash", integrity.Verifier("test.crash", "Plantage", crash))
    result = runner.invoke(args=["portal", "verify"])
    assert result.exit_code == 1
    assert "[ÉCHEC] Chaîne de test : l'écriture n°3 est altérée" in result.output
    assert "[ÉCHEC] Plantage : La vérification a échoué : table introuvable" in result.output
    assert "[ok] Schéma de la base" in result.output
    assert "2 vérification(s) en échec" in result.output


def test_the_decorator_registers_under_a_name(monkeypatch):
    monkeypatch.setattr(integrity, "_registry", {})

    @integrity.verifier("funding.ledger", "Chaînes du registre")
    def verify_ledger():
        return integrity.Verdict(True, "3 chaînes vérifiées.")

    assert [(v.name, v.label) for v in integrity.registered()] == [("funding.ledger", "Chaînes du registre")]
    assert verify_ledger().ok


def test_the_database_verifier_finds_what_the_engine_let_through(fresh_apps):
    app = fresh_apps(migrate=True)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        if is_postgresql():
            db.session.execute(text("ALTER TABLE users ADD CONSTRAINT ck_users_probe CHECK (id > 0) NOT VALID"))
            db.session.commit()
        else:
            # A row written by a connection that had foreign keys off: its organisation does not exist.
            with sqlite3.connect(make_url(url).database) as raw:
                raw.execute("INSERT INTO users (email, full_name, organisation_id, role, active, session_token, "
                            "created_at) VALUES ('x@exemple.fr', 'X', 999, 'member', 1, 't', '2026-01-01')")
        db.engine.dispose()
        verdict = integrity.verify_database()
    assert not verdict.ok
    assert ("ck_users_probe" if is_postgresql() else "users") in verdict.summary
