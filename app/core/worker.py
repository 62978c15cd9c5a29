"""The queue's worker process (`flask worker`): RQ's SimpleWorker, a heartbeat, and the loop
that keeps jobs and mail moving.

Each worker process runs jobs one at a time in its main thread (a forked child would inherit
the parent's database connections); a maintenance thread beside it
- writes the worker's heartbeat to Redis every WORKER_HEARTBEAT_SECONDS with a time-to-live of
  WORKER_HEARTBEAT_TTL: while the key exists the worker lives, so a job it was running is not
  given up on, and /healthz knows that jobs are being worked off;
- every few beats fails the jobs that can no longer end (core.jobs.reconcile_job: worker
  killed, time overrun, lost by the queue) and sends the mail that is due (core.mail).
"""

import logging
import threading
from contextlib import contextmanager

from flask import Flask
from rq import SimpleWorker

from app.core import jobs
from app.core.database import utcnow
from app.core.extensions import db

log = logging.getLogger(__name__)
# Maintenance (reconciling jobs, sending due mail) runs once per this many heartbeat intervals.
MAINTENANCE_EVERY = 2


def heartbeat_key(app: Flask, worker_name: str = "*") -> str:
    return f"opencall:{app.config['JOBS_QUEUE']}:worker:{worker_name}"


def worker_alive(app: Flask, connection, worker_name: str) -> bool:
    return bool(connection.exists(heartbeat_key(app, worker_name)))


def live_workers(app: Flask, connection) -> int:
    """How many workers of this app's queue sent a heartbeat within their time-to-live."""
    return sum(1 for _ in connection.scan_iter(match=heartbeat_key(app), count=100))


class Maintenance:
    """The heartbeat and the maintenance rounds, in two threads beside the worker's main one:
    a slow round (the database away) must never delay the heartbeat."""

    def __init__(self, app: Flask, connection, worker_name: str):
        self.app, self.connection, self.worker_name = app, connection, worker_name
        self.stopping = threading.Event()
        self.interval = app.config["WORKER_HEARTBEAT_SECONDS"]
        self.ttl = app.config["WORKER_HEARTBEAT_TTL"]
        self.threads = [
            threading.Thread(target=self._every, args=(self.interval, self.beat),
                             name="opencall-heartbeat", daemon=True),
            threading.Thread(target=self._every,
                             args=(self.interval * MAINTENANCE_EVERY, lambda: maintain(app)),
                             name="opencall-maintenance", daemon=True)]

    def start(self) -> None:
        self.beat()  # alive before the first job is taken
        for thread in self.threads:
            thread.start()

    def _every(self, seconds: float, task) -> None:
        while not self.stopping.wait(seconds):
            task()

    def beat(self) -> None:
        try:
            self.connection.set(heartbeat_key(self.app, self.worker_name),
                                utcnow().isoformat(), ex=self.ttl)
        except Exception:  # Redis away: the worker's own loop will notice and stop
            log.warning("Heartbeat failed", exc_info=True)

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=self.interval * MAINTENANCE_EVERY + 30)
        try:
            self.connection.delete(heartbeat_key(self.app, self.worker_name))
        except Exception:
            log.warning("Could not remove the heartbeat of %s", self.worker_name, exc_info=True)


def maintain(app: Flask) -> None:
    """One maintenance round, in an app context (a database session) of its own."""
    from app.core.mail import send_due_mail

    with app.app_context():
        for task in (jobs.reconcile_active_jobs, send_due_mail):
            try:
                task()
                db.session.commit()
            except Exception:  # the database or Redis is away: the next round tries again
                log.warning("Maintenance task %s failed", task.__name__, exc_info=True)
                db.session.rollback()


@contextmanager
def maintained(app: Flask, connection, worker_name: str):
    """Beat and maintain while the block runs; the heartbeat is removed at the end."""
    thread = Maintenance(app, connection, worker_name)
    thread.start()
    try:
        yield thread
    finally:
        thread.stop()


def run_worker(app: Flask, *, burst: bool = False) -> None:
    queue = jobs.rq_queue(app)
    worker = SimpleWorker([queue], connection=queue.connection)
    jobs.WORKER_NAME = worker.name
    with maintained(app, queue.connection, worker.name):
        worker.work(burst=burst)
