"""What the cached ranking depends on: any flush that changes a consensus report, a panel
decision, an application's ranked fields or adds a submission bumps the call's
`RankingCache.inputs_generation`, in the same transaction, so a cached ranking is never read
after its inputs changed (ranking_store.py compares the generations).

A listener on every flush rather than calls in each service: a service added later cannot
forget it. Bulk `update()` statements bypass the ORM and so this listener; none touches these
tables (ranked data changes through the services' objects)."""

from itertools import chain

from sqlalchemy import event, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.applications.models import Application, Submission
from app.evaluation.models import Consensus, PanelDecision, RankingCache

# The application columns the ranking reads (the rest of a draft's edits do not matter).
RANKED_APPLICATION_COLUMNS = ("status", "acronym", "title", "strategic_area", "call_id")


def _application_changed(session: Session, application: Application) -> bool:
    if application in session.new or application in session.deleted:
        return True
    attributes = inspect(application).attrs
    return any(attributes[name].history.has_changes() for name in RANKED_APPLICATION_COLUMNS)


def _call_id(session: Session, instance) -> int | None:
    # A deleted object may have expired attributes that can no longer be loaded.
    if instance in session.deleted:
        return inspect(instance).dict.get("call_id")
    return instance.call_id


def changed_calls(session: Session) -> set[int]:
    """Ids of the calls whose ranking inputs this flush changed."""
    calls: set[int | None] = set()
    submitted: set[int] = set()
    for instance in chain(session.new, session.dirty, session.deleted):
        if isinstance(instance, Consensus | PanelDecision):
            calls.add(_call_id(session, instance))
        elif isinstance(instance, Application) and _application_changed(session, instance):
            calls.add(_call_id(session, instance))
            # An application moved to another call leaves the old one's ranking too.
            calls.update(inspect(instance).attrs.call_id.history.deleted or ())
        elif isinstance(instance, Submission) and instance in session.new:
            submitted.add(instance.application_id)
    if submitted:
        calls.update(session.connection().scalars(
            select(Application.call_id).where(Application.id.in_(submitted))))
    calls.discard(None)
    return calls  # type: ignore[return-value]


def bump(session: Session, call_ids: set[int]) -> None:
    connection = session.connection()
    dialect_insert = (postgresql_insert if connection.dialect.name == "postgresql"
                      else sqlite_insert)
    table = RankingCache.__table__
    for call_id in sorted(call_ids):  # a fixed order: two transactions never deadlock here
        statement = dialect_insert(table).values(call_id=call_id, inputs_generation=1,
                                                 summary={}, entry_count=0)
        connection.execute(statement.on_conflict_do_update(
            index_elements=[table.c.call_id],
            set_={"inputs_generation": table.c.inputs_generation + 1}))


@event.listens_for(Session, "after_flush")
def _bump_changed_rankings(session: Session, flush_context) -> None:
    # after_flush still sees the flushed objects as new, dirty or deleted, with their history.
    call_ids = changed_calls(session)
    if call_ids:
        bump(session, call_ids)
