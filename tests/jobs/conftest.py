"""Job tests are about the queue, not the database: they run on the SQLite app only."""

import pytest


@pytest.fixture
def app(sqlite_app):
    return sqlite_app
