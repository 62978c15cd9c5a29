"""outbox redaction: the secrets of a message (links with tokens), removed from the stored body
once it has been sent

Revision ID: 0019_outbox_redaction
Revises: 0018_audit_chain
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0019_outbox_redaction'
down_revision = '0018_audit_chain'
branch_labels = None
depends_on = None


# Messages that left before this revision named no secrets: every link in them goes.
_LINK = re.compile(r"https?://\S+")
REDACTED = "[link removed from the outbox once sent]"


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('redact_after_sending', sa.JSON(), nullable=True))
    messages = sa.table("outbox_messages", sa.column("id", sa.Integer),
                        sa.column("body", sa.Text), sa.column("status", sa.String))
    connection = op.get_bind()
    left = connection.execute(sa.select(messages.c.id, messages.c.body)
                              .where(messages.c.status.in_(("sent", "failed")))).all()
    for message_id, body in left:
        redacted = _LINK.sub(REDACTED, body)
        if redacted != body:
            connection.execute(messages.update().where(messages.c.id == message_id)
                               .values(body=redacted))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('redact_after_sending')
