"""Submission pages: uploading documents, submitting, receipts, withdrawing."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.applications.forms import AttachmentForm, ConfirmForm, SubmitForm
from app.applications.rules.submission import safe_filename
from app.applications.services import applications as services
from app.applications.services import attachments, submission
from app.applications.services.receipts import latest_receipt_job
from app.applications.views import bp
from app.applications.views.applications import detail_page
from app.core.access import requires, signed_in
from app.core.arrival import request_arrived_at
from app.core.errors import Conflict
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.core.jobs import ACTIVE


def _back(application_id: int):
    return redirect(url_for("applications.detail", application_id=application_id))


def pdf_download(data: bytes, filename: str) -> Response:
    """Always a download, never shown inline: the browser must not render uploaded content."""
    response = Response(data, mimetype="application/pdf")
    # Cleaned again here: a quote or a line break in a name must not reach the header.
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:application_id>/attachments")
@requires(Role.applicant)
def upload(application_id: int):
    application = services.get_application(application_id, by=current_user)
    form = AttachmentForm()
    form.kind.choices = [(item["code"], item["name"]) for item in
                         application.call.required_attachments or []]
    if form.validate_on_submit():
        upload_file = form.file.data
        with errors_shown_on(form, refresh_version_from=application):
            attachments.upload_attachment(application_id, by=current_user, kind=form.kind.data,
                                          filename=upload_file.filename,
                                          data=upload_file.read(),
                                          expected_version=form.version.data)
            db.session.commit()
            flash(_("Document uploaded."), "success")
            return _back(application_id)
    # The refusal next to its field, on the application page (the file must be chosen again).
    application = services.get_application(application_id, by=current_user)
    return detail_page(application, upload_form=form, status=422)


@bp.get("/<int:application_id>/attachments/<int:attachment_id>")
@signed_in  # consortium members and the call's officers; the service decides, others get 404
def attachment(application_id: int, attachment_id: int):
    document, data = attachments.attachment_for_download(application_id, attachment_id,
                                                         by=current_user)
    return pdf_download(data, document.filename)


@bp.post("/<int:application_id>/submit")
@requires(Role.applicant)
def submit(application_id: int):
    form = SubmitForm()
    key = form.idempotency_key.data or ""
    if not form.validate_on_submit():
        flash(_("The form expired: reload the page and submit again."), "danger")
        return _back(application_id)
    try:
        made = submission.submit_application(application_id, by=current_user,
                                             idempotency_key=key,
                                             expected_version=form.version.data,
                                             received_at=request_arrived_at())
    except submission.SubmitRefused as refused:
        db.session.rollback()
        application = services.get_application(application_id, by=current_user)
        return detail_page(application, problems=refused.problems, status=422)
    except Conflict:
        db.session.rollback()
        # A retried POST that lost the race to its twin: the twin's submission is the answer.
        made = submission.find_submission_by_key(key) if key else None
        if made is None or made.application_id != application_id:
            raise
    db.session.commit()
    flash(_("Submitted (submission %(number)s). SHA-256 of the submitted data: %(sha256)s. "
            "The receipt (PDF) is being prepared and will be e-mailed to the coordinator.",
            number=made.number, sha256=made.snapshot_sha256), "success")
    return _back(application_id)


@bp.get("/<int:application_id>/submissions/<int:submission_id>/receipt")
@signed_in  # consortium members and the call's officers; the service decides, others get 404
def receipt(application_id: int, submission_id: int):
    made, data = submission.receipt_for_download(application_id, submission_id,
                                                 by=current_user)
    if data is None:  # the receipt job has not written it yet (or it failed, or was lost)
        job = latest_receipt_job(made)
        return render_template("applications/receipt_pending.html", submission=made,
                               preparing=job is not None and job.status in ACTIVE), 202
    acronym = "".join(c for c in made.application.acronym if c.isalnum() or c in "-_") or "app"
    return pdf_download(data, f"receipt-{acronym}-{made.number}.pdf")


@bp.post("/<int:application_id>/submissions/<int:submission_id>/receipt/prepare")
@signed_in  # whoever may read the receipt may ask for it again; the service decides
def prepare_receipt(application_id: int, submission_id: int):
    submission.prepare_receipt_again(application_id, submission_id, by=current_user)
    db.session.commit()
    flash(_("The receipt is being prepared again."), "info")
    return redirect(url_for("applications.receipt", application_id=application_id,
                            submission_id=submission_id))


@bp.route("/<int:application_id>/withdraw", methods=["GET", "POST"])
@requires(Role.applicant)
def withdraw(application_id: int):
    application = services.get_application(application_id, by=current_user)
    services.require_coordinator(application, current_user)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = application.version
    if form.validate_on_submit():
        with errors_shown_on(form, refresh_version_from=application):
            submission.withdraw_application(application_id, by=current_user,
                                            expected_version=form.version.data)
            db.session.commit()
            flash(_("The application is withdrawn. You may submit it again before the "
                    "deadline."), "success")
            return _back(application_id)
    return render_template("applications/withdraw.html", application=application, form=form)
