"""users: choose whether new comments on one's projects are mailed

Revision ID: 5c1e0a7d2b91
Revises: 5a0d3c9e7b21
Create Date: 2026-11-26 11:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0a7d2b91'
down_revision = '5a0d3c9e7b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_comments', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notify_comments')
