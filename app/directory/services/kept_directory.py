"""The directory as partner suggestions read it, kept in the process between pages.

Suggestions weigh every organisation of the directory (tens of thousands): reading them all
cost hundreds of milliseconds a page. A process keeps them, and each application's
suggestions, as read at one directory generation (models.DirectoryGeneration), which every
transaction changing an organisation, a profile or a search text bumps as it commits. A page
reads the generation first and the directory only when it moved, so what it keeps is never
older than the generation it is kept under; a transaction that changed the directory itself
neither uses nor keeps anything until it ends.
"""

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.accounts.models import Organisation
from app.core.extensions import db
from app.directory.models import DirectoryGeneration, OrganisationProfile, OrganisationSearch

_WATCHED = (Organisation, OrganisationProfile, OrganisationSearch)
_CHANGED = "directory_changed"  # session.info flag: this transaction changed the directory
KEPT_RESULTS = 256  # suggestions of this many applications per process, least recent out

_lock = threading.Lock()
_directory: dict[tuple, object] = {}  # {(epoch, generation): candidates}, the latest only
_results: OrderedDict[tuple, object] = OrderedDict()


def _bump(connection: Connection) -> None:
    """A new generation (the row is made, with a new epoch, if the database has none)."""
    table = DirectoryGeneration.__table__
    dialect_insert = (postgresql_insert if connection.dialect.name == "postgresql"
                      else sqlite_insert)
    connection.execute(dialect_insert(table).values(
        id=1, epoch=secrets.token_hex(16), generation=1).on_conflict_do_update(
        index_elements=[table.c.id], set_={"generation": table.c.generation + 1}))


def mark_changed(session: Session) -> None:
    """This transaction changed the directory past the ORM (search.rebuild_index): its commit
    makes a new generation."""
    session.info[_CHANGED] = True


@event.listens_for(Session, "after_flush")
def _note_directory_changes(session: Session, flush_context) -> None:
    # after_flush still sees the flushed objects as new, dirty or deleted, with their history;
    # a collection alone (a user joining an organisation) changes nothing suggestions read.
    if (any(isinstance(item, _WATCHED) for item in (*session.new, *session.deleted))
            or any(isinstance(item, _WATCHED)
                   and session.is_modified(item, include_collections=False)
                   for item in session.dirty)):
        mark_changed(session)


@event.listens_for(Session, "before_commit")
def _bump_when_the_directory_changed(session: Session) -> None:
    # At the commit, not at the first flush: the generation row's lock is then held for an
    # instant at the end of a transaction, never while it goes on to lock other rows.
    if session.in_nested_transaction():
        return  # a released savepoint: the real commit bumps
    session.flush()
    if session.info.get(_CHANGED):
        _bump(session.connection())


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction) -> None:
    if transaction.parent is None:  # the transaction itself, not a savepoint in it
        session.info.pop(_CHANGED, None)


def _generation() -> tuple[str, int] | None:
    """(epoch, generation), or None when nothing may be kept: no row, or this transaction
    changed the directory (its own reads see what may yet be rolled back). Read before the
    flag, since the SELECT flushes pending changes first."""
    row = db.session.execute(select(DirectoryGeneration.epoch, DirectoryGeneration.generation)
                             .where(DirectoryGeneration.id == 1)).first()
    if row is None or db.session.info.get(_CHANGED):
        return None
    return row.epoch, row.generation


def kept(key: Hashable, compute: Callable[[Callable[[], list]], object],
         read_directory: Callable[[], list]) -> object:
    """compute(directory) for `key` (an application's inputs), where directory() gives the
    directory's candidates: both kept at the current generation."""
    generation = _generation()
    if generation is None:
        return compute(read_directory)
    with _lock:
        result = _results.get((generation, key))
        if result is not None:
            _results.move_to_end((generation, key))
            return result

    def directory() -> list:
        with _lock:
            candidates = _directory.get(generation)
        if candidates is None:
            candidates = read_directory()
            with _lock:
                _directory.clear()  # one generation at a time: the directory is large
                _directory[generation] = candidates
        return candidates

    result = compute(directory)
    with _lock:
        _results[(generation, key)] = result
        while len(_results) > KEPT_RESULTS:
            _results.popitem(last=False)
    return result
