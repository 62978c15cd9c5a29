"""Declarative base, constraint naming convention and the Money and UTCDateTime column types."""

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, MetaData, String, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

# Fixed names let an IntegrityError be mapped back to the form field it concerns,
# and keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CENT = Decimal("0.01")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_sqlite_directory(uri: str) -> None:
    """Create the folder of a SQLite database file (instance/ on a fresh clone), which SQLite
    will not: `flask db upgrade` would otherwise fail with "unable to open database file"."""
    url = make_url(uri)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database and database != ":memory:" \
            and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)



class Money(TypeDecorator):
    """A Decimal amount stored as integer cents: exact on every database.

    SQLite keeps NUMERIC as a float, so amounts never travel as NUMERIC.
    Sub-cent values and floats are refused rather than rounded silently.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float) or not isinstance(value, Decimal | int):
            raise TypeError(f"Money needs a Decimal, not {type(value).__name__}")
        value = Decimal(value)
        if value != value.quantize(CENT):
            raise ValueError(f"Money has at most two decimals, got {value}")
        return int(value.scaleb(2))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-2)


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as naive UTC and always returned aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text from an expression without a type
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


class StoredFile:
    """Columns of an uploaded file kept by app.core.storage under a generated key."""

    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite ignores foreign keys unless each connection turns them on; WAL lets readers
    and one writer (web threads, job thread) work at once instead of failing as locked."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the session's transaction commits; drop it on rollback.

    Jobs and e-mails go out only for work that was really saved.
    """
    session.info.setdefault("after_commit", []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session):
    for callback in session.info.pop("after_commit", []):
        callback()


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session):
    session.info.pop("after_commit", None)
