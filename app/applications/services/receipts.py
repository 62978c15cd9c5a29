"""Submission receipts: a PDF rendered by a job after the submission commits, then e-mailed.

The submit request only validates, snapshots and commits (under a deadline rush a PDF inside
the request would make on-time submissions wait past the deadline). The receipt states the
snapshot's SHA-256, which the submit already recorded and showed: the file adds nothing the
user has not seen. Until the job has written it, the receipt page says it is being prepared.
"""

from datetime import datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.applications.models import Application, Submission
from app.core import storage
from app.core.extensions import db
from app.core.jobs import ACTIVE, Job, enqueue_after_commit, file_owner, job_function
from app.core.links import public_url
from app.core.mail import send_mail
from app.core.pdf import render_pdf

RECEIPT_KIND = "applications.receipt"


def receipt_subject(submission_id: int) -> str:
    return f"submission:{submission_id}"


def _receipt_page(job: Job) -> str:
    return url_for("applications.receipt", application_id=job.params["application_id"],
                   submission_id=job.params["submission_id"])


def prepare_after_commit(submission: Submission, *, by: User, notify: bool) -> Job:
    """Queue the receipt of a flushed submission; it starts once the submit commits."""
    return enqueue_after_commit(RECEIPT_KIND, by=by, subject=receipt_subject(submission.id),
                                application_id=submission.application_id,
                                submission_id=submission.id, notify=notify)


def latest_receipt_job(submission: Submission) -> Job | None:
    return db.session.scalars(select(Job).where(
        Job.kind == RECEIPT_KIND, Job.subject == receipt_subject(submission.id))
        .order_by(Job.id.desc()).limit(1)).first()


def receipt_in_preparation(submission: Submission) -> bool:
    job = latest_receipt_job(submission)
    return job is not None and job.status in ACTIVE


# Durable: a receipt queued while Redis was down is sent to the queue again by the worker loop.
@job_function(RECEIPT_KIND, timeout=5 * 60, service="receipt", durable=True,
              page=_receipt_page)
def prepare_receipt(job: Job, *, application_id: int, submission_id: int,
                    notify: bool = True) -> None:
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.application_id != application_id:
        raise LookupError(f"Submission {submission_id} of application {application_id} "
                          "does not exist")
    if storage.exists(submission.receipt_path):
        return  # an earlier run wrote it: a receipt is written once
    application = submission.application
    # Written once, in the language of the person who submitted (the job has no request).
    with force_locale(_language_of(submission.submitted_by)):
        pdf = render_receipt(application, submission.snapshot, submission.snapshot_sha256)
    storage.save(submission.receipt_path, pdf, owner=file_owner(job.id))
    if notify:
        mail_receipt(application, submission)


def _language_of(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def render_receipt(application: Application, snapshot: dict, digest: str) -> bytes:
    return render_pdf("applications/receipt_pdf.html", application=application,
                      call=application.call, snapshot=snapshot, digest=digest,
                      submitted_at=datetime.fromisoformat(snapshot["submitted_at"]))


def mail_receipt(application: Application, submission: Submission) -> None:
    link = public_url("applications.receipt", application_id=application.id,
                      submission_id=submission.id)
    coordinator = application.coordinator
    recipient = coordinator.contact_user if coordinator and coordinator.contact_user \
        else submission.submitted_by
    # In the language the recipient chose (this may run in a job, outside any request).
    with force_locale(_language_of(recipient)):
        subject = _("Receipt: %(acronym)s submitted to %(reference)s",
                    acronym=application.acronym, reference=application.call.reference)
        body = _("Hello,\n\nthe application %(acronym)s — %(title)s was submitted (submission "
                 "%(number)s) on %(submitted_at)s UTC.\nSHA-256 of the submitted data: "
                 "%(sha256)s\n\nDownload the receipt (PDF):\n%(link)s\n\nYou may resubmit "
                 "until the deadline; the last submission before it counts.\n",
                 acronym=application.acronym, title=application.title,
                 number=submission.number,
                 submitted_at=submission.submitted_at.strftime("%Y-%m-%d %H:%M:%S"),
                 sha256=submission.snapshot_sha256, link=link)
    send_mail(recipient.email, subject, body)
