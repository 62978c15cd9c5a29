"""directory: organisation profiles, full-text search rows (tsvector + GIN / FTS5), contact requests

Revision ID: 0004_directory
Revises: 0003_applications
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0004_directory'
down_revision = '0003_applications'
branch_labels = None
depends_on = None

# PostgreSQL: a stored tsvector generated from the search row, names weighted above the rest.
POSTGRES_DOCUMENT = """
ALTER TABLE organisation_search ADD COLUMN document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(name_text, '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(body_text, '')), 'B')
) STORED
"""
POSTGRES_INDEX = "CREATE INDEX ix_organisation_search_document ON organisation_search USING gin (document)"

# SQLite: an external-content FTS5 table over organisation_search, kept in step by triggers
# on that table (the directory's own), so every write path keeps the index right.
SQLITE_FTS = (
    """CREATE VIRTUAL TABLE organisation_search_fts USING fts5(
        name_text, body_text, content='organisation_search', content_rowid='organisation_id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER organisation_search_fts_insert AFTER INSERT ON organisation_search BEGIN
        INSERT INTO organisation_search_fts(rowid, name_text, body_text)
        VALUES (new.organisation_id, new.name_text, new.body_text);
    END""",
    """CREATE TRIGGER organisation_search_fts_delete AFTER DELETE ON organisation_search BEGIN
        INSERT INTO organisation_search_fts(organisation_search_fts, rowid, name_text, body_text)
        VALUES ('delete', old.organisation_id, old.name_text, old.body_text);
    END""",
    """CREATE TRIGGER organisation_search_fts_update AFTER UPDATE ON organisation_search BEGIN
        INSERT INTO organisation_search_fts(organisation_search_fts, rowid, name_text, body_text)
        VALUES ('delete', old.organisation_id, old.name_text, old.body_text);
        INSERT INTO organisation_search_fts(rowid, name_text, body_text)
        VALUES (new.organisation_id, new.name_text, new.body_text);
    END""",
)

# Organisations registered before this migration get their search row at once.
BACKFILL = """
INSERT INTO organisation_search (organisation_id, name_text, body_text)
SELECT id, name || ' ' || COALESCE(short_name, ''), COALESCE(competencies, '')
FROM organisations
"""


def upgrade():
    op.create_table('organisation_search',
    sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name_text', sa.String(length=400), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_search_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_organisation_search'))
    )
    op.create_table('organisation_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('looking_for_partners', sa.Boolean(), nullable=False),
    sa.Column('offer', sa.Text(), nullable=False),
    sa.Column('competencies', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('ict_interests', sa.JSON(), nullable=False),
    sa.Column('contact_user_id', sa.Integer(), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('is_email_public', sa.Boolean(), nullable=False),
    sa.Column('is_phone_public', sa.Boolean(), nullable=False),
    sa.Column('is_website_public', sa.Boolean(), nullable=False),
    sa.Column('is_contact_name_public', sa.Boolean(), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_user_id'], ['users.id'], name=op.f('fk_organisation_profiles_contact_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_profiles_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_profiles')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_organisation_profiles_organisation_id'))
    )
    with op.batch_alter_table('organisation_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_profiles_looking_for_partners'), ['looking_for_partners'], unique=False)

    op.create_table('contact_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('answered_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_contact_requests_answered_by_id_users')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_contact_requests_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_contact_requests_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_contact_requests_recipient_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_contact_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_requests')),
    sa.UniqueConstraint('application_id', 'organisation_id', name=op.f('uq_contact_requests_application_id_organisation_id'))
    )
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_requests_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_contact_requests_sender_created', ['requested_by_id', 'created_at'], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute(POSTGRES_DOCUMENT)
        op.execute(POSTGRES_INDEX)
    elif dialect == 'sqlite':
        for statement in SQLITE_FTS:
            op.execute(statement)
    op.execute(BACKFILL)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS organisation_search_fts_{trigger}')
        op.execute('DROP TABLE IF EXISTS organisation_search_fts')

    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_requests_sender_created')
        batch_op.drop_index(batch_op.f('ix_contact_requests_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_contact_requests_application_id'))

    op.drop_table('contact_requests')
    with op.batch_alter_table('organisation_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_profiles_looking_for_partners'))

    op.drop_table('organisation_profiles')
    op.drop_table('organisation_search')
