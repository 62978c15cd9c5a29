"""ranking cache: a call's live ranking kept between requests, with the generation of its
inputs, so that the ranking page reads it instead of ranking on every request

Revision ID: 0025_ranking_cache
Revises: 0024_grant_amendments
"""
import sqlalchemy as sa
from alembic import op

import app.core.database

revision = '0025_ranking_cache'
down_revision = '0024_grant_amendments'
branch_labels = None
depends_on = None


def upgrade():
    # Empty at first: every call ranks once on its next ranking page and keeps the result.
    op.create_table(
        'ranking_caches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=False),
        sa.Column('inputs_generation', sa.Integer(), server_default='0', nullable=False),
        sa.Column('result_generation', sa.Integer(), nullable=True),
        sa.Column('call_version', sa.Integer(), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('entry_count', sa.Integer(), server_default='0', nullable=False),
        sa.Column('computed_at', app.core.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'],
                                name=op.f('fk_ranking_caches_call_id_calls')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_caches')),
        sa.UniqueConstraint('call_id', name=op.f('uq_ranking_caches_call_id')),
    )
    op.create_table(
        'ranking_cache_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=False),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('entry', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'],
                                name=op.f('fk_ranking_cache_entries_call_id_calls')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_cache_entries')),
        sa.UniqueConstraint('call_id', 'ordinal',
                            name=op.f('uq_ranking_cache_entries_call_id_ordinal')),
    )


def downgrade():
    op.drop_table('ranking_cache_entries')
    op.drop_table('ranking_caches')
