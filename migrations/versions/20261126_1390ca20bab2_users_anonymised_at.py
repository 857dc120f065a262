"""users: anonymised_at, set when an admin anonymises a departed person

Revision ID: 1390ca20bab2
Revises: 67f18347423f
Create Date: 2026-11-26 11:07:26.409646

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1390ca20bab2'
down_revision = '67f18347423f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
