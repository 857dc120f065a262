"""users: choose whether published comptes rendus are mailed

Revision ID: 8e5d2c41a7f3
Revises: 4b8e2f6a91c3
Create Date: 2026-11-26 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e5d2c41a7f3'
down_revision = '4b8e2f6a91c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_reports', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notify_reports')
