"""network identity: the network's name and logo, set by an admin, stored in the database

Revision ID: 4b8e2f6a91c3
Revises: 0067da34c090
Create Date: 2026-11-26 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b8e2f6a91c3'
down_revision = '0067da34c090'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('network_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_mime_type', sa.String(length=40), nullable=True),
    sa.Column('logo_sha256', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_network_identity_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_identity'))
    )


def downgrade():
    op.drop_table('network_identity')
