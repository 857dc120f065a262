"""funding ledger: append-only, hash-chained entries per project, with triggers refusing UPDATE and DELETE

The triggers are the database's wall behind the ORM's (``portal.funding.models``): whoever reaches the
table with plain SQL still cannot change or delete an entry, short of dropping the trigger first, and then
``portal verify-ledger`` names the first entry whose hash no longer matches.

Revision ID: dcdab253d1b4
Revises: d7b3f19c4e20
Create Date: 2026-11-26 11:18:52.365309

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dcdab253d1b4'
down_revision = 'd7b3f19c4e20'
branch_labels = None
depends_on = None

REFUSAL = 'ledger_entries is append-only: record an annulation instead'

SQLITE_TRIGGERS = {
    'ledger_entries_no_update': f"""
        CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    'ledger_entries_no_delete': f"""
        CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
}

POSTGRESQL_FUNCTION = f"""
    CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL} (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
    END $$"""

POSTGRESQL_TRIGGERS = {
    'ledger_entries_append_only': """
        CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()""",
    'ledger_entries_no_truncate': """
        CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()""",
}


def upgrade():
    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('funder_id', sa.Integer(), nullable=True),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('payment_kind', sa.String(length=10), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('annuls_entry_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('project_revision_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint("(kind = 'annulation') = (annuls_entry_id IS NOT NULL)", name=op.f('ck_ledger_entries_annulation_target')),
    sa.CheckConstraint("(kind = 'budget') = (funder_id IS NULL) OR kind = 'annulation'", name=op.f('ck_ledger_entries_funder')),
    sa.CheckConstraint("(kind = 'versement') = (payment_kind IS NOT NULL)", name=op.f('ck_ledger_entries_versement_payment_kind')),
    sa.CheckConstraint("kind IN ('avenant', 'annulation') OR amount_cents > 0", name=op.f('ck_ledger_entries_amount_sign')),
    sa.CheckConstraint("kind IN ('budget', 'demande', 'accord', 'versement', 'avenant', 'refus', 'annulation')", name=op.f('ck_ledger_entries_kind')),
    sa.CheckConstraint("payment_kind IN ('acompte', 'solde')", name=op.f('ck_ledger_entries_payment_kind')),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_ledger_entries_seq_positive')),
    sa.ForeignKeyConstraint(['funder_id'], ['organisations.id'], name=op.f('fk_ledger_entries_funder_id_organisations')),
    sa.ForeignKeyConstraint(['project_id', 'annuls_entry_id'], ['ledger_entries.project_id', 'ledger_entries.id'], name='fk_ledger_entries_annuls_same_project'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_ledger_entries_project_id_projects'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_revision_id'], ['project_revisions.id'], name=op.f('fk_ledger_entries_project_revision_id_project_revisions')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_ledger_entries_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('annuls_entry_id', name=op.f('uq_ledger_entries_annuls_entry_id')),
    sa.UniqueConstraint('project_id', 'id', name=op.f('uq_ledger_entries_project_id_id')),
    sa.UniqueConstraint('project_id', 'seq', name=op.f('uq_ledger_entries_project_id_seq'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entries_funder_id'), ['funder_id'], unique=False)
        batch_op.create_index('ix_ledger_entries_project_id_fiscal_year_funder_id', ['project_id', 'fiscal_year', 'funder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_recorded_by_id'), ['recorded_by_id'], unique=False)

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
            op.execute(f'DROP TRIGGER IF EXISTS {name} ON ledger_entries')
        op.execute('DROP FUNCTION IF EXISTS ledger_entries_append_only()')
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_recorded_by_id'))
        batch_op.drop_index('ix_ledger_entries_project_id_fiscal_year_funder_id')
        batch_op.drop_index(batch_op.f('ix_ledger_entries_funder_id'))

    op.drop_table('ledger_entries')
