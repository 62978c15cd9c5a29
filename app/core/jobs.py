"""Background jobs: the Job row, enqueue_after_commit(), and running a job (RQ or a thread)."""

import threading
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from flask import Flask, current_app
from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.database import UTCDateTime, after_commit, utcnow
from app.core.extensions import db


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


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

    def to_dict(self) -> dict:
        return {
            "id": self.id, "kind": self.kind, "status": self.status, "progress": self.progress,
            "message": self.message, "error": self.error,
            "has_result": self.status == JobStatus.done and self.result_path is not None,
        }


JOB_FUNCTIONS: dict[str, Callable[..., None]] = {}


def job_function(kind: str) -> Callable[[Callable], Callable]:
    """Register fn(job, **params) as the code run for jobs of `kind`."""

    def register(fn: Callable) -> Callable:
        JOB_FUNCTIONS[kind] = fn
        return fn

    return register


def enqueue_after_commit(kind: str, *, by=None, **params) -> Job:
    """Create the Job row now and start the work only once the request's data is committed."""
    if kind not in JOB_FUNCTIONS:
        raise KeyError(f"No job function registered for {kind!r}")
    job = Job(kind=kind, params=params, requested_by_id=getattr(by, "id", None))
    db.session.add(job)
    db.session.flush()
    app = current_app._get_current_object()
    job_id = job.id
    after_commit(db.session, lambda: dispatch(app, job_id))
    return job


def dispatch(app: Flask, job_id: int) -> None:
    mode = app.config["JOBS_MODE"]
    if mode == "rq":
        rq_queue(app).enqueue_call("app.core.jobs.perform", args=(job_id,),
                                  job_id=f"opencall-{job_id}")
        return
    # A thread gets its own app context and therefore its own database session.
    thread = threading.Thread(target=_perform_in_app, args=(app, job_id), daemon=True)
    thread.start()
    if mode == "eager":
        thread.join()


def rq_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(app.config["JOBS_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))


def _perform_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            perform(job_id)
        except Exception:  # already recorded on the Job row; the thread must not crash loudly
            app.logger.exception("Job %s failed", job_id)


def perform(job_id: int) -> None:
    """Run one job inside an app context; record failure with its message and re-raise."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise LookupError(f"Job {job_id} does not exist")
    job.status, job.started_at = JobStatus.running, utcnow()
    db.session.commit()
    try:
        JOB_FUNCTIONS[job.kind](job, **job.params)
        job.status, job.progress, job.finished_at = JobStatus.done, 100, utcnow()
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.status, job.finished_at = JobStatus.failed, utcnow()
        job.error = f"{type(exc).__name__}: {exc}"
        job.message = "The job failed."
        db.session.commit()
        raise


def report_progress(job: Job, percent: int, message: str = "") -> None:
    """Commit progress so that the page polling /jobs/<id> sees it while the job runs.

    This commits the job's session: jobs read the database and write their result to a
    file, so nothing half-done is saved with it."""
    job.progress = max(0, min(100, int(percent)))
    job.message = message[:300]
    db.session.commit()
