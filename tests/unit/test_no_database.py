"""The guard in tests/unit/conftest.py: a unit test that reaches for a database fails."""

import sqlite3
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from tests.unit.conftest import DatabaseInUnitTest

ROOT = Path(__file__).resolve().parents[2]
REFUSED = "Unit tests must not touch a database"


@pytest.mark.parametrize("attempt", [
    pytest.param(lambda: sqlite3.connect(":memory:"), id="sqlite3"),
    pytest.param(lambda: create_engine("sqlite://").connect(), id="sqlalchemy-sqlite"),
    pytest.param(lambda: Session(create_engine("sqlite://")).execute(text("SELECT 1")),
                 id="orm-session"),
    pytest.param(lambda: create_engine("sqlite://").raw_connection(), id="raw-connection"),
    pytest.param(lambda: psycopg.connect("postgresql://nobody@127.0.0.1:9/none"), id="psycopg"),
    pytest.param(lambda: create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none").connect(),
                 id="sqlalchemy-postgresql"),
])
def test_every_way_to_a_database_is_refused(attempt):
    with pytest.raises(DatabaseInUnitTest, match=REFUSED):
        attempt()


def test_the_driver_beneath_sqlalchemy_is_refused_too():
    # Even code that skips the Engine and calls the driver SQLAlchemy uses is stopped.
    with pytest.raises(DatabaseInUnitTest, match=r"sqlite3\.dbapi2\.connect was called"):
        sqlite3.dbapi2.connect(":memory:")


def test_a_unit_test_that_connects_fails_with_the_reason(pytester, monkeypatch):
    """End to end, in a separate pytest run: the guard fails the test and says why."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest("from tests.unit.conftest import no_database  # noqa: F401\n")
    pytester.makepyfile(test_reaches_for_a_database=(
        "from sqlalchemy import create_engine\n"
        "def test_reads_a_table():\n"
        "    create_engine('sqlite://').connect()\n"
        "def test_stays_pure():\n"
        "    assert 1 + 1 == 2\n"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([f"*DatabaseInUnitTest: {REFUSED} (Engine.connect was called)*"])
