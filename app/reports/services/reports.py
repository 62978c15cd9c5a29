"""Report use cases: ask for a report, list one's reports, fetch a finished file."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Role, User
from app.core import audit
from app.core.errors import DomainError, NotFound
from app.core.extensions import db
from app.core.jobs import Job, JobStatus, enqueue_after_commit
from app.reports.services.jobs import FORMATS, REPORT_KIND
from app.reports.services.rows import ReportFilters, filter_choices


def request_report(filters: ReportFilters, report_format: str, *, by: User) -> Job:
    """Queue the report; it starts once the request commits."""
    if report_format not in FORMATS:
        raise DomainError(_("Choose PDF, CSV or XLSX."), field="report_format")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise DomainError(_("The period ends before it starts."), field="date_to")
    choices = filter_choices(by=by)
    if filters.call_id and filters.call_id not in {c.id for c in choices["calls"]}:
        raise DomainError(_("Choose one of your funder's calls."), field="call_id")
    job = enqueue_after_commit(REPORT_KIND, by=by, filters=filters.to_params(),
                               format=report_format)
    audit.record(by, "report.requested", job, {"filters": filters.to_params(),
                                                "format": report_format})
    return job


def list_reports(*, by: User, page: int = 1, per_page: int = 20):
    return db.paginate(select(Job).where(Job.kind == REPORT_KIND, Job.requested_by_id == by.id)
                       .order_by(Job.created_at.desc(), Job.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def get_report(job_id: int, *, by: User) -> Job:
    """A report job of the user's own (admins: anyone's); NotFound for everyone else."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind != REPORT_KIND or (
            job.requested_by_id != by.id and not by.has_role(Role.admin)):
        raise NotFound(_("There is no such report, or it is not yours."))
    return job


def get_finished_report(job_id: int, *, by: User) -> Job:
    """A report whose file is ready to download; until then there is nothing to fetch."""
    job = get_report(job_id, by=by)
    if job.status != JobStatus.done or not job.result_path:
        raise NotFound(_("This report has no file yet."))
    return job
