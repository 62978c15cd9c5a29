"""Job tests are about the queue, not the database: they run on the SQLite app only."""

import os

import pytest
from rq import SimpleWorker

from app.core.jobs import rq_queue
from tests import services


@pytest.fixture
def app(sqlite_app):
    return sqlite_app


@pytest.fixture
def rq_app(sqlite_app, monkeypatch):
    """The app sending its jobs to a real Redis, on a queue of this test run alone."""
    monkeypatch.setitem(sqlite_app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(sqlite_app.config, "REDIS_URL", services.REDIS_URL)
    monkeypatch.setitem(sqlite_app.config, "JOBS_QUEUE", f"opencall-test-{os.getpid()}")
    queue = rq_queue(sqlite_app)
    queue.empty()
    yield sqlite_app
    queue.empty()


def work_off(app) -> None:
    """Run every queued job with a real RQ worker, then stop."""
    queue = rq_queue(app)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
