"""grant amendments: versioned changes of a signed grant agreed by both sides, each
beneficiary's share per version (version 1 is the agreement as signed), and the day a
beneficiary left the grant

Revision ID: 0024_grant_amendments
Revises: 0023_user_language
"""
import sqlalchemy as sa
from alembic import op

import app.core.database

revision = '0024_grant_amendments'
down_revision = '0023_user_language'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grant_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('proposed_side', sa.String(length=12), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', app.core.database.UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.core.database.UTCDateTime(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.CheckConstraint("(status = 'accepted' AND version IS NOT NULL AND valid_from IS NOT NULL"
                       " AND decided_by_id IS NOT NULL) OR (status <> 'accepted'"
                       " AND version IS NULL)",
                       name=op.f('ck_grant_amendments_accepted_has_version')),
    sa.CheckConstraint("proposed_side IN ('funder', 'consortium')",
                       name=op.f('ck_grant_amendments_amendment_side_known')),
    sa.CheckConstraint("status IN ('proposed', 'accepted', 'refused', 'withdrawn')",
                       name=op.f('ck_grant_amendments_amendment_status_known')),
    sa.CheckConstraint("status <> 'accepted' OR decided_by_id <> proposed_by_id",
                       name=op.f('ck_grant_amendments_accepted_by_someone_else')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                            name=op.f('fk_grant_amendments_decided_by_id_users')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], ondelete='CASCADE',
                            name=op.f('fk_grant_amendments_grant_id_grants')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'],
                            name=op.f('fk_grant_amendments_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_amendments')),
    sa.UniqueConstraint('grant_id', 'version', name=op.f('uq_grant_amendments_grant_id_version')),
    )
    with op.batch_alter_table('grant_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_amendments_decided_by_id'), ['decided_by_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_grant_amendments_grant_id'), ['grant_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_grant_amendments_proposed_by_id'),
                              ['proposed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_amendments_status'), ['status'],
                              unique=False)
        batch_op.create_index('uq_grant_amendments_one_proposed', ['grant_id'], unique=True,
                              sqlite_where=sa.text("status = 'proposed'"),
                              postgresql_where=sa.text("status = 'proposed'"))

    op.create_table('grant_share_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('share', app.core.database.Money(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.CheckConstraint('share >= 0', name=op.f('ck_grant_share_versions_share_not_negative')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiaries.id'], ondelete='CASCADE',
                            name=op.f('fk_grant_share_versions_beneficiary_id_grant_beneficiaries')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], ondelete='CASCADE',
                            name=op.f('fk_grant_share_versions_grant_id_grants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_share_versions')),
    sa.UniqueConstraint('beneficiary_id', 'version',
                        name=op.f('uq_grant_share_versions_beneficiary_id_version')),
    )
    with op.batch_alter_table('grant_share_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_share_versions_beneficiary_id'),
                              ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_share_versions_grant_id'), ['grant_id'],
                              unique=False)

    with op.batch_alter_table('grant_beneficiaries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('left_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('grant_beneficiaries', schema=None) as batch_op:
        batch_op.drop_column('left_on')
    with op.batch_alter_table('grant_share_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_share_versions_grant_id'))
        batch_op.drop_index(batch_op.f('ix_grant_share_versions_beneficiary_id'))
    op.drop_table('grant_share_versions')
    with op.batch_alter_table('grant_amendments', schema=None) as batch_op:
        batch_op.drop_index('uq_grant_amendments_one_proposed')
        batch_op.drop_index(batch_op.f('ix_grant_amendments_status'))
        batch_op.drop_index(batch_op.f('ix_grant_amendments_proposed_by_id'))
        batch_op.drop_index(batch_op.f('ix_grant_amendments_grant_id'))
        batch_op.drop_index(batch_op.f('ix_grant_amendments_decided_by_id'))
    op.drop_table('grant_amendments')
