"""beneficiary ceilings: each grant beneficiary keeps its own funding rate and paid total

Revision ID: 0013_beneficiary_ceilings
Revises: 0012_reliability
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_beneficiary_ceilings'
down_revision = '0012_reliability'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grant_beneficiaries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('funding_rate', sa.String(length=12), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('disbursed_amount', sa.BigInteger(), nullable=False,
                                      server_default='0'))
    # Grants made before this revision were priced at one blended rate: each beneficiary keeps
    # it, so nothing already decided changes its meaning. The paid total is what the shares
    # of its payments (and their reversals) add up to.
    op.execute(
        "UPDATE grant_beneficiaries SET funding_rate = (SELECT grants.funding_rate FROM grants"
        " WHERE grants.id = grant_beneficiaries.grant_id)")
    op.execute(
        "UPDATE grant_beneficiaries SET disbursed_amount = (SELECT COALESCE(SUM(s.amount), 0)"
        " FROM disbursement_shares s WHERE s.beneficiary_id = grant_beneficiaries.id)")
    with op.batch_alter_table('grant_beneficiaries', schema=None) as batch_op:
        batch_op.alter_column('funding_rate', server_default=None)
        batch_op.alter_column('disbursed_amount', server_default=None)
        batch_op.create_check_constraint(
            'beneficiary_disbursed_within_awarded', 'disbursed_amount <= awarded_amount')
        batch_op.create_check_constraint(
            'beneficiary_disbursed_not_negative', 'disbursed_amount >= 0')


def downgrade():
    with op.batch_alter_table('grant_beneficiaries', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('ck_grant_beneficiaries_beneficiary_disbursed_not_negative'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('ck_grant_beneficiaries_beneficiary_disbursed_within_awarded'),
            type_='check')
        batch_op.drop_column('disbursed_amount')
        batch_op.drop_column('funding_rate')
