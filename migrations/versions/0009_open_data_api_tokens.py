"""open data and API: funders' open-data identities, publications, OCDS releases, API tokens

Revision ID: 0009_open_data_api_tokens
Revises: 0008_foreign_key_indexes
"""
from alembic import op
import sqlalchemy as sa

import app.core.database


revision = '0009_open_data_api_tokens'
down_revision = '0008_foreign_key_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('funder_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('funder_id', sa.Integer(), nullable=False),
    sa.Column('grant_prefix', sa.String(length=50), nullable=False),
    sa.Column('org_id', sa.String(length=80), nullable=True),
    sa.Column('updated_at', app.core.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['funder_id'], ['funders.id'],
                            name=op.f('fk_funder_identities_funder_id_funders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funder_identities')),
    sa.UniqueConstraint('funder_id', name=op.f('uq_funder_identities_funder_id'))
    )
    op.create_table('open_data_publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('json_key', sa.String(length=200), nullable=True),
    sa.Column('xlsx_key', sa.String(length=200), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.core.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                            name=op.f('fk_open_data_publications_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_data_publications'))
    )
    with op.batch_alter_table('open_data_publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open_data_publications_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_open_data_publications_requested_by_id'),
                              ['requested_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_open_data_publications_created_at'), ['created_at'],
                              unique=False)
    op.create_table('ocds_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ocid', sa.String(length=80), nullable=False),
    sa.Column('release_id', sa.String(length=120), nullable=False),
    sa.Column('date', sa.String(length=40), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('published_at', app.core.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['open_data_publications.id'],
                            name=op.f('fk_ocds_releases_publication_id_open_data_publications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ocds_releases')),
    sa.UniqueConstraint('release_id', name=op.f('uq_ocds_releases_release_id'))
    )
    with op.batch_alter_table('ocds_releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ocds_releases_ocid'), ['ocid'], unique=False)
        batch_op.create_index(batch_op.f('ix_ocds_releases_publication_id'), ['publication_id'],
                              unique=False)
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('created_at', app.core.database.UTCDateTime(), nullable=False),
    sa.Column('expires_at', app.core.database.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', app.core.database.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', app.core.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')
    with op.batch_alter_table('ocds_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ocds_releases_publication_id'))
        batch_op.drop_index(batch_op.f('ix_ocds_releases_ocid'))
    op.drop_table('ocds_releases')
    with op.batch_alter_table('open_data_publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open_data_publications_created_at'))
        batch_op.drop_index(batch_op.f('ix_open_data_publications_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_open_data_publications_kind'))
    op.drop_table('open_data_publications')
    op.drop_table('funder_identities')
