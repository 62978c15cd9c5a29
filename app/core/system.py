"""Home page, health check and job status: the routes that belong to no domain."""

from flask import Blueprint, abort, current_app, jsonify, render_template, send_file
from flask_login import current_user
from sqlalchemy import text

from app.core import storage
from app.core.access import public, signed_in
from app.core.extensions import db
from app.core.jobs import Job, JobStatus

bp = Blueprint("system", __name__)


@bp.get("/")
@public
def home():
    return render_template("system/home.html")


@bp.get("/healthz")
@public
def healthz():
    checks = {"database": _check_database()}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _check_redis()
    healthy = all(status == "ok" for status in checks.values())
    body = jsonify(status="ok" if healthy else "unavailable", checks=checks)
    return body, 200 if healthy else 503


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # any driver error means unhealthy, never a 500
        db.session.rollback()
        return f"error: {type(exc).__name__}"


def _check_redis() -> str:
    from redis import Redis

    try:
        Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=2).ping()
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def _own_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.requested_by_id != current_user.id:
        abort(404)
    return job


@bp.get("/jobs/<int:job_id>")
@signed_in
def job_status(job_id: int):
    return jsonify(_own_job(job_id).to_dict())


@bp.get("/jobs/<int:job_id>/download")
@signed_in
def job_download(job_id: int):
    job = _own_job(job_id)
    if job.status != JobStatus.done or not job.result_path:
        abort(404)
    path = storage.path_for(job.result_path)
    return send_file(path, as_attachment=True, download_name=job.result_name or path.name)
