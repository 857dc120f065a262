"""second factor: TOTP key on users

The key is stored encrypted (portal.core.crypto), hence a text column wider than the 32-character
base32 key; totp_last_step remembers the last 30-second step accepted, against replays.

Revision ID: 21fc11f60600
Revises: 1390ca20bab2
Create Date: 2026-11-26 11:09:38.670335

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '21fc11f60600'
down_revision = '1390ca20bab2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
