"""ledger entries: index on (recorded_at, id), for the dashboard's latest entries

The dashboard shows the six latest entries a person may see: without this index each dashboard sorted
every entry of the network (300,000 in the benchmark network: about a second); with it, the database reads
the newest entries first and stops at six.

Revision ID: e4a7c2d91b35
Revises: 8e5d2c41a7f3
Create Date: 2026-11-26 15:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e4a7c2d91b35'
down_revision = '8e5d2c41a7f3'
branch_labels = None
depends_on = None


# A plain CREATE INDEX, not batch mode: SQLite can add an index in place, and a batch recreation of the
# table would drop its append-only triggers.
def upgrade():
    op.create_index('ix_ledger_entries_recorded_at_id', 'ledger_entries', ['recorded_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_ledger_entries_recorded_at_id', table_name='ledger_entries')
