"""The audit trail as a hash chain: each event carries the hash of the one before it.

Rewriting an event changes its hash, so its successor's `previous_hash` no longer matches;
deleting one breaks the link around the gap. `verify()` walks the trail in id order and names
the first event that does not fit (`flask audit verify`). PostgreSQL also refuses UPDATE and
DELETE on the table (a trigger, migration 0018); the ORM refuses them everywhere (audit.py).

Appending must not fork the chain: two transactions reading the same last hash would both
link to it. On PostgreSQL the append takes a transaction-scoped advisory lock before it reads
the tail, so audited transactions append one after the other from their first audit event to
their commit; ids come from the sequence after the lock, so id order is chain order. SQLite
has one writer at a time: an empty UPDATE takes the write lock before the tail is read.
The migration that added the chain repeats this canonical form: change neither alone.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import event, select, text
from sqlalchemy import inspect as state_of
from sqlalchemy.orm import Session

from app.core.audit import AuditEvent
from app.core.database import utcnow

GENESIS = "0" * 64
# Any fixed number: the one advisory lock that serialises appends to the audit trail.
APPEND_LOCK_KEY = 7_431_208_113


def canonical_time(at: datetime) -> str:
    """UTC, microseconds always written: what the database gives back reads the same."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def entry_hash(previous_hash: str, *, actor_id: int | None, action: str, target_type: str,
               target_id: str | None, data: dict | None, at: datetime) -> str:
    content = [previous_hash, actor_id, action, target_type, target_id, data or {},
               canonical_time(at)]
    text_form = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text_form.encode("utf-8")).hexdigest()


def hash_of(row, previous_hash: str) -> str:
    """`row`: an AuditEvent or a row of its columns."""
    return entry_hash(previous_hash, actor_id=row.actor_id, action=row.action,
                      target_type=row.target_type, target_id=row.target_id, data=row.data,
                      at=row.at)


def _take_append_lock(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        # The driver begins the transaction at the first write, and SQLite takes its one
        # write lock there: reading the tail after it, nobody else can append meanwhile.
        connection.execute(text("UPDATE audit_events SET id = id WHERE 0 = 1"))


@event.listens_for(Session, "before_flush")
def _chain_new_events(session: Session, flush_context, instances) -> None:
    new = sorted((row for row in session.new if isinstance(row, AuditEvent)),
                 key=lambda row: state_of(row).insert_order)
    if not new:
        return
    _take_append_lock(session)
    previous = session.connection().execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar() or GENESIS
    for row in new:
        row.at = row.at or utcnow()
        # Stored as JSON: hash what will be read back (tuples become lists, and so on).
        row.data = json.loads(json.dumps(row.data or {}))
        row.previous_hash = previous
        row.hash = previous = hash_of(row, previous)


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    reason: str


def verify(session: Session, *, batch: int = 1000) -> tuple[int, BrokenLink | None]:
    """(events checked, the first broken link or None), reading the trail in id order."""
    columns = (AuditEvent.id, AuditEvent.previous_hash, AuditEvent.hash, AuditEvent.actor_id,
               AuditEvent.action, AuditEvent.target_type, AuditEvent.target_id,
               AuditEvent.data, AuditEvent.at)
    previous, checked, after = GENESIS, 0, 0
    while True:  # in batches of plain rows: a long trail is not held in memory
        rows = session.execute(select(*columns).where(AuditEvent.id > after)
                               .order_by(AuditEvent.id).limit(batch)).all()
        if not rows:
            return checked, None
        for row in rows:
            if row.previous_hash != previous:
                return checked, BrokenLink(row.id, "its link to the event before it does not "
                                                   "match: an event before it was changed, "
                                                   "removed or inserted")
            if row.hash != hash_of(row, previous):
                return checked, BrokenLink(row.id, "its content does not match its hash: it "
                                                   "was changed after it was written")
            previous, checked, after = row.hash, checked + 1, row.id
