"""Background jobs: the Job row, enqueue_after_commit(), and running a job (RQ or a thread).

Every job ends. Each kind has a timeout; each job runs in a session of its own that is rolled
back on any error; a job whose worker died, that overran its time or that the queue lost is
found by reconcile_job() (run by the worker loop, app/core/worker.py, and by the job's status
page) and marked failed with a plain message. An enqueue that fails (Redis down) fails the job
at once and the request answers 503. Result files are written under a temporary name and
renamed when complete (storage.writing), so a job that dies leaves no partial file behind.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import Flask, current_app
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import ServiceUnavailable

from app.core import storage
from app.core.database import UTCDateTime, after_commit, utcnow
from app.core.extensions import db

log = logging.getLogger(__name__)


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


ACTIVE = (JobStatus.queued, JobStatus.running)


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.queued)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(String(300), default="")
    result_path: Mapped[str | None] = mapped_column(String(300))
    result_name: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the job is about ("submission:12"), so a page can find its job without reading params.
    subject: Mapped[str | None] = mapped_column(String(80), index=True)
    # Who runs it: an RQ worker's name (its heartbeat says whether it still lives) or a thread.
    worker: Mapped[str | None] = mapped_column(String(120))

    def to_dict(self) -> dict:
        return {
            "id": self.id, "kind": self.kind, "status": self.status, "progress": self.progress,
            "message": self.message, "error": self.error,
            "has_result": self.status == JobStatus.done and self.result_path is not None,
            "can_retry": self.status == JobStatus.failed,
        }


DEFAULT_TIMEOUT = 10 * 60  # seconds
# A running job gets this long beyond its timeout (the worker stops it at the timeout) before
# reconcile_job() calls it stuck: the worker's own timeout message should win.
OVERRUN_GRACE = timedelta(seconds=60)
# A queued job the queue has never heard of after this long was lost (enqueueing takes ms).
LOST_AFTER = timedelta(seconds=60)
FAILED_MESSAGE = "The job failed."
STOPPED_MESSAGE = "The job did not finish."


@dataclass(frozen=True)
class JobKind:
    run: Callable[..., None]
    timeout: int  # seconds; RQ stops the job then
    service: str  # what users call it: "the report service is unavailable"
    # System work nobody waits for on a page (receipts): when the queue lost it, the worker
    # loop sends it again instead of failing it.
    durable: bool
    # The page that follows this job, for "try again": page(job) -> URL.
    page: Callable | None


JOB_KINDS: dict[str, JobKind] = {}


def job_function(kind: str, *, timeout: int = DEFAULT_TIMEOUT, service: str = "background job",
                 durable: bool = False, page: Callable | None = None) -> Callable:
    """Register fn(job, **params) as the code run for jobs of `kind`."""

    def register(fn: Callable) -> Callable:
        JOB_KINDS[kind] = JobKind(fn, timeout, service, durable, page)
        return fn

    return register


def timed_out_message(kind: JobKind | None) -> str:
    minutes = max(1, round((kind.timeout if kind else DEFAULT_TIMEOUT) / 60))
    return f"It took longer than {minutes} minute{'s' if minutes > 1 else ''} and was stopped."


WORKER_DIED = "It stopped before it finished: the worker running it stopped."
LOST = "It never started: the job queue lost it."


class JobServiceUnavailable(ServiceUnavailable):
    """The queue could not take a job (Redis is down); the job row is already marked failed."""


def rq_job_id(job: Job) -> str:
    """The job's id in RQ. It starts with the queue's name, since RQ's job ids are global in
    a Redis: two instances (each with its own JOBS_QUEUE) may then share one. It carries the
    row's creation time: a database restored from a backup numbers new jobs again from an
    older id, and Redis may still hold the old one."""
    return f"{current_app.config['JOBS_QUEUE']}-{job.id}-{job.created_at:%Y%m%d%H%M%S%f}"


def enqueue_after_commit(kind: str, *, by=None, subject: str | None = None, **params) -> Job:
    """Create the Job row now and start the work only once the request's data is committed."""
    if kind not in JOB_KINDS:
        raise KeyError(f"No job function registered for {kind!r}")
    job = Job(kind=kind, params=params, requested_by_id=getattr(by, "id", None),
              subject=subject)
    db.session.add(job)
    db.session.flush()
    app = current_app._get_current_object()
    job_id, queued_id = job.id, rq_job_id(job)
    after_commit(db.session, lambda: dispatch(app, job_id, kind, queued_id))
    return job


def retry_job(job: Job, *, by=None) -> Job:
    """A new job doing what a failed one should have done (the failed one stays as it was)."""
    if job.status != JobStatus.failed:
        raise ValueError(f"Job {job.id} is {job.status}, not failed")
    return enqueue_after_commit(job.kind, by=by, subject=job.subject, **job.params)


def dispatch(app: Flask, job_id: int, kind: str, queued_id: str) -> None:
    """Hand a committed job to its runner (RQ, or a thread of this process)."""
    mode = app.config["JOBS_MODE"]
    if mode == "rq":
        _enqueue(app, job_id, JOB_KINDS[kind], queued_id)
        return
    run_in_thread(app, perform, job_id)


def run_in_thread(app: Flask, function: Callable, *args) -> None:
    """Without Redis: run `function(*args)` in a thread of this process (inline if eager).

    The thread gets its own app context and therefore its own database session. It is not a
    daemon: a process that exits (a CLI command, a server stopping) lets its jobs end first.
    """
    thread = threading.Thread(target=_run_in_app, args=(app, function, *args),
                              name=f"{function.__name__}-{args}")
    thread.start()
    if app.config["JOBS_MODE"] == "eager":
        thread.join()


def _enqueue(app: Flask, job_id: int, kind: JobKind, queued_id: str) -> None:
    from redis.exceptions import RedisError

    try:
        rq_queue(app).enqueue_call("app.core.jobs.perform", args=(job_id,),
                                  job_id=queued_id, timeout=kind.timeout)
    except RedisError as error:
        if kind.durable:  # still queued: the worker loop sends it again once Redis is back
            log.warning("Could not queue job %s (%s); the worker loop will retry", job_id, error)
            return
        message = f"The {kind.service} service is unavailable right now, so it could not start."
        _fail_outside_session(app, job_id, message)
        raise JobServiceUnavailable(
            f"The {kind.service} service is unavailable right now. Nothing was started; "
            "please try again in a few minutes.") from error


def _fail_outside_session(app: Flask, job_id: int, error: str) -> None:
    """Mark a job failed from a commit hook: the request's session has just committed and may
    not run SQL now, so a connection of its own does it."""
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id, Job.status.in_(ACTIVE)).values(
            status=JobStatus.failed, finished_at=utcnow(), error=error,
            message=STOPPED_MESSAGE))


def rq_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    # Short timeouts: a Redis that does not answer must not hold a web request for long (a
    # worker raises its own socket timeout above the time it blocks waiting for jobs).
    connection = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2,
                                socket_timeout=5)
    return Queue(app.config["JOBS_QUEUE"], connection=connection)


# --- running a job -------------------------------------------------------------------------

# Set by `flask worker` (the RQ worker's name, which its heartbeat carries); threads say who
# they are instead.
WORKER_NAME: str | None = None


def current_worker_name() -> str:
    return WORKER_NAME or f"thread@{socket.gethostname()}:{os.getpid()}"


def file_owner(job_id: int) -> str:
    """The prefix of a job's temporary files (storage.writing), removed when the job fails."""
    return f"job-{job_id}"


def _run_in_app(app: Flask, function: Callable, *args) -> None:
    with app.app_context():
        try:
            function(*args)
        except Exception:  # already recorded on its row; the thread must not crash loudly
            app.logger.exception("%s%s failed", function.__name__, args)


def perform(job_id: int) -> None:
    """Run one job (RQ calls this) and record how it ended; a failure is re-raised.

    Each job gets an app context, so a database session, of its own: whatever an earlier job
    left on its session (an error, a connection the database closed) cannot reach this one.
    """
    with current_app.app_context():
        _perform(job_id)


def _perform(job_id: int) -> None:
    # Claimed by a conditional update: a job reconciled as failed, or delivered twice by the
    # queue, is not run (again).
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.queued)
        .values(status=JobStatus.running, started_at=utcnow(), worker=current_worker_name())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    job = db.session.get(Job, job_id)
    if job is None:
        raise LookupError(f"Job {job_id} does not exist")
    if not claimed:
        log.warning("Job %s is %s, not queued: not running it", job_id, job.status)
        return
    kind = JOB_KINDS[job.kind]
    try:
        kind.run(job, **job.params)
        result_path = job.result_path
        db.session.flush()
        finished = db.session.execute(
            update(Job).where(Job.id == job_id, Job.status == JobStatus.running)
            .values(status=JobStatus.done, progress=100, finished_at=utcnow())
            .execution_options(synchronize_session=False)).rowcount
        if not finished:  # reconciled as failed meanwhile: its result is not to be offered
            db.session.rollback()
            if result_path:
                storage.discard(result_path)
            return
        db.session.commit()
    except Exception as exc:
        _record_failure(job_id, exc, kind)
        raise


def _record_failure(job_id: int, exc: Exception, kind: JobKind) -> None:
    from rq.timeouts import JobTimeoutException

    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone; a new session gets a new one
        log.warning("Rollback failed after job %s", job_id, exc_info=True)
    db.session.remove()
    if isinstance(exc, JobTimeoutException):
        error = timed_out_message(kind)
    else:
        error = f"{type(exc).__name__}: {exc}"
    try:
        mark_failed(job_id, error, FAILED_MESSAGE)
        db.session.commit()
    except Exception:  # the database is down: reconcile_job() records it later
        log.exception("Could not record the failure of job %s", job_id)
        db.session.remove()
    storage.discard_partials(file_owner(job_id))


def mark_failed(job_id: int, error: str, message: str = STOPPED_MESSAGE) -> bool:
    """Fail a queued or running job (in the caller's transaction); False if it had ended."""
    changed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status.in_(ACTIVE))
        .values(status=JobStatus.failed, finished_at=utcnow(), error=error[:2000],
                message=message)
        .execution_options(synchronize_session=False)).rowcount
    return bool(changed)


def report_progress(job: Job, percent: int, message: str = "") -> None:
    """Commit progress so that the page polling /jobs/<id> sees it while the job runs.

    This commits the job's session: jobs read the database and write their result to a
    file, so nothing half-done is saved with it."""
    job.progress = max(0, min(100, int(percent)))
    job.message = message[:300]
    db.session.commit()


# --- jobs that cannot end by themselves ----------------------------------------------------


def reconcile_job(job: Job, *, now: datetime | None = None) -> bool:
    """Fail a job that can no longer end by itself, or send a lost durable job again.

    Changes are made in the caller's transaction (the caller commits). Returns True if the
    job was changed or sent again.
    """
    if job.status not in ACTIVE:
        return False
    app = current_app._get_current_object()
    kind = JOB_KINDS.get(job.kind)
    now = now or utcnow()
    timeout = timedelta(seconds=kind.timeout if kind else DEFAULT_TIMEOUT)
    verdict = None
    if job.status == JobStatus.running and job.started_at and (
            now > job.started_at + timeout + OVERRUN_GRACE):
        verdict = timed_out_message(kind)
    elif app.config["JOBS_MODE"] == "rq":
        verdict = _verdict_from_queue(app, job, kind, now)
    elif job.status == JobStatus.queued and now > job.created_at + timeout + OVERRUN_GRACE:
        verdict = LOST  # its thread never started: the process stopped first
    if verdict is None:
        return False
    if verdict == "send again":
        _enqueue(app, job.id, kind, rq_job_id(job))
        return True
    failed = mark_failed(job.id, verdict)
    if failed:
        storage.discard_partials(file_owner(job.id))
        log.warning("Job %s (%s) marked failed: %s", job.id, job.kind, verdict)
    return failed


def _verdict_from_queue(app: Flask, job: Job, kind: JobKind | None,
                        now: datetime) -> str | None:
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as QueuedJob
    from rq.job import JobStatus as QueuedStatus

    from app.core.worker import worker_alive

    queue = rq_queue(app)
    try:
        if job.status == JobStatus.running and job.worker and not job.worker.startswith(
                "thread@") and job.worker != WORKER_NAME and not worker_alive(
                app, queue.connection, job.worker):  # (this process is alive, whatever
            return WORKER_DIED                           # its heartbeat key says)
        try:
            status = QueuedJob.fetch(rq_job_id(job), connection=queue.connection).get_status()
        except NoSuchJobError:
            if job.status == JobStatus.running or now - job.created_at < LOST_AFTER:
                return None
            return "send again" if kind and kind.durable else LOST
    except RedisError:
        return None  # while Redis is away nobody can tell; the next round will
    if status in (QueuedStatus.FAILED, QueuedStatus.STOPPED, QueuedStatus.CANCELED):
        return WORKER_DIED  # RQ gave up on it before perform() could record anything
    return None


def reconcile_active_jobs(limit: int = 500) -> int:
    """reconcile_job() for every queued or running job (the worker loop calls this)."""
    jobs = db.session.scalars(select(Job).where(Job.status.in_(ACTIVE))
                              .order_by(Job.id).limit(limit)).all()
    return sum(reconcile_job(job) for job in jobs)
