"""The disbursement report job: rows streamed into a CSV, XLSX or PDF file saved in storage."""

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.accounts.models import Organisation, User
from app.calls.models import Call
from app.core import storage
from app.core.database import utcnow
from app.core.extensions import db
from app.core.jobs import Job, file_owner, job_function, report_progress
from app.grants.services.languages import language_of
from app.reports.services import versions, writers
from app.reports.services.rows import ReportFilters, count_rows, iter_rows, summarise

REPORT_KIND = "report.disbursements"
PDF_MAX_ROWS = 20_000
FORMATS = {"pdf": "PDF", "csv": "CSV", "xlsx": _l("Excel (XLSX)")}
# Reading rows moves the progress bar from 10 % to 90 % (to 60 % for a PDF, whose page
# layout comes after and takes most of the time).
ROWS_START = 10
ROWS_END = {"pdf": 60, "csv": 90, "xlsx": 90}


def _names(filters: ReportFilters) -> dict[str, str]:
    names = {}
    if filters.call_id and (call := db.session.get(Call, filters.call_id)):
        names["call"] = f"{call.reference} — {call.title}"
    if filters.organisation_id and (org := db.session.get(Organisation, filters.organisation_id)):
        names["beneficiary"] = org.name
    return names


def _progress_page(job: Job) -> str:
    from flask import url_for

    return url_for("reports.progress", job_id=job.id)


# The largest PDF report (20,000 rows) takes about 2.5 minutes on this project's machines.
@job_function(REPORT_KIND, timeout=15 * 60, service="report", page=_progress_page)
def disbursement_report(job: Job, *, filters: dict, format: str) -> None:
    if format not in FORMATS:  # checked here too: a job may be queued by other code
        raise ValueError(f"Unknown report format {format!r}")
    user = db.session.get(User, job.requested_by_id)
    if user is None:
        raise LookupError("The user who asked for this report no longer exists")
    # The file, its progress messages and refusals are in the requester's language.
    with language_of(user):
        _produce(job, user, filters, format)


def _produce(job: Job, user: User, filters: dict, format: str) -> None:
    chosen = ReportFilters.from_params(filters)
    report_progress(job, 2, _("Counting rows"))
    total = count_rows(chosen, by=user)
    limit = current_app.config.get("REPORT_PDF_MAX_ROWS", PDF_MAX_ROWS)
    if format == "pdf" and total > limit:
        # WeasyPrint holds the whole layout in memory (about 16 MB per 100 rows).
        shown_total, shown_limit = f"{total:,}", f"{limit:,}"
        raise ValueError(_("A PDF of %(total)s rows is too large (at most %(limit)s); narrow "
                           "the filters or choose CSV or XLSX", total=shown_total,
                           limit=shown_limit))
    summary = summarise(chosen, by=user) if format != "csv" else None
    report_progress(job, ROWS_START, _("Reading %(total)s rows", total=total))

    def on_batch(done: int) -> None:
        share = done / total if total else 1
        report_progress(job, ROWS_START + (ROWS_END[format] - ROWS_START) * share,
                        _("%(done)s of %(total)s rows", done=done, total=total))

    rows = iter_rows(chosen, by=user, on_batch=on_batch)
    key = storage.new_key("reports", f".{format}")
    heading = writers.describe_filters(chosen, _names(chosen))
    # Written under a temporary name and renamed when complete: a worker killed midway
    # leaves no partial report where a download could find it.
    with storage.writing(key, owner=file_owner(job.id)) as path:
        if format == "csv":
            writers.write_csv(path, rows)
        elif format == "xlsx":
            writers.write_xlsx(path, rows, summary, heading)
        else:
            produced_at = utcnow()
            on = versions.report_date(chosen, produced_at.date())
            html = writers.pdf_html(rows, summary, heading, produced_at, on=on,
                                    versions=versions.versions_in_force(chosen, by=user, on=on))
            report_progress(job, ROWS_END[format], _("Laying out the PDF pages"))
            pdf = writers.pdf_bytes(html)
            report_progress(job, 95, _("Saving the PDF"))
            path.write_bytes(pdf)
    job.result_path = key
    job.result_name = f"disbursements-{date.today().isoformat()}.{format}"
    job.message = ngettext("%(num)d row", "%(num)d rows", total)
