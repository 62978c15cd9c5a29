"""Report pages: choose filters and format, follow the job's progress, download the file."""

from flask import jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.accounts.models import Role
from app.core import storage
from app.core.access import requires
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.core.jobs import JobStatus, reconcile_job
from app.reports.forms import ReportForm
from app.reports.services import reports as services
from app.reports.services.beneficiaries import resolve_beneficiary, search_beneficiaries
from app.reports.services.jobs import FORMATS
from app.reports.services.rows import ReportFilters, filter_choices
from app.reports.views import bp

READERS = (Role.finance_officer, Role.admin)


@bp.route("/", methods=["GET", "POST"])
@requires(*READERS)
def index():
    form = ReportForm()
    form.set_choices(filter_choices(by=current_user))
    if form.validate_on_submit():
        with errors_shown_on(form):
            filters = ReportFilters(
                call_id=form.call_id.data, date_from=form.date_from.data,
                date_to=form.date_to.data, country=form.country.data or None,
                ict_category=form.ict_category.data or None,
                organisation_id=resolve_beneficiary(form.organisation_id.data,
                                                    form.beneficiary.data, by=current_user))
            job = services.request_report(filters, form.report_format.data, by=current_user)
            db.session.commit()
            return redirect(url_for("reports.progress", job_id=job.id))
    reports = services.list_reports(by=current_user, page=request.args.get("page", 1, type=int))
    return render_template("reports/index.html", form=form, reports=reports, formats=FORMATS)


@bp.get("/beneficiaries")
@requires(*READERS)
def beneficiaries():
    """Suggestions for the report form's beneficiary field, as the user types."""
    return jsonify(items=search_beneficiaries(request.args.get("q", ""), by=current_user))


@bp.get("/<int:job_id>")
@requires(*READERS)
def progress(job_id: int):
    job = services.get_report(job_id, by=current_user)
    if reconcile_job(job):  # its worker died or it overran: say so, not "running" forever
        db.session.commit()
    return render_template("reports/progress.html", job=job,
                           finished=job.status in (JobStatus.done, JobStatus.failed),
                           format_label=FORMATS.get(job.params.get("format"), ""))


@bp.get("/<int:job_id>/download")
@requires(*READERS)
def download(job_id: int):
    job = services.get_finished_report(job_id, by=current_user)
    return send_file(storage.existing_path(job.result_path), as_attachment=True,
                     download_name=job.result_name)
