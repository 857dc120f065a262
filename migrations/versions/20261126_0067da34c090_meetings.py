"""meetings: rencontres, ateliers (co-facilitators, testimonies, participants), comptes rendus and their
published versions

A published version (``report_versions``) is the PDF partners received: the ORM refuses to change or delete
one (``portal.meetings.models``), and triggers refuse it in the database too (SQLite and PostgreSQL), as for
the funding ledger; ``portal verify`` checks each stored sha256 against its bytes.

Revision ID: 0067da34c090
Revises: dcdab253d1b4
Create Date: 2026-11-26 14:11:45.249494

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0067da34c090'
down_revision = 'dcdab253d1b4'
branch_labels = None
depends_on = None

REFUSAL = 'report_versions are never changed: publish a new version instead'

SQLITE_TRIGGERS = {
    'report_versions_no_update': f"""
        CREATE TRIGGER report_versions_no_update BEFORE UPDATE ON report_versions
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    'report_versions_no_delete': f"""
        CREATE TRIGGER report_versions_no_delete BEFORE DELETE ON report_versions
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
}

POSTGRESQL_FUNCTION = f"""
    CREATE FUNCTION report_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL} (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
    END $$"""

POSTGRESQL_TRIGGERS = {
    'report_versions_immutable': """
        CREATE TRIGGER report_versions_immutable BEFORE UPDATE OR DELETE ON report_versions
        FOR EACH ROW EXECUTE FUNCTION report_versions_immutable()""",
    'report_versions_no_truncate': """
        CREATE TRIGGER report_versions_no_truncate BEFORE TRUNCATE ON report_versions
        FOR EACH STATEMENT EXECUTE FUNCTION report_versions_immutable()""",
}


def upgrade():
    op.create_table('rencontres',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_rencontres_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organiser_id'], ['organisations.id'], name=op.f('fk_rencontres_organiser_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rencontres'))
    )
    with op.batch_alter_table('rencontres', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rencontres_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rencontres_starts_at'), ['starts_at'], unique=False)

    op.create_table('ateliers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rencontre_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=200), nullable=False),
    sa.Column('other_participants', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_ateliers_number_positive')),
    sa.CheckConstraint('other_participants >= 0', name=op.f('ck_ateliers_other_participants_positive')),
    sa.ForeignKeyConstraint(['rencontre_id'], ['rencontres.id'], name=op.f('fk_ateliers_rencontre_id_rencontres'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ateliers')),
    sa.UniqueConstraint('rencontre_id', 'number', name=op.f('uq_ateliers_rencontre_id_number'))
    )
    op.create_table('atelier_facilitators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('atelier_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('user_id IS NOT NULL OR name IS NOT NULL', name=op.f('ck_atelier_facilitators_user_or_name')),
    sa.ForeignKeyConstraint(['atelier_id'], ['ateliers.id'], name=op.f('fk_atelier_facilitators_atelier_id_ateliers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_atelier_facilitators_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_atelier_facilitators'))
    )
    with op.batch_alter_table('atelier_facilitators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_atelier_facilitators_atelier_id'), ['atelier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_atelier_facilitators_user_id'), ['user_id'], unique=False)

    op.create_table('atelier_participant_organisations',
    sa.Column('atelier_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['atelier_id'], ['ateliers.id'], name=op.f('fk_atelier_participant_organisations_atelier_id_ateliers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_atelier_participant_organisations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('atelier_id', 'organisation_id', name=op.f('pk_atelier_participant_organisations'))
    )
    with op.batch_alter_table('atelier_participant_organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_atelier_participant_organisations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('atelier_participant_users',
    sa.Column('atelier_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['atelier_id'], ['ateliers.id'], name=op.f('fk_atelier_participant_users_atelier_id_ateliers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_atelier_participant_users_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('atelier_id', 'user_id', name=op.f('pk_atelier_participant_users'))
    )
    with op.batch_alter_table('atelier_participant_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_atelier_participant_users_user_id'), ['user_id'], unique=False)

    op.create_table('atelier_testimonies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('atelier_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['atelier_id'], ['ateliers.id'], name=op.f('fk_atelier_testimonies_atelier_id_ateliers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_atelier_testimonies_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_atelier_testimonies_project_id_projects'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_atelier_testimonies'))
    )
    with op.batch_alter_table('atelier_testimonies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_atelier_testimonies_atelier_id'), ['atelier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_atelier_testimonies_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_atelier_testimonies_project_id'), ['project_id'], unique=False)

    op.create_table('comptes_rendus',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rencontre_id', sa.Integer(), nullable=False),
    sa.Column('atelier_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('is_public', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published')", name=op.f('ck_comptes_rendus_status')),
    sa.ForeignKeyConstraint(['atelier_id'], ['ateliers.id'], name=op.f('fk_comptes_rendus_atelier_id_ateliers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['rencontre_id'], ['rencontres.id'], name=op.f('fk_comptes_rendus_rencontre_id_rencontres'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_comptes_rendus_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comptes_rendus')),
    sa.UniqueConstraint('atelier_id', name=op.f('uq_comptes_rendus_atelier_id'))
    )
    with op.batch_alter_table('comptes_rendus', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comptes_rendus_rencontre_id'), ['rencontre_id'], unique=False)

    op.create_table('report_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('heading', sa.String(length=200), nullable=False),
    sa.Column('markdown_source', sa.Text(), nullable=False),
    sa.Column('change_note', sa.String(length=500), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_report_versions_number_positive')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_report_versions_published_by_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['comptes_rendus.id'], name=op.f('fk_report_versions_report_id_comptes_rendus'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_versions')),
    sa.UniqueConstraint('report_id', 'number', name=op.f('uq_report_versions_report_id_number'))
    )
    with op.batch_alter_table('report_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_versions_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_versions_published_by_id'), ['published_by_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRESQL_FUNCTION)
        for statement in POSTGRESQL_TRIGGERS.values():
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for name in POSTGRESQL_TRIGGERS:
            op.execute(f'DROP TRIGGER IF EXISTS {name} ON report_versions')
        op.execute('DROP FUNCTION IF EXISTS report_versions_immutable()')
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    with op.batch_alter_table('report_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_versions_published_by_id'))
        batch_op.drop_index(batch_op.f('ix_report_versions_published_at'))

    op.drop_table('report_versions')
    with op.batch_alter_table('comptes_rendus', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comptes_rendus_rencontre_id'))

    op.drop_table('comptes_rendus')
    with op.batch_alter_table('atelier_testimonies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_atelier_testimonies_project_id'))
        batch_op.drop_index(batch_op.f('ix_atelier_testimonies_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_atelier_testimonies_atelier_id'))

    op.drop_table('atelier_testimonies')
    with op.batch_alter_table('atelier_participant_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_atelier_participant_users_user_id'))

    op.drop_table('atelier_participant_users')
    with op.batch_alter_table('atelier_participant_organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_atelier_participant_organisations_organisation_id'))

    op.drop_table('atelier_participant_organisations')
    with op.batch_alter_table('atelier_facilitators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_atelier_facilitators_user_id'))
        batch_op.drop_index(batch_op.f('ix_atelier_facilitators_atelier_id'))

    op.drop_table('atelier_facilitators')
    op.drop_table('ateliers')
    with op.batch_alter_table('rencontres', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rencontres_starts_at'))
        batch_op.drop_index(batch_op.f('ix_rencontres_organiser_id'))

    op.drop_table('rencontres')
