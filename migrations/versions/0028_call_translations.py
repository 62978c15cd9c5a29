"""call translations: a call's main language (calls.main_language: the language of its own
title, summary and body) and its texts in other languages (call_translations)

Revision ID: 0028_call_translations
Revises: 0027_list_indexes
"""
import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

import app.core.database

revision = '0028_call_translations'
down_revision = '0027_list_indexes'
branch_labels = None
depends_on = None


def _deployment_language() -> str:
    """Calls written so far were written in the deployment's language ("en_GB" is "en")."""
    locale = current_app.config.get("BABEL_DEFAULT_LOCALE") if has_app_context() else None
    return (locale or "en").replace("-", "_").split("_")[0].lower()[:8] or "en"


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('main_language', sa.String(length=8), nullable=False,
                                      server_default=_deployment_language()))
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.alter_column('main_language', server_default=None)

    op.create_table('call_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', app.core.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'],
                            name=op.f('fk_call_translations_call_id_calls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_translations')),
    sa.UniqueConstraint('call_id', 'language',
                        name=op.f('uq_call_translations_call_id_language'))
    )
    with op.batch_alter_table('call_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_translations_call_id'), ['call_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('call_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_translations_call_id'))
    op.drop_table('call_translations')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('main_language')
