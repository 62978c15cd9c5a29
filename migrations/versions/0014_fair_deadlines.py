"""fair deadlines: each call's minimum notice for an earlier deadline, and the dated notices

Revision ID: 0014_fair_deadlines
Revises: 0013_beneficiary_ceilings
"""
from alembic import op
import sqlalchemy as sa

import app.core.database


revision = '0014_fair_deadlines'
down_revision = '0013_beneficiary_ceilings'
branch_labels = None
depends_on = None


def upgrade():
    # Every existing call gets the default notice (14 days), as a new one would.
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_notice_days', sa.Integer(), nullable=False,
                                      server_default='14'))
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.alter_column('deadline_notice_days', server_default=None)
        batch_op.create_check_constraint('deadline_notice_not_negative',
                                         'deadline_notice_days >= 0')
    op.create_table('call_deadline_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', app.core.database.UTCDateTime(), nullable=False),
    sa.Column('old_closes_at', app.core.database.UTCDateTime(), nullable=False),
    sa.Column('new_closes_at', app.core.database.UTCDateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('coordinators_told', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'],
                            name=op.f('fk_call_deadline_changes_call_id_calls')),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'],
                            name=op.f('fk_call_deadline_changes_changed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_deadline_changes'))
    )
    with op.batch_alter_table('call_deadline_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_deadline_changes_call_id'), ['call_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_call_deadline_changes_changed_by_id'),
                              ['changed_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('call_deadline_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_deadline_changes_changed_by_id'))
        batch_op.drop_index(batch_op.f('ix_call_deadline_changes_call_id'))
    op.drop_table('call_deadline_changes')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_calls_deadline_notice_not_negative'),
                                 type_='check')
        batch_op.drop_column('deadline_notice_days')
