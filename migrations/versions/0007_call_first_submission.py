"""calls: first_submission_at, so a call knows it has submissions without reading applications

Revision ID: 0007_call_first_submission
Revises: 0006_grants
"""
from alembic import op
import sqlalchemy as sa

import app.core.database


revision = '0007_call_first_submission'
down_revision = '0006_grants'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_submission_at', app.core.database.UTCDateTime(),
                                      nullable=True))
    # Calls that already have submissions keep their rules and criteria frozen.
    op.execute("""
        UPDATE calls SET first_submission_at = (
            SELECT MIN(submissions.submitted_at) FROM submissions
            JOIN applications ON applications.id = submissions.application_id
            WHERE applications.call_id = calls.id)
    """)


def downgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('first_submission_at')
