"""Individual evaluation: what an expert may read, the review draft and its submission."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.applications.models import Attachment
from app.core import audit, storage
from app.core.database import utcnow
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.extensions import db
from app.evaluation.models import Assignment, AssignmentStatus, Review, ReviewStatus
from app.evaluation.rules.scoring import AwardCriteria
from app.evaluation.services import calls as services
from app.evaluation.services.assignment import get_own_assignment


@dataclass(frozen=True)
class ProposalView:
    """What the expert sees: before the declaration only the cover (acronym, title, who)."""

    assignment: Assignment
    criteria: AwardCriteria
    acronym: str
    title: str
    participants: list[dict]
    snapshot: dict | None  # None until the expert has declared no conflict
    review: Review | None
    submission_id: int
    snapshot_sha256: str

    @property
    def declared(self) -> bool:
        return self.snapshot is not None


def _cover_participants(snapshot: dict) -> list[dict]:
    return [{"role": p.get("role"), "name": (p.get("organisation") or {}).get("name"),
             "country": (p.get("organisation") or {}).get("country")}
            for p in snapshot.get("participants", [])]


def _load_assignment_for_page(assignment_id: int) -> Assignment | None:
    """The assignment with its proposal, call and review in one SELECT. The caller keeps the
    result while it checks access (the session holds objects weakly), so that
    get_own_assignment and the page find them loaded instead of running four more."""
    return db.session.scalar(select(Assignment).where(Assignment.id == assignment_id).options(
        joinedload(Assignment.application), joinedload(Assignment.call),
        joinedload(Assignment.review)))


def proposal_for_expert(assignment_id: int, *, by: User) -> ProposalView:
    loaded = _load_assignment_for_page(assignment_id)  # noqa: F841 (kept: see above)
    row = get_own_assignment(assignment_id, by=by)
    submission = services.counted_submission(row.application)
    snapshot = submission.snapshot
    application = snapshot.get("application", {})
    return ProposalView(
        assignment=row, criteria=services.criteria_of(row.call),
        acronym=application.get("acronym", row.application.acronym),
        title=application.get("title", row.application.title),
        participants=_cover_participants(snapshot),
        snapshot=snapshot if row.status == AssignmentStatus.ACCEPTED else None,
        review=row.review, submission_id=submission.id,
        snapshot_sha256=submission.snapshot_sha256)


def _accepted_assignment(assignment_id: int, by: User) -> Assignment:
    row = get_own_assignment(assignment_id, by=by)
    if row.status != AssignmentStatus.ACCEPTED:
        raise Forbidden(_("Declare that you have no conflict of interest before reading it."))
    return row


def save_review(assignment_id: int, *, by: User, scores: dict[str, str | None],
                comments: dict[str, str], submit: bool) -> Review:
    """Save the draft, or submit it (every score and long-enough comment); then read-only."""
    row = _accepted_assignment(assignment_id, by)
    services.require_under_evaluation(row.call)
    review = row.review
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        raise Conflict(_("You have submitted this review; it can no longer change."))
    criteria = services.criteria_of(row.call)
    checked_scores, checked_comments = services.read_scores(
        criteria.expert_criteria, scores, comments, complete=submit,
        min_comment=criteria.min_comment_length)
    if review is None:
        review = Review(assignment=row, status=ReviewStatus.DRAFT)
        db.session.add(review)
    review.scores, review.comments = checked_scores, checked_comments
    if submit:
        review.status, review.submitted_at = ReviewStatus.SUBMITTED, utcnow()
    db.session.flush()
    audit.record(by, "evaluation.review_submitted" if submit else "evaluation.review_saved",
                 review, {"scores": checked_scores})
    return review


def attachment_for_expert(assignment_id: int, attachment_id: int, *, by: User
                          ) -> tuple[Attachment, bytes]:
    """An attachment of the counted submission, for an assigned expert free of conflict."""
    try:
        row = _accepted_assignment(assignment_id, by)
    except Forbidden:
        raise NotFound(_("This file is not available to you.")) from None
    submission = services.counted_submission(row.application)
    listed = {item.get("id") for item in submission.snapshot.get("attachments", [])}
    attachment = db.session.scalar(select(Attachment).where(
        Attachment.id == attachment_id, Attachment.application_id == row.application_id))
    if attachment is None or attachment.id not in listed or not storage.exists(
            attachment.storage_key):
        raise NotFound(_("This file is not part of the submitted proposal."))
    return attachment, storage.read(attachment.storage_key)
