"""Money and UTCDateTime behave the same on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError

from app.core.database import Money, UTCDateTime
from app.core.extensions import db

_metadata = MetaData()
samples = Table("type_samples", _metadata, Column("id", Integer, primary_key=True),
                Column("amount", Money), Column("at", UTCDateTime))


@pytest.fixture
def table(app):
    # A scratch table outside the migrated schema: only the column types are under test.
    _metadata.create_all(db.engine)
    yield samples
    _metadata.drop_all(db.engine)


def _round_trip(column, value):
    with db.engine.begin() as connection:
        connection.execute(insert(samples).values({column: value}))
        return connection.execute(select(samples.c[column])).scalar_one()


@pytest.mark.parametrize("amount", [
    Decimal("12345678901.23"), Decimal("0.01"), Decimal("0"), Decimal("-250.50"),
    Decimal("92233720368547758.07"), Decimal("1E+2"),
])
def test_money_round_trips_exactly(table, amount):
    stored = _round_trip("amount", amount)
    assert isinstance(stored, Decimal)
    assert stored == amount
    assert stored.as_tuple().exponent == -2


@pytest.mark.parametrize("bad, error, message", [
    (0.1, TypeError, "Money needs a Decimal, not float"),
    ("12.00", TypeError, "Money needs a Decimal, not str"),
    (Decimal("0.001"), ValueError, "Money has at most two decimals, got 0.001"),
])
def test_money_refuses_floats_strings_and_sub_cents(table, bad, error, message):
    with pytest.raises(StatementError, match=message) as caught:
        _round_trip("amount", bad)
    assert isinstance(caught.value.orig, error)


@pytest.mark.parametrize("moment", [
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
    datetime(2026, 3, 29, 3, 30, tzinfo=timezone(timedelta(hours=2))),
    datetime(2027, 1, 1, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
])
def test_utc_datetime_returns_aware_utc(table, moment):
    stored = _round_trip("at", moment)
    assert stored.tzinfo is UTC
    assert stored == moment


def test_utc_datetime_refuses_naive(table):
    with pytest.raises(StatementError, match="aware"):
        _round_trip("at", datetime(2026, 1, 1, 12, 0))


def test_sqlite_enforces_foreign_keys(app):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from app.accounts.models import User

    db.session.add(User(email="fk@example.org", name="FK", organisation_id=999_999))
    with pytest.raises(IntegrityError,
                       match="FOREIGN KEY constraint failed|violates foreign key constraint"):
        db.session.commit()
    db.session.rollback()
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
