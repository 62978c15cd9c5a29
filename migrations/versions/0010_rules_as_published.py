"""rules as published: participant roles that do not count, control declarations, SME figures,
and every existing call's rules say explicitly what members outside its countries may do

Regulation (EU) 2021/695 Art. 22(1) lets entities from anywhere take part; the engine now
reads a call's `outside_members` setting. Before this revision a member outside the eligible
countries failed the call, so existing calls get "not_allowed" written into their rules:
their stored rules keep meaning what they meant.

Revision ID: 0010_rules_as_published
Revises: 0009_open_data_api_tokens
"""
from alembic import op
import sqlalchemy as sa

import app.core.database


revision = '0010_rules_as_published'
down_revision = '0009_open_data_api_tokens'
branch_labels = None
depends_on = None

ROLES = "role IN ('coordinator', 'partner', 'associated_partner', 'subcontractor')"
calls = sa.table('calls', sa.column('id', sa.Integer()),
                 sa.column('eligibility_rules', sa.JSON()))


def _rewrite_rules(change):
    """Apply `change` to every call's rules document that has eligible countries."""
    connection = op.get_bind()
    for call_id, rules in connection.execute(sa.select(calls.c.id, calls.c.eligibility_rules)):
        if rules and rules.get('eligible_countries') is not None:
            connection.execute(calls.update().where(calls.c.id == call_id)
                               .values(eligibility_rules=change(dict(rules))))


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('control_status', sa.String(length=12),
                                      server_default='undeclared', nullable=False))
        batch_op.add_column(sa.Column('staff_headcount', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('annual_turnover_amount', app.core.database.Money(),
                                      nullable=True))
        batch_op.add_column(sa.Column('balance_sheet_amount', app.core.database.Money(),
                                      nullable=True))
        batch_op.add_column(sa.Column('sme_figures_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sme_figures_note', sa.Text(), nullable=True))
    # An organisation that already names its controller has declared it.
    op.execute("UPDATE organisations SET control_status = 'controlled' "
               "WHERE controller_id IS NOT NULL")
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_organisations_not_its_own_controller'),
            'controller_id IS NULL OR controller_id != id')
        batch_op.create_check_constraint(
            op.f('ck_organisations_controlled_names_its_controller'),
            "control_status != 'controlled' OR controller_id IS NOT NULL")
        batch_op.create_check_constraint(
            op.f('ck_organisations_headcount_not_negative'),
            'staff_headcount IS NULL OR staff_headcount >= 0')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.String(length=12),
                              type_=sa.String(length=20), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_participants_known_role'), ROLES)
    _rewrite_rules(lambda rules: {**rules, 'outside_members': 'not_allowed'})


def downgrade():
    _rewrite_rules(lambda rules: {k: v for k, v in rules.items() if k != 'outside_members'})
    # Roles the old schema did not know become plain partners.
    op.execute("UPDATE participants SET role = 'partner' "
               "WHERE role IN ('associated_partner', 'subcontractor')")
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_participants_known_role'), type_='check')
        batch_op.alter_column('role', existing_type=sa.String(length=20),
                              type_=sa.String(length=12), existing_nullable=False)
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisations_headcount_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_organisations_controlled_names_its_controller'),
                                 type_='check')
        batch_op.drop_constraint(op.f('ck_organisations_not_its_own_controller'), type_='check')
        batch_op.drop_column('sme_figures_note')
        batch_op.drop_column('sme_figures_year')
        batch_op.drop_column('balance_sheet_amount')
        batch_op.drop_column('annual_turnover_amount')
        batch_op.drop_column('staff_headcount')
        batch_op.drop_column('control_status')
