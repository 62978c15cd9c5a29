"""evaluation: expert profiles, settings, assignments, reviews, consensus, panel decisions, rankings

Revision ID: 0005_evaluation
Revises: 0004_directory
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0005_evaluation'
down_revision = '0004_directory'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('call_evaluation_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('same_country_is_conflict', sa.Boolean(), nullable=False),
    sa.Column('last_run', sa.JSON(), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_evaluation_settings_call_id_calls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_evaluation_settings')),
    sa.UniqueConstraint('call_id', name=op.f('uq_call_evaluation_settings_call_id'))
    )
    op.create_table('expert_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('fields_of_science', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.String(length=500), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', app.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_expert_profiles_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_expert_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_expert_profiles_user_id'))
    )
    op.create_table('rankings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('published_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_rankings_call_id_calls')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_rankings_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rankings')),
    sa.UniqueConstraint('call_id', name=op.f('uq_rankings_call_id'))
    )
    op.create_table('consensus_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('rapporteur_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('comments', sa.JSON(), nullable=False),
    sa.Column('minority_views', sa.Text(), nullable=False),
    sa.Column('proposal', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', app.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_consensus_reports_application_id_applications')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_consensus_reports_approved_by_id_users')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_consensus_reports_call_id_calls')),
    sa.ForeignKeyConstraint(['rapporteur_id'], ['users.id'], name=op.f('fk_consensus_reports_rapporteur_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consensus_reports')),
    sa.UniqueConstraint('application_id', name=op.f('uq_consensus_reports_application_id'))
    )
    with op.batch_alter_table('consensus_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consensus_reports_call_id'), ['call_id'], unique=False)

    op.create_table('evaluation_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('is_rapporteur', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('field_match', sa.Integer(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('declared_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('conflict_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_evaluation_assignments_application_id_applications')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_evaluation_assignments_call_id_calls')),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_evaluation_assignments_expert_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_assignments')),
    sa.UniqueConstraint('application_id', 'expert_id', name=op.f('uq_evaluation_assignments_application_id_expert_id'))
    )
    with op.batch_alter_table('evaluation_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_assignments_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_assignments_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_assignments_expert_id'), ['expert_id'], unique=False)

    op.create_table('expert_affiliations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_expert_affiliations_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['profile_id'], ['expert_profiles.id'], name=op.f('fk_expert_affiliations_profile_id_expert_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_affiliations')),
    sa.UniqueConstraint('profile_id', 'organisation_id', name=op.f('uq_expert_affiliations_profile_id_organisation_id'))
    )
    with op.batch_alter_table('expert_affiliations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_affiliations_profile_id'), ['profile_id'], unique=False)

    op.create_table('panel_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', app.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint('position > 0', name=op.f('ck_panel_decisions_position_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_panel_decisions_application_id_applications')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_panel_decisions_call_id_calls')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_panel_decisions_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_decisions')),
    sa.UniqueConstraint('application_id', name=op.f('uq_panel_decisions_application_id'))
    )
    with op.batch_alter_table('panel_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_decisions_call_id'), ['call_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('comments', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', app.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['evaluation_assignments.id'], name=op.f('fk_reviews_assignment_id_evaluation_assignments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_reviews_assignment_id'))
    )


def downgrade():
    op.drop_table('reviews')
    with op.batch_alter_table('panel_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_decisions_call_id'))

    op.drop_table('panel_decisions')
    with op.batch_alter_table('expert_affiliations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_affiliations_profile_id'))

    op.drop_table('expert_affiliations')
    with op.batch_alter_table('evaluation_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_assignments_expert_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_assignments_call_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_assignments_application_id'))

    op.drop_table('evaluation_assignments')
    with op.batch_alter_table('consensus_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consensus_reports_call_id'))

    op.drop_table('consensus_reports')
    op.drop_table('rankings')
    op.drop_table('expert_profiles')
    op.drop_table('call_evaluation_settings')
