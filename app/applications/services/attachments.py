"""The call's required documents: PDF uploads checked by content, kept outside static/."""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.applications.models import Application, Attachment
from app.applications.rules.submission import MEGABYTE, attachment_problem, safe_filename
from app.applications.services.applications import (
    check_version,
    get_application,
    get_viewable_application,
    membership,
    require_editable,
    save_changes,
    submitted_attachment_ids,
)
from app.core import audit, storage
from app.core.database import utcnow
from app.core.errors import DomainError, NotFound
from app.core.extensions import db
from app.core.i18n import translate
from app.core.uploads import bytes_uploaded_by, pdf_problem, quota_problem

DEFAULT_MAX_BYTES = 10 * MEGABYTE


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def required_documents(application: Application) -> list[dict]:
    """The call's list, each with the current upload of that kind (or None)."""
    current = {a.kind: a for a in application.current_attachments}
    return [{**item, "mandatory": item.get("mandatory", True),
             "attachment": current.get(item["code"])}
            for item in application.call.required_attachments or []]


def upload_attachment(application_id: int, *, by: User, kind: str, filename: str | None,
                      data: bytes, expected_version) -> Attachment:
    """Store a new file of `kind`; an earlier file of that kind is kept but superseded."""
    application = get_application(application_id, by=by)
    require_editable(application)
    kinds = {item["code"] for item in application.call.required_attachments or []}
    if kind not in kinds:
        raise DomainError(_("Choose one of the documents the call asks for."), field="kind")
    problem = attachment_problem(data, max_bytes=max_bytes()) or pdf_problem(data)
    if problem:
        raise DomainError(translate(problem), field="file")
    check_version(application, expected_version)
    check_quotas(application, by=by, size=len(data))
    now = utcnow()
    for old in application.current_attachments:
        if old.kind == kind:
            old.superseded_at = now
    key = storage.new_key(f"applications/{application.id}", ".pdf")
    digest = storage.save(key, data)
    attachment = Attachment(kind=kind, filename=safe_filename(filename), size=len(data),
                            sha256=digest, storage_key=key, uploaded_by_id=by.id,
                            uploaded_at=now)
    application.attachments.append(attachment)
    save_changes(application)
    audit.record(by, "application.attachment_uploaded", application,
                 {"kind": kind, "sha256": digest, "size": len(data)})
    return attachment


def check_quotas(application: Application, *, by: User, size: int) -> None:
    """Refuse a file that would take the application or the uploader over their quota.

    The application's own uploads are serialised by its version check; the user's row is
    locked so that two uploads of one user to different applications count each other.
    """
    config = current_app.config
    used = db.session.scalar(select(func.coalesce(func.sum(Attachment.size), 0))
                             .where(Attachment.application_id == application.id))
    problem = quota_problem(used=used, adding=size, whose="An application",
                            quota=config["APPLICATION_FILES_QUOTA_BYTES"])
    if not problem:
        # FOR NO KEY UPDATE: rows that merely reference the user (audit events) still go in.
        db.session.execute(select(User.id).where(User.id == by.id)
                           .with_for_update(key_share=True))
        problem = quota_problem(used=bytes_uploaded_by(by.id), adding=size, whose="One user",
                                quota=config["USER_FILES_QUOTA_BYTES"])
    if problem:
        raise DomainError(problem, field="file")


def attachment_for_download(application_id: int, attachment_id: int, *,
                            by: User) -> tuple[Attachment, bytes]:
    """The file for consortium members, and for the call's officers if it was submitted.

    Officers may not read drafts: a file uploaded but never part of a submission is
    404 for them, like a file of another application.
    """
    application = get_viewable_application(application_id, by=by)
    attachment = next((a for a in application.attachments if a.id == attachment_id), None)
    if attachment is None or (membership(application, by) is None
                              and attachment.id not in submitted_attachment_ids(application)):
        raise NotFound(_("There is no such document."))
    return attachment, storage.read(attachment.storage_key)
