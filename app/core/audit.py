"""Append-only audit trail of every state change made through services."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.core.database import UTCDateTime, utcnow
from app.core.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    # One successor per event: two appends that read the same tail cannot both be stored.
    __table_args__ = (UniqueConstraint("previous_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The hash chain (audit_chain.py), filled in when the event is flushed.
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor = relationship("User")


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_rewriting_history(mapper, connection, target):
    raise RuntimeError("Audit events are append-only")


def record(actor, action: str, target=None, data: dict | None = None) -> AuditEvent:
    """Add an audit event to the current transaction; `target` is a model instance or None."""
    event_row = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=type(target).__tablename__ if target is not None else "system",
        target_id=str(target.id) if target is not None else None,
        data=data or {},
        at=utcnow(),
    )
    db.session.add(event_row)
    return event_row


def list_events(*, action: str | None = None, target_type: str | None = None,
                actor_id: int | None = None, page: int = 1, per_page: int = 50):
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if action:
        query = query.where(AuditEvent.action == action)
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# Registers the hook that chains each new event to the one before it.
from app.core import audit_chain  # noqa: E402, F401
