"""Submitting: the deadline guard, one Submission per submit, its receipt job, withdrawing."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import User
from app.applications.models import Application, ApplicationStatus, Submission
from app.applications.rules.submission import deadline_passed, snapshot_sha256
from app.applications.services.applications import (
    EDITABLE_STATUSES,
    STALE_MESSAGE,
    check_version,
    get_application,
    get_viewable_application,
    require_coordinator,
    save_changes,
)
from app.applications.services.checklist import Checklist, build_checklist
from app.applications.services.receipts import prepare_after_commit, receipt_in_preparation
from app.applications.services.snapshot import build_snapshot
from app.calls.rules.lifecycle import CallStatus
from app.calls.services.calls import mark_submitted
from app.core import audit, storage
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.core.i18n import translate
from app.core.jobs import Job

MAX_KEY_LENGTH = 64


class SubmitRefused(DomainError):
    """The application may not be submitted yet; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__(_("The application cannot be submitted yet: %(problems)s",
                           problems=" ".join(translate(problem) for problem in problems)))
        self.problems = problems


def find_submission_by_key(idempotency_key: str) -> Submission | None:
    return db.session.scalar(select(Submission).where(
        Submission.idempotency_key == idempotency_key))


def _check_deadline(application: Application, now: datetime) -> None:
    call = application.call
    if call.status != CallStatus.PUBLISHED or now < call.opens_at:
        raise DomainError(_("This call is not open for submissions."))
    if deadline_passed(call.closes_at, now):
        raise DomainError(_("The deadline passed at %(deadline)s UTC: the call no longer "
                            "accepts submissions.",
                            deadline=call.closes_at.strftime("%Y-%m-%d %H:%M:%S")))


def submit_application(application_id: int, *, by: User, idempotency_key: str,
                       expected_version, received_at: datetime | None = None) -> Submission:
    """Submit (or resubmit); a repeated key returns the submission it already made.

    The submission is timed by the server's clock when the request arrived (`received_at`,
    stamped before any work: core/arrival.py), never by what the page showed; it is judged
    against the deadline on that time, however long the request then waited for a worker.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError(_("The form is incomplete: reload the page and submit again."))
    existing = find_submission_by_key(key)
    if existing is not None:
        application = get_application(application_id, by=by)
        if existing.application_id != application.id:
            raise Conflict(_("Reload the page and submit again."))
        return existing
    application = get_application(application_id, by=by)
    require_coordinator(application, by)
    now = min(received_at, utcnow()) if received_at else utcnow()
    _check_deadline(application, now)
    if application.status not in EDITABLE_STATUSES:
        raise DomainError(_("This application is being evaluated and cannot be resubmitted."))
    check_version(application, expected_version)
    checklist = build_checklist(application, store=True)
    if checklist.blockers:
        raise SubmitRefused(checklist.blockers)
    return record_submission(application, by=by, at=now, idempotency_key=key,
                             checklist=checklist)


def record_submission(application: Application, *, by: User, at: datetime,
                      idempotency_key: str, checklist: Checklist | None = None,
                      notify: bool = True) -> Submission:
    """Freeze the application as Submission n+1 (no deadline check here).

    Only validation, the snapshot and the rows happen here; the receipt PDF and its e-mail
    are a job that starts after the commit (services/receipts.py). The receipt's storage key
    is chosen now, so the immutable row names the file the job will write.
    """
    with db.session.no_autoflush:
        checklist = checklist or build_checklist(application, store=True)
        number = max((s.number for s in application.submissions), default=0) + 1
        snapshot = build_snapshot(application, number=number, at=at, checklist=checklist)
        digest = snapshot_sha256(snapshot)
        receipt_key = storage.new_key(f"receipts/{application.id}", ".pdf")
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = at
    application.receipt_hash = digest
    application.updated_at = utcnow()
    submission = Submission(application=application, number=number, snapshot=snapshot,
                            snapshot_sha256=digest, submitted_at=at, submitted_by_id=by.id,
                            idempotency_key=idempotency_key, receipt_path=receipt_key,
                            requested_amount=checklist.budget.requested)
    db.session.add(submission)
    try:
        # The version check: of two concurrent submits, the second stops here.
        db.session.flush()
    except StaleDataError:
        raise Conflict(str(STALE_MESSAGE)) from None
    except IntegrityError:
        raise Conflict(_("This application was submitted by another request just now.")) from None
    mark_submitted(application.call, at)
    audit.record(by, "application.submitted", application,
                 {"number": number, "sha256": digest, "submission": submission.id})
    prepare_after_commit(submission, by=by, notify=notify)
    return submission


def withdraw_application(application_id: int, *, by: User, expected_version) -> Application:
    application = get_application(application_id, by=by)
    require_coordinator(application, by)
    if deadline_passed(application.call.closes_at, utcnow()):
        raise DomainError(_("After the deadline an application can no longer be withdrawn."))
    if application.status != ApplicationStatus.SUBMITTED:
        raise DomainError(_("Only a submitted application can be withdrawn."))
    check_version(application, expected_version)
    application.status = ApplicationStatus.WITHDRAWN
    save_changes(application)
    audit.record(by, "application.withdrawn", application,
                 {"last_submission": max((s.number for s in application.submissions),
                                         default=None)})
    return application


def _viewable_submission(application_id: int, submission_id: int, *, by: User) -> Submission:
    application = get_viewable_application(application_id, by=by)
    submission = next((s for s in application.submissions if s.id == submission_id), None)
    if submission is None or not submission.receipt_path:
        raise NotFound(_("There is no such receipt."))
    return submission


def receipt_for_download(application_id: int, submission_id: int, *,
                         by: User) -> tuple[Submission, bytes | None]:
    """A receipt for consortium members and the call's officers; 404 for anyone else.

    The bytes are None until the receipt job has written the file (or when it is missing:
    restored without files); latest_receipt_job() then says whether it is being prepared.
    """
    submission = _viewable_submission(application_id, submission_id, by=by)
    if not storage.exists(submission.receipt_path):
        return submission, None
    return submission, storage.read(submission.receipt_path)


def prepare_receipt_again(application_id: int, submission_id: int, *, by: User) -> Job:
    """A new receipt job for a receipt whose job failed or whose file is missing."""
    submission = _viewable_submission(application_id, submission_id, by=by)
    if storage.exists(submission.receipt_path):
        raise Conflict(_("The receipt is ready: download it."))
    if receipt_in_preparation(submission):
        raise Conflict(_("The receipt is being prepared already."))
    job = prepare_after_commit(submission, by=by, notify=False)
    audit.record(by, "application.receipt_prepared_again", submission.application,
                 {"submission": submission.id})
    return job
