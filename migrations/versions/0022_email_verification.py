"""email verification: a self-registered account waits for its address to be confirmed

Revision ID: 0022_email_verification
Revises: 0021_de_minimis
"""
import sqlalchemy as sa
from alembic import op

import app.core.database

revision = '0022_email_verification'
down_revision = '0021_de_minimis'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts stay as they are (nothing pending): they were created before the rule.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_unverified_since', app.core.database.UTCDateTime(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_unverified_since')
