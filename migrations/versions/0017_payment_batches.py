"""payment batches: payable installments gathered into one SEPA file, executed once

Revision ID: 0017_payment_batches
Revises: 0016_bank_accounts
"""
from alembic import op
import sqlalchemy as sa

import app.core.database


revision = '0017_payment_batches'
down_revision = '0016_bank_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payment_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('funder_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('execution_date', sa.Date(), nullable=False),
    sa.Column('debtor_holder', sa.String(length=70), nullable=False),
    sa.Column('debtor_iban', sa.String(length=34), nullable=False),
    sa.Column('debtor_bic', sa.String(length=11), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.core.database.UTCDateTime(), nullable=False),
    sa.Column('bank_reference', sa.String(length=60), nullable=True),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('executed_by_id', sa.Integer(), nullable=True),
    sa.Column('executed_at', app.core.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint("(status = 'open' AND bank_reference IS NULL AND executed_at IS NULL AND executed_by_id IS NULL) OR (status = 'executed' AND bank_reference IS NOT NULL AND executed_at IS NOT NULL AND executed_by_id IS NOT NULL)", name=op.f('ck_payment_batches_executed_with_reference')),
    sa.CheckConstraint("status IN ('open', 'executed')", name=op.f('ck_payment_batches_batch_status_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_payment_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['executed_by_id'], ['users.id'], name=op.f('fk_payment_batches_executed_by_id_users')),
    sa.ForeignKeyConstraint(['funder_id'], ['funders.id'], name=op.f('fk_payment_batches_funder_id_funders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_batches'))
    )
    with op.batch_alter_table('payment_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_batches_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_batches_executed_by_id'), ['executed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_batches_funder_id'), ['funder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_batches_status'), ['status'], unique=False)

    op.create_table('payment_batch_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('installment_id', sa.Integer(), nullable=False),
    sa.Column('amount', app.core.database.Money(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('disbursement_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payment_batch_items_batch_amount_positive')),
    sa.CheckConstraint('is_open OR disbursement_id IS NOT NULL', name=op.f('ck_payment_batch_items_closed_item_paid')),
    sa.ForeignKeyConstraint(['batch_id'], ['payment_batches.id'], name=op.f('fk_payment_batch_items_batch_id_payment_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['disbursement_id'], ['disbursements.id'], name=op.f('fk_payment_batch_items_disbursement_id_disbursements')),
    sa.ForeignKeyConstraint(['installment_id'], ['installments.id'], name=op.f('fk_payment_batch_items_installment_id_installments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_batch_items')),
    sa.UniqueConstraint('batch_id', 'installment_id', name=op.f('uq_payment_batch_items_batch_id_installment_id')),
    sa.UniqueConstraint('disbursement_id', name=op.f('uq_payment_batch_items_disbursement_id'))
    )
    with op.batch_alter_table('payment_batch_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_batch_items_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_batch_items_installment_id'), ['installment_id'], unique=False)
        batch_op.create_index('uq_payment_batch_items_open_installment', ['installment_id'], unique=True, sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))


def downgrade():
    with op.batch_alter_table('payment_batch_items', schema=None) as batch_op:
        batch_op.drop_index('uq_payment_batch_items_open_installment', sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))
        batch_op.drop_index(batch_op.f('ix_payment_batch_items_installment_id'))
        batch_op.drop_index(batch_op.f('ix_payment_batch_items_batch_id'))

    op.drop_table('payment_batch_items')
    with op.batch_alter_table('payment_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_batches_status'))
        batch_op.drop_index(batch_op.f('ix_payment_batches_funder_id'))
        batch_op.drop_index(batch_op.f('ix_payment_batches_executed_by_id'))
        batch_op.drop_index(batch_op.f('ix_payment_batches_created_by_id'))

    op.drop_table('payment_batches')
