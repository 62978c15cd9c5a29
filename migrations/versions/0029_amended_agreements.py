"""amended agreements: the agreement PDF of the version an accepted amendment made, stored
and fingerprinted (grant_amendments.document_storage_key, document_sha256)

Revision ID: 0029_amended_agreements
Revises: 0028_call_translations
"""
import sqlalchemy as sa
from alembic import op

revision = '0029_amended_agreements'
down_revision = '0028_call_translations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grant_amendments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_storage_key', sa.String(length=200),
                                      nullable=True))
        batch_op.add_column(sa.Column('document_sha256', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('grant_amendments', schema=None) as batch_op:
        batch_op.drop_column('document_sha256')
        batch_op.drop_column('document_storage_key')
