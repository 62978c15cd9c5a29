"""screening index: a call's applications by the time of their latest submission, so that a
page of the screening list (31,000 applications) is read from the index instead of joining
every application's latest submission and sorting them all

Revision ID: 0030_screening_index
Revises: 0029_amended_agreements
"""
from alembic import op

revision = '0030_screening_index'
down_revision = '0029_amended_agreements'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_applications_call_id_submitted_at', 'applications',
                    ['call_id', 'submitted_at', 'id'])


def downgrade():
    op.drop_index('ix_applications_call_id_submitted_at', table_name='applications')
