"""Submitting: the deadline guard, one Submission per submit, the receipt PDF, withdrawing."""

from datetime import datetime

from flask import url_for
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
from app.applications.services.snapshot import build_snapshot
from app.calls.rules.lifecycle import CallStatus
from app.calls.services.calls import mark_submitted
from app.core import audit, storage
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.core.mail import send_mail
from app.core.pdf import render_pdf

MAX_KEY_LENGTH = 64


class SubmitRefused(DomainError):
    """The application may not be submitted yet; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("The application cannot be submitted yet: " + " ".join(problems))
        self.problems = problems


def find_submission_by_key(idempotency_key: str) -> Submission | None:
    return db.session.scalar(select(Submission).where(
        Submission.idempotency_key == idempotency_key))


def _check_deadline(application: Application, now: datetime) -> None:
    call = application.call
    if call.status != CallStatus.PUBLISHED or now < call.opens_at:
        raise DomainError("This call is not open for submissions.")
    if deadline_passed(call.closes_at, now):
        raise DomainError(f"The deadline passed at {call.closes_at:%Y-%m-%d %H:%M:%S} UTC: "
                          "the call no longer accepts submissions.")


def submit_application(application_id: int, *, by: User, idempotency_key: str,
                       expected_version) -> Submission:
    """Submit (or resubmit) now; a repeated key returns the submission it already made.

    The clock is read here, on the server: what the page showed does not matter.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError("The form is incomplete: reload the page and submit again.")
    existing = find_submission_by_key(key)
    if existing is not None:
        application = get_application(application_id, by=by)
        if existing.application_id != application.id:
            raise Conflict("Reload the page and submit again.")
        return existing
    application = get_application(application_id, by=by)
    require_coordinator(application, by)
    now = utcnow()
    _check_deadline(application, now)
    if application.status not in EDITABLE_STATUSES:
        raise DomainError("This application is being evaluated and cannot be resubmitted.")
    check_version(application, expected_version)
    checklist = build_checklist(application, store=True)
    if checklist.blockers:
        raise SubmitRefused(checklist.blockers)
    return record_submission(application, by=by, at=now, idempotency_key=key,
                             checklist=checklist)


def record_submission(application: Application, *, by: User, at: datetime,
                      idempotency_key: str, checklist: Checklist | None = None,
                      notify: bool = True) -> Submission:
    """Freeze the application as Submission n+1 with its receipt (no deadline check here).

    Nothing is written until the receipt PDF is stored: rendering takes seconds, and on
    SQLite the first write takes the database's only write lock until the commit.
    """
    with db.session.no_autoflush:
        checklist = checklist or build_checklist(application, store=True)
        number = max((s.number for s in application.submissions), default=0) + 1
        snapshot = build_snapshot(application, number=number, at=at, checklist=checklist)
        digest = snapshot_sha256(snapshot)
        receipt_key = storage.new_key(f"receipts/{application.id}", ".pdf")
        storage.save(receipt_key, render_receipt(application, snapshot, digest))
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
        _discard(receipt_key)
        raise Conflict(STALE_MESSAGE) from None
    except IntegrityError:
        _discard(receipt_key)
        raise Conflict("This application was submitted by another request just now.") from None
    mark_submitted(application.call, at)
    audit.record(by, "application.submitted", application,
                 {"number": number, "sha256": digest, "submission": submission.id})
    if notify:
        _mail_receipt(application, submission, by)
    return submission


def _discard(receipt_key: str) -> None:
    """The receipt of a submission that lost a race belongs to no row: do not keep it."""
    storage.path_for(receipt_key).unlink(missing_ok=True)


def render_receipt(application: Application, snapshot: dict, digest: str) -> bytes:
    return render_pdf("applications/receipt_pdf.html", application=application,
                      call=application.call, snapshot=snapshot, digest=digest,
                      submitted_at=datetime.fromisoformat(snapshot["submitted_at"]))


def _mail_receipt(application: Application, submission: Submission, by: User) -> None:
    link = url_for("applications.receipt", application_id=application.id,
                   submission_id=submission.id, _external=True)
    coordinator = application.coordinator
    recipient = coordinator.contact_user.email if coordinator and coordinator.contact_user \
        else by.email
    subject = f"Receipt: {application.acronym} submitted to {application.call.reference}"
    send_mail(recipient, subject,
              f"Hello,\n\nthe application {application.acronym} — {application.title} was "
              f"submitted (submission {submission.number}) on "
              f"{submission.submitted_at:%Y-%m-%d %H:%M:%S} UTC.\n"
              f"SHA-256 of the submitted data: {submission.snapshot_sha256}\n\n"
              f"Download the receipt (PDF):\n{link}\n\n"
              "You may resubmit until the deadline; the last submission before it counts.\n")


def withdraw_application(application_id: int, *, by: User, expected_version) -> Application:
    application = get_application(application_id, by=by)
    require_coordinator(application, by)
    if deadline_passed(application.call.closes_at, utcnow()):
        raise DomainError("After the deadline an application can no longer be withdrawn.")
    if application.status != ApplicationStatus.SUBMITTED:
        raise DomainError("Only a submitted application can be withdrawn.")
    check_version(application, expected_version)
    application.status = ApplicationStatus.WITHDRAWN
    save_changes(application)
    audit.record(by, "application.withdrawn", application,
                 {"last_submission": max((s.number for s in application.submissions),
                                         default=None)})
    return application


def receipt_for_download(application_id: int, submission_id: int, *,
                         by: User) -> tuple[Submission, bytes]:
    """A receipt for consortium members and the call's officers; 404 for anyone else."""
    application = get_viewable_application(application_id, by=by)
    submission = next((s for s in application.submissions if s.id == submission_id), None)
    if submission is None or not submission.receipt_path:
        raise NotFound("There is no such receipt.")
    return submission, storage.read(submission.receipt_path)

