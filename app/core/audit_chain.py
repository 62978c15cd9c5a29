"""The audit trail as a hash chain: each event carries the hash of the one before it.

Rewriting an event changes its hash, so its successor's `previous_hash` no longer matches;
deleting one breaks the link around the gap. `verify()` walks the trail in id order and names
the first event that does not fit (`flask audit verify`). PostgreSQL also refuses UPDATE and
DELETE on the table (a trigger, migration 0018); the ORM refuses them everywhere (audit.py).

Appending must not fork the chain: two transactions reading the same last hash would both
link to it. So new events wait in the session (parked at each flush) and are chained and
written in the transaction's last moment, in before_commit, after every other change of the
transaction is flushed: there the append takes a lock before it reads the tail, so audited
transactions append one after the other; ids come from the sequence after the lock, so id
order is chain order. On PostgreSQL the lock is a transaction-scoped advisory lock; SQLite has
one writer at a time, and an empty UPDATE takes its write lock before the tail is read.

The lock is taken last, after every row lock the transaction takes, and is held only for
the commit itself. Were it taken at the first audit flush (as before), a transaction that
audits and then locks a grant would deadlock against one that locks the grant and then
audits (PostgreSQL 40P01, a 500 for the user). The price: an event is not in the table (and
has no id) until its transaction commits.
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


_PARKED = "audit_events_to_chain"  # session.info key: events waiting for the commit
_SAVEPOINT_MARKS = "audit_savepoint_marks"  # savepoint -> events waiting when it began


def _parked(session: Session) -> list[AuditEvent]:
    return session.info.setdefault(_PARKED, [])


@event.listens_for(Session, "before_flush")
def _park_new_events(session: Session, flush_context, instances) -> None:
    """Keep unchained events out of every flush until the commit chains them."""
    for row in sorted((row for row in session.new
                       if isinstance(row, AuditEvent) and row.hash is None),
                      key=lambda row: state_of(row).insert_order):
        session.expunge(row)
        _parked(session).append(row)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction) -> None:
    """A savepoint remembers how many events were waiting when it began (see below)."""
    if transaction.nested:
        session.info.setdefault(_SAVEPOINT_MARKS, {})[transaction] = len(_parked(session))


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back_savepoint(session: Session, previous_transaction) -> None:
    """Events recorded inside a savepoint that was rolled back never happened."""
    mark = session.info.get(_SAVEPOINT_MARKS, {}).pop(previous_transaction, None)
    if previous_transaction.nested and mark is not None:
        del _parked(session)[mark:]


@event.listens_for(Session, "before_commit")
def _chain_parked_events(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a released savepoint: the events wait for the real commit, the lock too
    session.flush()  # the transaction's own changes and row locks first, then the chain's lock
    new = session.info.pop(_PARKED, [])
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
    session.add_all(new)
    session.flush()


@event.listens_for(Session, "after_transaction_end")
def _forget_parked_events(session: Session, transaction) -> None:
    """A rolled back (or closed) transaction's events are gone with it."""
    if transaction.parent is None:
        session.info.pop(_PARKED, None)
        session.info.pop(_SAVEPOINT_MARKS, None)


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
