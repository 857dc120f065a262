"""projects: pages, partners, members, themes and publics, revisions, milestones, comments

Full-text search (dialect-specific SQL) is the next revision.

Revision ID: a245262f038f
Revises: 5c1e0a7d2b91
Create Date: 2026-11-26 11:04:59.676519

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a245262f038f'
down_revision = '5c1e0a7d2b91'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('publics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publics')),
    sa.UniqueConstraint('name', name=op.f('uq_publics_name'))
    )
    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes')),
    sa.UniqueConstraint('name', name=op.f('uq_themes_name'))
    )
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_sort', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('carrier_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('start_precision', sa.String(length=5), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_precision', sa.String(length=5), nullable=True),
    sa.Column('territory_kind', sa.String(length=20), nullable=True),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("end_precision IN ('year', 'month', 'day')", name=op.f('ck_projects_end_precision')),
    sa.CheckConstraint("start_precision IN ('year', 'month', 'day')", name=op.f('ck_projects_start_precision')),
    sa.CheckConstraint("status IN ('en_projet', 'en_cours', 'en_pause', 'termine')", name=op.f('ck_projects_status')),
    sa.CheckConstraint("territory_kind IN ('urbain', 'periurbain', 'rural')", name=op.f('ck_projects_territory_kind')),
    sa.CheckConstraint("visibility IN ('network', 'partners')", name=op.f('ck_projects_visibility')),
    sa.ForeignKeyConstraint(['carrier_id'], ['organisations.id'], name=op.f('fk_projects_carrier_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_projects_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_carrier_id'), ['carrier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_end_date'), ['end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_start_date'), ['start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_territory_kind'), ['territory_kind'], unique=False)
        batch_op.create_index('ix_projects_title_sort_id', ['title_sort', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_visibility'), ['visibility'], unique=False)

    op.create_table('project_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_project_comments_author_id_users')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_project_comments_deleted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_comments_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_comments'))
    )
    with op.batch_alter_table('project_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_comments_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_project_comments_project_id_id', ['project_id', 'id'], unique=False)

    op.create_table('project_communes',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_communes_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'name', name=op.f('pk_project_communes'))
    )
    with op.batch_alter_table('project_communes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_communes_name'), ['name'], unique=False)

    op.create_table('project_invitations',
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role IN ('comite_technique', 'animation', 'benevole', 'personne_concernee')", name=op.f('ck_project_invitations_role')),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_project_invitations_invitation_id_invitations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_invitations_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('invitation_id', name=op.f('pk_project_invitations'))
    )
    with op.batch_alter_table('project_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_invitations_project_id'), ['project_id'], unique=False)

    op.create_table('project_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('comite_technique', 'animation', 'benevole', 'personne_concernee')", name=op.f('ck_project_members_role')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_members_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_project_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_members')),
    sa.UniqueConstraint('project_id', 'user_id', name=op.f('uq_project_members_project_id_user_id'))
    )
    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_members_user_id'), ['user_id'], unique=False)

    op.create_table('project_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('precision', sa.String(length=5), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('lancement', 'reorientation', 'nouveau_public', 'nouveau_partenaire', 'bilan', 'autre')", name=op.f('ck_project_milestones_kind')),
    sa.CheckConstraint("precision IN ('year', 'month', 'day')", name=op.f('ck_project_milestones_precision')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_project_milestones_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_milestones_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_milestones'))
    )
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_milestones_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_project_milestones_project_id_happened_on', ['project_id', 'happened_on'], unique=False)

    op.create_table('project_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role IN ('co_porteur', 'financeur', 'operationnel')", name=op.f('ck_project_partners_role')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_project_partners_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_partners_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_partners')),
    sa.UniqueConstraint('project_id', 'organisation_id', name=op.f('uq_project_partners_project_id_organisation_id'))
    )
    with op.batch_alter_table('project_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_partners_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('project_publics',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_publics_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['public_id'], ['publics.id'], name=op.f('fk_project_publics_public_id_publics'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('project_id', 'public_id', name=op.f('pk_project_publics'))
    )
    with op.batch_alter_table('project_publics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_publics_public_id'), ['public_id'], unique=False)

    op.create_table('project_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('project_version', sa.Integer(), nullable=True),
    sa.CheckConstraint("scope IN ('page', 'members', 'milestones')", name=op.f('ck_project_revisions_scope')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_project_revisions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_revisions_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_revisions')),
    sa.UniqueConstraint('project_id', 'number', name=op.f('uq_project_revisions_project_id_number'))
    )
    with op.batch_alter_table('project_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_revisions_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_project_revisions_project_id_created_at', ['project_id', 'created_at'], unique=False)

    op.create_table('project_themes',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_themes_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_project_themes_theme_id_themes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('project_id', 'theme_id', name=op.f('pk_project_themes'))
    )
    with op.batch_alter_table('project_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_themes_theme_id'), ['theme_id'], unique=False)



def downgrade():
    with op.batch_alter_table('project_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_themes_theme_id'))

    op.drop_table('project_themes')
    with op.batch_alter_table('project_revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_project_revisions_project_id_created_at')
        batch_op.drop_index(batch_op.f('ix_project_revisions_created_at'))

    op.drop_table('project_revisions')
    with op.batch_alter_table('project_publics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_publics_public_id'))

    op.drop_table('project_publics')
    with op.batch_alter_table('project_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_partners_organisation_id'))

    op.drop_table('project_partners')
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_project_milestones_project_id_happened_on')
        batch_op.drop_index(batch_op.f('ix_project_milestones_created_at'))

    op.drop_table('project_milestones')
    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_members_user_id'))

    op.drop_table('project_members')
    with op.batch_alter_table('project_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_invitations_project_id'))

    op.drop_table('project_invitations')
    with op.batch_alter_table('project_communes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_communes_name'))

    op.drop_table('project_communes')
    with op.batch_alter_table('project_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_project_comments_project_id_id')
        batch_op.drop_index(batch_op.f('ix_project_comments_created_at'))
        batch_op.drop_index(batch_op.f('ix_project_comments_author_id'))

    op.drop_table('project_comments')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_visibility'))
        batch_op.drop_index('ix_projects_title_sort_id')
        batch_op.drop_index(batch_op.f('ix_projects_territory_kind'))
        batch_op.drop_index(batch_op.f('ix_projects_status'))
        batch_op.drop_index(batch_op.f('ix_projects_start_date'))
        batch_op.drop_index(batch_op.f('ix_projects_end_date'))
        batch_op.drop_index(batch_op.f('ix_projects_carrier_id'))

    op.drop_table('projects')
    op.drop_table('themes')
    op.drop_table('publics')
