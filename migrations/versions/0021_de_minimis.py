"""state aid and agreement documents: de minimis declarations per organisation, de minimis
grants and the headroom each beneficiary had when its grant was prepared; the grant agreement
PDF and the SHA-256 of what was accepted and signed

Revision ID: 0021_de_minimis
Revises: 0020_submission_ranking_fields
"""
from alembic import op
import sqlalchemy as sa

import app.core.database


revision = '0021_de_minimis'
down_revision = '0020_submission_ranking_fields'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('de_minimis_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('grantor', sa.String(length=200), nullable=False),
    sa.Column('amount', app.core.database.Money(), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=False),
    sa.Column('declared_at', app.core.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_de_minimis_declarations_de_minimis_amount_positive')),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_de_minimis_declarations_declared_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_de_minimis_declarations_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_de_minimis_declarations'))
    )
    with op.batch_alter_table('de_minimis_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_de_minimis_declarations_declared_by_id'), ['declared_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_de_minimis_declarations_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('grant_beneficiaries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('de_minimis_headroom', app.core.database.Money(), nullable=True))

    with op.batch_alter_table('grants', schema=None) as batch_op:
        # Grants prepared before this revision were not checked as de minimis aid.
        batch_op.add_column(sa.Column('de_minimis', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.alter_column('de_minimis', server_default=None)
        # The agreement PDF and the SHA-256 of what was accepted and signed.
        batch_op.add_column(sa.Column('agreement_storage_key', sa.String(length=200),
                                      nullable=True))
        batch_op.add_column(sa.Column('agreement_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('accepted_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('signed_sha256', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_grants_agreement_storage_key'),
                                          ['agreement_storage_key'])
        batch_op.create_check_constraint(
            'signed_what_was_accepted', 'signed_sha256 IS NULL OR signed_sha256 = accepted_sha256')


def downgrade():
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_grants_signed_what_was_accepted'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_grants_agreement_storage_key'), type_='unique')
        batch_op.drop_column('signed_sha256')
        batch_op.drop_column('accepted_sha256')
        batch_op.drop_column('agreement_sha256')
        batch_op.drop_column('agreement_storage_key')
        batch_op.drop_column('de_minimis')

    with op.batch_alter_table('grant_beneficiaries', schema=None) as batch_op:
        batch_op.drop_column('de_minimis_headroom')

    with op.batch_alter_table('de_minimis_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_de_minimis_declarations_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_de_minimis_declarations_declared_by_id'))

    op.drop_table('de_minimis_declarations')
