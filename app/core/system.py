"""Home page, health check and job status: the routes that belong to no domain."""

from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import text

from app.core import storage
from app.core.access import public, signed_in
from app.core.errors import Conflict
from app.core.extensions import db
from app.core.jobs import JOB_KINDS, Job, JobStatus, reconcile_job, retry_job, rq_queue

bp = Blueprint("system", __name__)

# Sections of the home page given by domain packages (core knows none of them): each provider
# returns a template and its values, e.g. the calls open now or the funded projects.
FRONT_DOOR: list[Callable[[], tuple[str, dict]]] = []


def front_door_section(provider: Callable[[], tuple[str, dict]]) -> Callable:
    FRONT_DOOR.append(provider)
    return provider


@bp.get("/")
@public
def home():
    # Each section is rendered from our own template, so its HTML is safe to insert.
    sections = [Markup(render_template(template, **values))
                for template, values in (provider() for provider in FRONT_DOOR)]
    return render_template("system/home.html", sections=sections)


# The role that may read what failed (core knows roles only by their names).
ADMIN_ROLE = "admin"


@bp.get("/healthz")
@public
def healthz():
    """"ok" (200) or "not ok" (503) for load balancers and anyone else; which dependency
    failed, and how, only for a signed-in admin: a stranger learns nothing to aim at."""
    checks = {"database": _check_database()}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _check_redis()
    if current_app.config["JOBS_MODE"] == "rq":
        checks["workers"] = _check_workers()
    healthy = all(status == "ok" for status in checks.values())
    status = "ok" if healthy else "not ok"
    body = jsonify(status=status, checks=checks) if _asked_by_an_admin() \
        else jsonify(status=status)
    return body, 200 if healthy else 503


def _asked_by_an_admin() -> bool:
    """Loading the signed-in user needs the database, which may be the thing that is down."""
    try:
        return bool(current_user.is_authenticated and current_user.has_role(ADMIN_ROLE))
    except Exception:  # no database, no details: the public answer
        db.session.rollback()
        return False


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


def _check_workers() -> str:
    """Jobs are worked off only while some worker sent a heartbeat within its time-to-live."""
    from app.core.worker import live_workers

    try:
        count = live_workers(current_app, rq_queue(current_app).connection)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    if not count:
        return (f"error: no worker heartbeat in the last "
                f"{current_app.config['WORKER_HEARTBEAT_TTL']} s")
    return "ok"


def _own_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.requested_by_id != current_user.id:
        abort(404)
    return job


@bp.get("/jobs/<int:job_id>")
@signed_in
def job_status(job_id: int):
    job = _own_job(job_id)
    if reconcile_job(job):  # its worker died or it overran: say so now, not "running" forever
        db.session.commit()
    return jsonify(job.to_dict())


@bp.post("/jobs/<int:job_id>/retry")
@signed_in
def job_retry(job_id: int):
    """Try a failed job again (a new job with the same request); back to the kind's page."""
    job = _own_job(job_id)
    kind = JOB_KINDS.get(job.kind)
    if job.status != JobStatus.failed or kind is None or kind.page is None:
        raise Conflict(_("Only a failed job can be tried again."))
    again = retry_job(job, by=current_user)
    db.session.commit()
    flash(_("Started again."), "info")
    return redirect(kind.page(again))


@bp.get("/jobs/<int:job_id>/download")
@signed_in
def job_download(job_id: int):
    job = _own_job(job_id)
    if job.status != JobStatus.done or not job.result_path:
        abort(404)
    path = storage.existing_path(job.result_path)
    return send_file(path, as_attachment=True, download_name=job.result_name or path.name)
