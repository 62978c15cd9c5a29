"""de minimis is a call setting (calls.de_minimis; existing grants keep their own flag), and a
payment batch keeps each transfer's creditor account as confirmed when the batch was made
(payment_batch_transfers), so its SEPA file never follows a later change of bank details

Revision ID: 0026_call_de_minimis
Revises: 0025_ranking_cache
"""
import sqlalchemy as sa
from alembic import op

import app.core.database

revision = '0026_call_de_minimis'
down_revision = '0025_ranking_cache'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('de_minimis', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # A call one of whose grants was prepared as de minimis aid was granted under de minimis:
    # its later grants are checked too (refusing aid above the ceiling is the safe side).
    # The grants themselves keep the flag they were prepared with.
    op.execute("UPDATE calls SET de_minimis = TRUE WHERE id IN "
               "(SELECT call_id FROM grants WHERE de_minimis)")
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.alter_column('de_minimis', server_default=None)

    # Batches made before this revision have no rows here: their file is refused and they are
    # made again (services/batch_files.py), since the account they were meant to pay is unknown.
    op.create_table('payment_batch_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('amount', app.core.database.Money(), nullable=False),
    sa.Column('bank_account_id', sa.Integer(), nullable=False),
    sa.Column('creditor_holder', sa.String(length=70), nullable=False),
    sa.Column('creditor_iban', sa.String(length=34), nullable=False),
    sa.Column('creditor_bic', sa.String(length=11), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payment_batch_transfers_transfer_amount_positive')),
    sa.ForeignKeyConstraint(['bank_account_id'], ['bank_accounts.id'], name=op.f('fk_payment_batch_transfers_bank_account_id_bank_accounts')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiaries.id'], name=op.f('fk_payment_batch_transfers_beneficiary_id_grant_beneficiaries')),
    sa.ForeignKeyConstraint(['item_id'], ['payment_batch_items.id'], name=op.f('fk_payment_batch_transfers_item_id_payment_batch_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_batch_transfers')),
    sa.UniqueConstraint('item_id', 'beneficiary_id', name=op.f('uq_payment_batch_transfers_item_id_beneficiary_id'))
    )
    with op.batch_alter_table('payment_batch_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_batch_transfers_bank_account_id'), ['bank_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_batch_transfers_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_batch_transfers_item_id'), ['item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('payment_batch_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_batch_transfers_item_id'))
        batch_op.drop_index(batch_op.f('ix_payment_batch_transfers_beneficiary_id'))
        batch_op.drop_index(batch_op.f('ix_payment_batch_transfers_bank_account_id'))
    op.drop_table('payment_batch_transfers')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('de_minimis')
