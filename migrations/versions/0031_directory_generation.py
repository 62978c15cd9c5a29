"""directory generation: one row counting the transactions that changed the directory's
organisations, profiles or search texts, so that partner suggestions may keep the directory as
read at one generation instead of reading every organisation on every page

Revision ID: 0031_directory_generation
Revises: 0030_screening_index
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0031_directory_generation'
down_revision = '0030_screening_index'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'directory_generation',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('epoch', sa.String(length=32), nullable=False),
        sa.Column('generation', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_generation')))
    op.bulk_insert(table, [{'id': 1, 'epoch': secrets.token_hex(16), 'generation': 0}])


def downgrade():
    op.drop_table('directory_generation')
