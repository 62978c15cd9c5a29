"""list indexes: the order (and filter) of the grants lists, the upcoming installments and an
expert's assignments, so that a page of each reads its rows in index order

Revision ID: 0027_list_indexes
Revises: 0026_call_de_minimis
"""
from alembic import op

revision = '0027_list_indexes'
down_revision = '0026_call_de_minimis'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_grants_prepared_at_id', 'grants', ['prepared_at', 'id'])
    op.create_index('ix_grants_call_id_prepared_at', 'grants', ['call_id', 'prepared_at', 'id'])
    op.create_index('ix_installments_due_date_id', 'installments', ['due_date', 'id'])
    op.create_index('ix_evaluation_assignments_expert_id_call_id', 'evaluation_assignments',
                    ['expert_id', 'call_id', 'id'])


def downgrade():
    op.drop_index('ix_evaluation_assignments_expert_id_call_id',
                  table_name='evaluation_assignments')
    op.drop_index('ix_installments_due_date_id', table_name='installments')
    op.drop_index('ix_grants_call_id_prepared_at', table_name='grants')
    op.drop_index('ix_grants_prepared_at_id', table_name='grants')
