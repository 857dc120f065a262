"""full-text search of projects: FTS5 table kept by triggers (SQLite), GIN expression index (PostgreSQL)

Neither can be described by the models: ``portal.projects.search`` registers their names so autogenerate
leaves them alone, and holds the query side (its PostgreSQL expression must match the index below).

SQLite caution for later migrations: a batch operation that recreates ``projects`` (dropping or altering a
column) drops its triggers; such a migration must run ``_create_sqlite_triggers`` again (copy it) and
rebuild the index. ``tests/projects/test_search.py`` fails when the triggers are missing at head.

Revision ID: d7b3f19c4e20
Revises: a245262f038f
Create Date: 2026-11-26 11:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd7b3f19c4e20'
down_revision = 'a245262f038f'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = {
    "projects_search_after_insert": """
        CREATE TRIGGER projects_search_after_insert AFTER INSERT ON projects BEGIN
            INSERT INTO project_search(rowid, title, summary, description)
            VALUES (new.id, new.title, new.summary, new.description);
        END""",
    "projects_search_after_delete": """
        CREATE TRIGGER projects_search_after_delete AFTER DELETE ON projects BEGIN
            INSERT INTO project_search(project_search, rowid, title, summary, description)
            VALUES ('delete', old.id, old.title, old.summary, old.description);
        END""",
    "projects_search_after_update": """
        CREATE TRIGGER projects_search_after_update AFTER UPDATE OF title, summary, description ON projects BEGIN
            INSERT INTO project_search(project_search, rowid, title, summary, description)
            VALUES ('delete', old.id, old.title, old.summary, old.description);
            INSERT INTO project_search(rowid, title, summary, description)
            VALUES (new.id, new.title, new.summary, new.description);
        END""",
}


def _create_sqlite_triggers():
    for statement in SQLITE_TRIGGERS.values():
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # External content: the text lives in `projects` only; the FTS table holds the index.
        op.execute("""
            CREATE VIRTUAL TABLE project_search USING fts5(
                title, summary, description,
                content='projects', content_rowid='id',
                tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'
            )""")
        _create_sqlite_triggers()
        op.execute("INSERT INTO project_search(project_search) VALUES ('rebuild')")
    elif dialect == "postgresql":
        # unaccent is a trusted extension (PostgreSQL 13+): the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute("CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french)")
        op.execute("ALTER TEXT SEARCH CONFIGURATION french_unaccent "
                   "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem")
        # The text read by the French stemmer (which needs accents) and once more without accents.
        text = "projects.title || ' ' || projects.summary || ' ' || projects.description"
        op.execute("CREATE INDEX ix_projects_search ON projects USING gin "
                   f"((to_tsvector('french', {text}) || to_tsvector('french_unaccent', {text})))")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS project_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_projects_search")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")
