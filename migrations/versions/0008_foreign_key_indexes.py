"""every foreign key column gets an index (deletes and joins on the referenced row stay fast)

PostgreSQL indexes the referenced key but never the referencing column: without these,
deleting a user scans every table that points at users, and "what did this user decide"
is a sequential scan. Names follow NAMING_CONVENTION (ix_<table>_<column>), so that
`flask db check` sees exactly the indexes the models declare with index=True.

Revision ID: 0008_foreign_key_indexes
Revises: 0007_call_first_submission
"""
from alembic import op


revision = '0008_foreign_key_indexes'
down_revision = '0007_call_first_submission'
branch_labels = None
depends_on = None


# (table, column): one single-column index each. Foreign keys already led by a unique
# constraint, a primary key or an earlier index are not repeated here.
FOREIGN_KEY_COLUMNS = [
    ('organisations', 'controller_id'),
    ('users', 'organisation_id'),
    ('users', 'funder_id'),
    ('invitations', 'funder_id'),
    ('invitations', 'invited_by_id'),
    ('applications', 'created_by_id'),
    ('applications', 'eligibility_decided_by_id'),
    ('participants', 'organisation_id'),
    ('submissions', 'submitted_by_id'),
    ('attachments', 'uploaded_by_id'),
    ('organisation_profiles', 'contact_user_id'),
    ('contact_requests', 'recipient_id'),
    ('contact_requests', 'answered_by_id'),
    ('expert_profiles', 'organisation_id'),
    ('expert_affiliations', 'organisation_id'),
    ('consensus_reports', 'rapporteur_id'),
    ('consensus_reports', 'approved_by_id'),
    ('panel_decisions', 'decided_by_id'),
    ('rankings', 'published_by_id'),
    ('grants', 'prepared_by_id'),
    ('grants', 'accepted_by_id'),
    ('grants', 'signed_by_id'),
    ('grant_beneficiaries', 'participant_id'),
    ('expense_claims', 'created_by_id'),
    ('expense_claims', 'decided_by_id'),
    ('claim_documents', 'uploaded_by_id'),
    ('disbursements', 'executed_by_id'),
]


def upgrade():
    # Plain CREATE INDEX: both databases add an index without rebuilding the table.
    for table, column in FOREIGN_KEY_COLUMNS:
        op.create_index(op.f(f'ix_{table}_{column}'), table, [column], unique=False)


def downgrade():
    for table, column in reversed(FOREIGN_KEY_COLUMNS):
        op.drop_index(op.f(f'ix_{table}_{column}'), table_name=table)
