"""bank accounts: each grant beneficiary's accounts, pending until a finance officer confirms

Revision ID: 0016_bank_accounts
Revises: 0015_second_factor
"""
from alembic import op
import sqlalchemy as sa

import app.core.database


revision = '0016_bank_accounts'
down_revision = '0015_second_factor'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bank_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=70), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('bic', sa.String(length=11), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', app.core.database.UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.core.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'replaced', 'rejected', 'withdrawn')", name=op.f('ck_bank_accounts_bank_account_status_known')),
    sa.CheckConstraint("status IN ('pending', 'withdrawn') OR (decided_by_id IS NOT NULL AND decided_by_id <> requested_by_id)", name=op.f('ck_bank_accounts_decided_by_someone_else')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiaries.id'], name=op.f('fk_bank_accounts_beneficiary_id_grant_beneficiaries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_bank_accounts_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_bank_accounts_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_accounts'))
    )
    with op.batch_alter_table('bank_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_accounts_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_accounts_decided_by_id'), ['decided_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_accounts_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index('uq_bank_accounts_one_confirmed', ['beneficiary_id'], unique=True, sqlite_where=sa.text("status = 'confirmed'"), postgresql_where=sa.text("status = 'confirmed'"))
        batch_op.create_index('uq_bank_accounts_one_pending', ['beneficiary_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))



def downgrade():
    with op.batch_alter_table('bank_accounts', schema=None) as batch_op:
        batch_op.drop_index('uq_bank_accounts_one_pending', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index('uq_bank_accounts_one_confirmed', sqlite_where=sa.text("status = 'confirmed'"), postgresql_where=sa.text("status = 'confirmed'"))
        batch_op.drop_index(batch_op.f('ix_bank_accounts_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_bank_accounts_decided_by_id'))
        batch_op.drop_index(batch_op.f('ix_bank_accounts_beneficiary_id'))

    op.drop_table('bank_accounts')
