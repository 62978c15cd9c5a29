"""audit chain: each audit event carries the hash of the one before it; PostgreSQL refuses
UPDATE and DELETE on the audit trail

Revision ID: 0018_audit_chain
Revises: 0017_payment_batches
"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = '0018_audit_chain'
down_revision = '0017_payment_batches'
branch_labels = None
depends_on = None

GENESIS = "0" * 64

# The canonical form of app/core/audit_chain.py as of this revision, written out here so that
# this migration means the same thing however the application changes later.
def _entry_hash(previous_hash, actor_id, action, target_type, target_id, data, at):
    content = [previous_hash, actor_id, action, target_type, target_id, data or {},
               at.strftime("%Y-%m-%dT%H:%M:%S.%f")]
    text_form = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text_form.encode("utf-8")).hexdigest()


def _chain_existing_events():
    events = sa.table("audit_events", sa.column("id", sa.Integer), sa.column("actor_id"),
                      sa.column("action"), sa.column("target_type"), sa.column("target_id"),
                      sa.column("data", sa.JSON), sa.column("at", sa.DateTime),
                      sa.column("previous_hash"), sa.column("hash"))
    connection = op.get_bind()
    previous, after = GENESIS, 0
    while True:
        rows = connection.execute(sa.select(events).where(events.c.id > after)
                                  .order_by(events.c.id).limit(1000)).all()
        if not rows:
            return
        for row in rows:
            # Stored as naive UTC (UTCDateTime), read back the same on both databases.
            digest = _entry_hash(previous, row.actor_id, row.action, row.target_type,
                                 row.target_id, row.data, row.at.replace(tzinfo=None))
            connection.execute(events.update().where(events.c.id == row.id)
                               .values(previous_hash=previous, hash=digest))
            previous, after = digest, row.id


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    _chain_existing_events()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('previous_hash', existing_type=sa.String(length=64),
                              nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_previous_hash'),
                                          ['previous_hash'])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_events_refuse_rewriting() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END $$
        """)
        op.execute("""
            CREATE TRIGGER audit_events_append_only
            BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_rewriting()
        """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_refuse_rewriting()")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_previous_hash'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('previous_hash')
