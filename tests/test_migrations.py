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
