"""user language: the language a user chose for pages, e-mails and PDFs

Revision ID: 0023_user_language
Revises: 0022_email_verification
"""
import sqlalchemy as sa
from alembic import op

revision = '0023_user_language'
down_revision = '0022_email_verification'
branch_labels = None
depends_on = None


def upgrade():
    # Empty for everyone so far: their browser's language, else the deployment's, as before.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
