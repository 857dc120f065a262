"""Checks that the data holds together: run after every restore and by ``flask --app wsgi portal verify``.

Each module registers its own verifiers with the ``verifier`` decorator, at import (the module is
imported when its blueprint is registered). A verifier takes no argument, reads through ``db.session``
(it never writes: the session is rolled back after it) and returns a ``Verdict``: whether the data is
sound, and one French sentence that says what was checked or names the first fault found.

    @integrity.verifier("funding.ledger", "Chaînes du registre des financements")
    def verify_ledger() -> integrity.Verdict:
        broken = first_broken_entry()
        if broken:
            return integrity.Verdict(False, f"Projet {broken.project_id} : l'écriture n°{broken.sequence} ...")
        return integrity.Verdict(True, f"{count} chaînes vérifiées.")

Note for the ledger: a departed user's personal data can be anonymised (``accounts.services.
anonymise_user``): their name and e-mail are replaced, their row and id are kept. The ledger hash must
therefore cover user ids only, never a name or an e-mail, or anonymising someone would break every
chain they wrote into.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text

from portal.core.db import db
from portal.core.schema import migration_state

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    summary: str


@dataclass(frozen=True)
class Verifier:
    name: str  # stable identifier, e.g. "funding.ledger"
    label: str  # what it checks, in French, for the command's output
    check: Callable[[], Verdict]


@dataclass(frozen=True)
class Result:
    verifier: Verifier
    verdict: Verdict


_registry: dict[str, Verifier] = {}


def verifier(name: str, label: str):
    """Register the decorated function as a verifier (registering a name again replaces it)."""

    def register(check: Callable[[], Verdict]) -> Callable[[], Verdict]:
        _registry[name] = Verifier(name, label, check)
        return check

    return register


def registered() -> list[Verifier]:
    return list(_registry.values())


def run_verifiers() -> list[Result]:
    """Run every verifier; one that crashes counts as failed, and the others still run."""
    results = []
    for item in registered():
        try:
            verdict = item.check()
        except Exception as error:
            logger.exception("verifier %s crashed", item.name)
            verdict = Verdict(False, f"La vérification a échoué : {error}")
        finally:
            db.session.rollback()
        results.append(Result(item, verdict))
    return results


# --- the checks every portal has -------------------------------------------------------------------

@verifier("schema", "Schéma de la base au niveau du code")
def verify_schema() -> Verdict:
    state = migration_state(db.session.connection())
    if state.current:
        return Verdict(True, f"Révision {state.code}.")
    return Verdict(False, f"La base est en révision {state.database or 'aucune'}, le code attend {state.code} : "
                          "lancez « flask --app wsgi db upgrade ».")


@verifier("database", "Intégrité de la base (pages, index, clés étrangères)")
def verify_database() -> Verdict:
    if db.session.get_bind().dialect.name == "sqlite":
        return _verify_sqlite()
    return _verify_postgresql()


def _verify_sqlite() -> Verdict:
    problems = [row[0] for row in db.session.execute(text("PRAGMA integrity_check")) if row[0] != "ok"]
    orphans = db.session.execute(text("PRAGMA foreign_key_check")).all()
    if problems:
        return Verdict(False, f"Fichier endommagé : {problems[0]}")
    if orphans:
        table, rowid, parent, _ = orphans[0]
        return Verdict(False, f"{len(orphans)} ligne(s) pointent vers des lignes absentes, "
                              f"dont {table} (rowid {rowid}) vers {parent}.")
    return Verdict(True, "Fichier intact, aucune clé étrangère orpheline.")


def _verify_postgresql() -> Verdict:
    # PostgreSQL enforces foreign keys itself; what a restore can leave behind is a constraint created
    # NOT VALID or an index whose build failed.
    unchecked = db.session.execute(text(
        "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = current_schema() AND NOT c.convalidated")).scalars().all()
    invalid = db.session.execute(text(
        "SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND NOT i.indisvalid")).scalars().all()
    if unchecked or invalid:
        return Verdict(False, "Contraintes non vérifiées ou index invalides : " + ", ".join(unchecked + invalid))
    return Verdict(True, "Toutes les contraintes sont vérifiées et tous les index valides.")
