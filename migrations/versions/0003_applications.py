"""applications: eligibility decision time, superseded attachments, requested amount per submission

Revision ID: 0003_applications
Revises: 0002_calls_applications
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0003_applications'
down_revision = '0002_calls_applications'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('eligibility_decided_at', app.database.UTCDateTime(), nullable=True))

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_at', app.database.UTCDateTime(), nullable=True))

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_amount', app.database.Money(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('requested_amount')

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('superseded_at')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('eligibility_decided_at')
