"""reliability: jobs know their subject and worker; outbox messages carry their delivery state

Revision ID: 0012_reliability
Revises: 0011_events_assistance
"""
from alembic import op
import sqlalchemy as sa

import app.core.database


revision = '0012_reliability'
down_revision = '0011_events_assistance'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=120), nullable=True))
        batch_op.create_index(batch_op.f('ix_jobs_subject'), ['subject'], unique=False)

    # Messages written before this revision were sent by SMTP inside the request, or kept when
    # no server was configured; which of the two is not recorded, so they all read "kept".
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=False,
                                      server_default='kept'))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('last_attempt_at', app.core.database.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', app.core.database.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('sent_at', app.core.database.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_status'), ['status'], unique=False)
        batch_op.create_check_constraint(
            'status',
            "status IN ('kept', 'queued', 'sending', 'retrying', 'sent', 'failed')")


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_status'), type_='check')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_status'))
        for column in ('last_error', 'sent_at', 'next_attempt_at', 'last_attempt_at',
                       'attempts', 'status'):
            batch_op.drop_column(column)

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_subject'))
        batch_op.drop_column('worker')
        batch_op.drop_column('subject')
