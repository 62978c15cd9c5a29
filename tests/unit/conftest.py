"""Unit tests are pure: a unit test that tries to reach a database fails at once, saying why."""

import sqlite3
import sqlite3.dbapi2

import pytest
from sqlalchemy.engine import Engine


class DatabaseInUnitTest(RuntimeError):
    """Raised when a unit test opens a database connection."""


MESSAGE = ("Unit tests must not touch a database ({what} was called). Test the rule on plain "
           "values, or move the test to tests/integration, where the `app` fixture gives it one.")


def guarded() -> list[tuple[object, str, str]]:
    """Every door to a database: SQLAlchemy's engines and the drivers beneath them."""
    doors = [
        (Engine, "connect", "Engine.connect"),
        (Engine, "raw_connection", "Engine.raw_connection"),
        (sqlite3, "connect", "sqlite3.connect"),
        (sqlite3.dbapi2, "connect", "sqlite3.dbapi2.connect"),  # what SQLAlchemy calls
    ]
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a project dependency
        return doors
    return [*doors,
            (psycopg, "connect", "psycopg.connect"),
            (psycopg.Connection, "connect", "psycopg.Connection.connect"),
            (psycopg.AsyncConnection, "connect", "psycopg.AsyncConnection.connect")]


def _refusal(what: str):
    def refuse(*args, **kwargs):
        raise DatabaseInUnitTest(MESSAGE.format(what=what))

    return refuse


@pytest.fixture(autouse=True)
def no_database(monkeypatch):
    for owner, name, what in guarded():
        monkeypatch.setattr(owner, name, _refusal(what))
