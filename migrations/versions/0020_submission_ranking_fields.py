"""submission ranking fields: what the ranking and the screening list read of a submission
(strategic area, countries, key personnel, bid price, participants, failed checks) as columns,
copied from each existing snapshot

Revision ID: 0020_submission_ranking_fields
Revises: 0019_outbox_redaction
"""
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = '0020_submission_ranking_fields'
down_revision = '0019_outbox_redaction'
branch_labels = None
depends_on = None

BATCH = 1000


# app/applications/rules/submitted_fields.py as of this revision, written out here so that
# this migration means the same thing however the application changes later.
def _people(participants, key):
    counts = [p.get(key) for p in participants if p.get(key) is not None]
    return sum(counts) if counts else None


def _fields(snapshot):
    application = snapshot.get("application") or {}
    participants = snapshot.get("participants") or []
    countries = {(p.get("organisation") or {}).get("country") for p in participants} - {None}
    price = application.get("bid_price")
    checks = (snapshot.get("eligibility") or {}).get("checks") or []
    return {
        "strategic_area": application.get("strategic_area") or None,
        "countries": ",".join(sorted(countries)),
        "key_personnel_women": _people(participants, "key_personnel_women"),
        "key_personnel_men": _people(participants, "key_personnel_men"),
        # Money columns hold integer cents.
        "bid_price": (int(Decimal(str(price)) * 100) if price not in (None, "") else None),
        "participant_count": len(participants),
        "failed_checks": sum(1 for check in checks if not check.get("passed")),
    }


def _copy_from_snapshots():
    submissions = sa.table(
        "submissions", sa.column("id", sa.Integer), sa.column("snapshot", sa.JSON),
        sa.column("strategic_area"), sa.column("countries"), sa.column("key_personnel_women"),
        sa.column("key_personnel_men"), sa.column("bid_price"), sa.column("participant_count"),
        sa.column("failed_checks"))
    connection = op.get_bind()
    after = 0
    while True:
        rows = connection.execute(
            sa.select(submissions.c.id, submissions.c.snapshot)
            .where(submissions.c.id > after).order_by(submissions.c.id).limit(BATCH)).all()
        if not rows:
            return
        connection.execute(
            submissions.update().where(submissions.c.id == sa.bindparam("row_id")),
            [{"row_id": row.id, **_fields(row.snapshot or {})} for row in rows])
        after = rows[-1].id


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('strategic_area', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('countries', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('key_personnel_women', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('key_personnel_men', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('bid_price', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('participant_count', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('failed_checks', sa.Integer(), nullable=False,
                                      server_default='0'))
    _copy_from_snapshots()
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        for name in ('countries', 'participant_count', 'failed_checks'):
            batch_op.alter_column(name, server_default=None)


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        for name in ('failed_checks', 'participant_count', 'bid_price', 'key_personnel_men',
                     'key_personnel_women', 'countries', 'strategic_area'):
            batch_op.drop_column(name)
