"""Every job ends: timeouts stop it with a plain message, the reconciler fails what cannot end
(overrun, lost by the queue) and sends lost receipts again, a job that breaks its session does
not break the next one, and /healthz needs a worker's heartbeat."""

import time
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from app.accounts.models import Organisation, Role
from app.core import jobs, storage
from app.core.database import utcnow
from app.core.extensions import db
from app.core.jobs import (
    LOST,
    Job,
    JobStatus,
    enqueue_after_commit,
    file_owner,
    job_function,
    reconcile_active_jobs,
    rq_queue,
)
from app.core.worker import maintained
from tests import services
from tests.jobs.conftest import work_off


@job_function("test.sleepy", timeout=1)
def sleepy(job, *, seconds: float):
    time.sleep(seconds)


@job_function("test.breaks_its_session")
def breaks_its_session(job):
    """Leaves the session needing a rollback, as a half-handled database error would."""
    db.session.add(Organisation(name=None))  # NOT NULL: the flush fails
    with suppress(Exception):  # swallowed: the session is left unusable
        db.session.flush()


@job_function("test.durable", durable=True)
def durable(job):
    pass


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _age(job: Job, **changes) -> None:
    db.session.execute(update(Job).where(Job.id == job.id).values(**changes))
    db.session.commit()


@pytest.mark.redis
def test_a_job_over_its_timeout_is_stopped_with_a_plain_message(rq_app, make_user):
    job = enqueue_after_commit("test.sleepy", by=make_user(Role.admin), seconds=5)
    db.session.commit()
    started = time.monotonic()
    work_off(rq_app)
    assert time.monotonic() - started < 4  # stopped at its 1 s timeout, not after 5 s
    failed = _job(job.id)
    assert failed.status == JobStatus.failed
    assert failed.error == "It took longer than 1 minute and was stopped."


@pytest.mark.redis
def test_a_job_that_breaks_its_session_does_not_break_the_next_one(rq_app, make_user):
    admin = make_user(Role.admin)
    broken = enqueue_after_commit("test.breaks_its_session", by=admin)
    fine = enqueue_after_commit("test.sleepy", by=admin, seconds=0)
    db.session.commit()
    work_off(rq_app)  # one worker, both jobs, one after the other
    assert _job(broken.id).status == JobStatus.failed
    assert "PendingRollbackError" in _job(broken.id).error
    assert _job(fine.id).status == JobStatus.done


def test_a_running_job_past_its_time_is_failed_and_its_partial_file_removed(
        sqlite_app, make_user, monkeypatch):
    monkeypatch.setitem(sqlite_app.config, "JOBS_MODE", "thread")
    job = enqueue_after_commit("test.sleepy", by=make_user(Role.admin), seconds=0)
    monkeypatch.setattr(jobs, "dispatch", lambda *args: None)  # nobody runs it
    db.session.commit()
    partial = Path(sqlite_app.config["FILES_DIR"]) / storage.PARTIAL_DIR / (
        f"{file_owner(job.id)}-abc.csv")
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text("half a report")
    _age(job, status=JobStatus.running, worker="thread@elsewhere:1",
         started_at=utcnow() - timedelta(seconds=30))
    assert reconcile_active_jobs() == 0  # within its 1 s and the minute of grace
    _age(job, started_at=utcnow() - timedelta(minutes=2))
    assert reconcile_active_jobs() == 1
    db.session.commit()
    failed = _job(job.id)
    assert (failed.status, failed.error) == (
        JobStatus.failed, "It took longer than 1 minute and was stopped.")
    assert not partial.exists()


@pytest.mark.redis
def test_a_job_the_queue_lost_fails_but_a_lost_durable_job_is_sent_again(rq_app, make_user,
                                                                       monkeypatch):
    admin = make_user(Role.admin)
    monkeypatch.setitem(rq_app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    lost = enqueue_after_commit("test.durable", by=admin)
    db.session.commit()  # Redis is down: a durable job stays queued and waits
    monkeypatch.setitem(rq_app.config, "REDIS_URL", services.REDIS_URL)
    real_dispatch = jobs.dispatch
    monkeypatch.setattr(jobs, "dispatch", lambda *args: None)  # a crash between commit
    plain = enqueue_after_commit("test.sleepy", by=admin, seconds=0)  # and enqueue
    db.session.commit()
    monkeypatch.setattr(jobs, "dispatch", real_dispatch)
    assert rq_queue(rq_app).count == 0
    assert reconcile_active_jobs() == 0  # just queued: they may be on their way
    for job in (lost, plain):
        _age(job, created_at=utcnow() - timedelta(minutes=2))
    assert reconcile_active_jobs() == 2
    db.session.commit()
    assert (_job(plain.id).status, _job(plain.id).error) == (JobStatus.failed, LOST)
    assert _job(lost.id).status == JobStatus.queued and rq_queue(rq_app).count == 1
    work_off(rq_app)
    assert _job(lost.id).status == JobStatus.done


@pytest.mark.redis
def test_healthz_is_not_ok_without_a_worker_heartbeat(rq_app, client, make_user, sign_in):
    assert client.get("/healthz").json == {"status": "not ok"}  # the public learns no more
    sign_in(make_user(Role.admin))  # an admin is told what is missing
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["workers"] == "error: no worker heartbeat in the last 30 s"
    connection = rq_queue(rq_app).connection
    with maintained(rq_app, connection, "test-worker"):
        alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.json["checks"]["workers"] == "ok"
    assert client.get("/healthz").status_code == 503  # a worker that stops takes its beat
