"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import portal.models  # noqa: F401
from portal.core.db import db, include_schema_name


def test_models_and_migrations_agree(app):
    with app.app_context():
        connection = db.session.connection()
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "render_as_batch": True, "include_name": include_schema_name})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ; write a migration: {differences}"


def _row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_going_back_and_up_again_keeps_every_row_of_a_portal_in_use(fresh_apps):
    """An upgrade runs on a portal full of data, not an empty one: SQLite batch migrations rebuild the
    users table while comptes rendus, ledger entries and projects point at it (it used to fail, or
    null the references, when the old table was dropped with foreign keys on)."""
    from flask_migrate import downgrade, upgrade

    from portal.demo import load_demo

    app = fresh_apps(migrate=True)
    with app.app_context():
        load_demo("demo-passerelle")
        db.session.commit()
        before = _row_counts()
        facilitators = db.session.execute(db.text(
            "SELECT user_id FROM atelier_facilitators ORDER BY id")).scalars().all()
        db.session.remove()  # end this read: on PostgreSQL its locks would make the ALTER TABLEs wait forever
        downgrade(revision="4b8e2f6a91c3")  # before users.notify_reports: its downgrade rebuilds users
        upgrade()
        db.session.remove()
        assert _row_counts() == before
        assert db.session.execute(db.text(
            "SELECT user_id FROM atelier_facilitators ORDER BY id")).scalars().all() == facilitators
        assert any(facilitators)


def test_after_migrating_every_connection_checks_foreign_keys_again(fresh_apps):
    """Migrations turn SQLite's foreign keys off while they run; no connection may keep that state."""
    app = fresh_apps(migrate=True)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            assert db.engine.dialect.name == "postgresql"  # keys are never turned off there
            return
        for _ in range(3):  # whichever pooled connection a request gets
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
