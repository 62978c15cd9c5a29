"""grants: grant agreements, beneficiaries, ICT plan, schedule, claims and disbursements

Revision ID: 0006_grants
Revises: 0005_evaluation
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0006_grants'
down_revision = '0005_evaluation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('agreement_number', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('requested_amount', app.database.Money(), nullable=False),
    sa.Column('eligible_amount', app.database.Money(), nullable=False),
    sa.Column('awarded_amount', app.database.Money(), nullable=False),
    sa.Column('disbursed_amount', app.database.Money(), nullable=False),
    sa.Column('funding_rate', sa.String(length=12), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('duration_months', sa.Integer(), nullable=False),
    sa.Column('payment_model', sa.JSON(), nullable=False),
    sa.Column('prepared_by_id', sa.Integer(), nullable=False),
    sa.Column('prepared_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('closed_at', app.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint('awarded_amount > 0', name=op.f('ck_grants_awarded_positive')),
    sa.CheckConstraint('disbursed_amount <= awarded_amount', name=op.f('ck_grants_disbursed_within_awarded')),
    sa.CheckConstraint('disbursed_amount >= 0', name=op.f('ck_grants_disbursed_not_negative')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_grants_ends_after_start')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_grants_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_grants_application_id_applications')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_grants_call_id_calls')),
    sa.ForeignKeyConstraint(['prepared_by_id'], ['users.id'], name=op.f('fk_grants_prepared_by_id_users')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_grants_signed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants')),
    sa.UniqueConstraint('agreement_number', name=op.f('uq_grants_agreement_number')),
    sa.UniqueConstraint('application_id', name=op.f('uq_grants_application_id'))
    )

    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_status'), ['status'], unique=False)

    op.create_table('expense_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('is_final', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('claimed_amount', app.database.Money(), nullable=False),
    sa.Column('accepted_costs_amount', app.database.Money(), nullable=True),
    sa.Column('payable_amount', app.database.Money(), nullable=True),
    sa.Column('recovery_amount', app.database.Money(), nullable=True),
    sa.Column('assessment', sa.JSON(), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint('period >= 1', name=op.f('ck_expense_claims_period_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_expense_claims_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_expense_claims_decided_by_id_users')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_expense_claims_grant_id_grants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense_claims'))
    )

    with op.batch_alter_table('expense_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_claims_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_claims_status'), ['status'], unique=False)

    op.create_table('grant_beneficiaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('requested_amount', app.database.Money(), nullable=False),
    sa.Column('awarded_amount', app.database.Money(), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_beneficiaries_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_grant_beneficiaries_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_grant_beneficiaries_participant_id_participants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_beneficiaries')),
    sa.UniqueConstraint('grant_id', 'organisation_id', name=op.f('uq_grant_beneficiaries_grant_id_organisation_id'))
    )

    with op.batch_alter_table('grant_beneficiaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_beneficiaries_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_beneficiaries_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('claim_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', app.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['expense_claims.id'], name=op.f('fk_claim_documents_claim_id_expense_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_claim_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_documents')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_claim_documents_storage_key'))
    )

    with op.batch_alter_table('claim_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_documents_claim_id'), ['claim_id'], unique=False)

    op.create_table('claim_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=2), nullable=False),
    sa.Column('ict_category', sa.String(length=30), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('amount', app.database.Money(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_claim_lines_amount_positive')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiaries.id'], name=op.f('fk_claim_lines_beneficiary_id_grant_beneficiaries')),
    sa.ForeignKeyConstraint(['claim_id'], ['expense_claims.id'], name=op.f('fk_claim_lines_claim_id_expense_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_lines'))
    )

    with op.batch_alter_table('claim_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_lines_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_lines_claim_id'), ['claim_id'], unique=False)

    op.create_table('grant_plan_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=2), nullable=False),
    sa.Column('ict_category', sa.String(length=30), nullable=False),
    sa.Column('open_source', sa.Boolean(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('amount', app.database.Money(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_grant_plan_lines_amount_not_negative')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiaries.id'], name=op.f('fk_grant_plan_lines_beneficiary_id_grant_beneficiaries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_plan_lines_grant_id_grants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_plan_lines'))
    )

    with op.batch_alter_table('grant_plan_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_plan_lines_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_plan_lines_grant_id'), ['grant_id'], unique=False)

    op.create_table('installments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('planned_amount', app.database.Money(), nullable=False),
    sa.Column('payable_amount', app.database.Money(), nullable=True),
    sa.Column('retention_amount', app.database.Money(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('condition', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('payable_amount >= 0', name=op.f('ck_installments_payable_not_negative')),
    sa.ForeignKeyConstraint(['claim_id'], ['expense_claims.id'], name=op.f('fk_installments_claim_id_expense_claims')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_installments_grant_id_grants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installments')),
    sa.UniqueConstraint('claim_id', name=op.f('uq_installments_claim_id')),
    sa.UniqueConstraint('grant_id', 'sequence', name=op.f('uq_installments_grant_id_sequence'))
    )

    with op.batch_alter_table('installments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_installments_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_installments_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_installments_status'), ['status'], unique=False)

    op.create_table('disbursements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('installment_id', sa.Integer(), nullable=False),
    sa.Column('amount', app.database.Money(), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=False),
    sa.Column('bank_reference', sa.String(length=60), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('executed_by_id', sa.Integer(), nullable=False),
    sa.Column('executed_at', app.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0)', name=op.f('ck_disbursements_sign_matches_kind')),
    sa.ForeignKeyConstraint(['executed_by_id'], ['users.id'], name=op.f('fk_disbursements_executed_by_id_users')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_disbursements_grant_id_grants')),
    sa.ForeignKeyConstraint(['installment_id'], ['installments.id'], name=op.f('fk_disbursements_installment_id_installments')),
    sa.ForeignKeyConstraint(['reverses_id'], ['disbursements.id'], name=op.f('fk_disbursements_reverses_id_disbursements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disbursements')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_disbursements_idempotency_key')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_disbursements_reverses_id'))
    )

    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disbursements_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursements_installment_id'), ['installment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursements_value_date'), ['value_date'], unique=False)

    op.create_table('disbursement_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disbursement_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('ict_category', sa.String(length=30), nullable=False),
    sa.Column('amount', app.database.Money(), nullable=False),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiaries.id'], name=op.f('fk_disbursement_shares_beneficiary_id_grant_beneficiaries')),
    sa.ForeignKeyConstraint(['disbursement_id'], ['disbursements.id'], name=op.f('fk_disbursement_shares_disbursement_id_disbursements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disbursement_shares'))
    )

    with op.batch_alter_table('disbursement_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disbursement_shares_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursement_shares_disbursement_id'), ['disbursement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursement_shares_ict_category'), ['ict_category'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('disbursement_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disbursement_shares_ict_category'))
        batch_op.drop_index(batch_op.f('ix_disbursement_shares_disbursement_id'))
        batch_op.drop_index(batch_op.f('ix_disbursement_shares_beneficiary_id'))

    op.drop_table('disbursement_shares')

    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disbursements_value_date'))
        batch_op.drop_index(batch_op.f('ix_disbursements_installment_id'))
        batch_op.drop_index(batch_op.f('ix_disbursements_grant_id'))

    op.drop_table('disbursements')

    with op.batch_alter_table('installments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_installments_status'))
        batch_op.drop_index(batch_op.f('ix_installments_grant_id'))
        batch_op.drop_index(batch_op.f('ix_installments_due_date'))

    op.drop_table('installments')

    with op.batch_alter_table('grant_plan_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_plan_lines_grant_id'))
        batch_op.drop_index(batch_op.f('ix_grant_plan_lines_beneficiary_id'))

    op.drop_table('grant_plan_lines')

    with op.batch_alter_table('claim_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_lines_claim_id'))
        batch_op.drop_index(batch_op.f('ix_claim_lines_beneficiary_id'))

    op.drop_table('claim_lines')

    with op.batch_alter_table('claim_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_documents_claim_id'))

    op.drop_table('claim_documents')

    with op.batch_alter_table('grant_beneficiaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_beneficiaries_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_grant_beneficiaries_grant_id'))

    op.drop_table('grant_beneficiaries')

    with op.batch_alter_table('expense_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_claims_status'))
        batch_op.drop_index(batch_op.f('ix_expense_claims_grant_id'))

    op.drop_table('expense_claims')

    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_status'))
        batch_op.drop_index(batch_op.f('ix_grants_call_id'))

    op.drop_table('grants')
