"""Consensus: the rapporteur reads all reviews once they are in and writes; the officer approves."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from app.accounts.models import Role, User
from app.applications.models import Application
from app.calls.rules.lifecycle import CallStatus
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.evaluation.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    Consensus,
    ConsensusStatus,
    Review,
    ReviewStatus,
)
from app.evaluation.rules.minority import MIN_MINORITY_VIEWS, minority_views_refusal
from app.evaluation.rules.scoring import AwardCriteria, ConsensusProposal, consensus_proposal
from app.evaluation.services import calls as services


@dataclass(frozen=True)
class ReviewColumn:
    label: str  # "Expert 2" for experts; the name for officers
    is_rapporteur: bool
    status: str  # awaiting declaration, draft, submitted…
    scores: dict
    comments: dict


@dataclass(frozen=True)
class ConsensusView:
    application: Application
    criteria: AwardCriteria
    as_officer: bool
    is_rapporteur: bool
    reviews: list[ReviewColumn]
    all_in: bool
    proposal: ConsensusProposal | None
    consensus: Consensus | None

    @property
    def editable(self) -> bool:
        open_call = self.application.call.status == CallStatus.UNDER_EVALUATION
        draft = self.consensus is None or self.consensus.status == ConsensusStatus.DRAFT
        return self.is_rapporteur and self.all_in and open_call and draft


def _all_in(team: list[Assignment]) -> bool:
    return bool(team) and all(
        r.review is not None and r.review.status == ReviewStatus.SUBMITTED for r in team)


def _status(row: Assignment) -> str:
    if row.status == "assigned":
        return _("awaiting declaration")
    if row.review is None:
        return _("not started")
    return _("submitted") if row.review.status == ReviewStatus.SUBMITTED else _("draft")


def _application_and_consensus(application_id: int) -> tuple[Application, Consensus | None]:
    """The proposal with its call, and its consensus report if any: one SELECT."""
    row = db.session.execute(
        select(Application, Consensus)
        .outerjoin(Consensus, Consensus.application_id == Application.id)
        .where(Application.id == application_id)
        .options(joinedload(Application.call))).first()
    if row is None:
        raise NotFound(_("This proposal does not exist."))
    return row[0], row[1]


def _team(application_id: int) -> list[tuple[Assignment, str]]:
    """The proposal's active assignments with their reviews, and each expert's name: one
    SELECT (the experts' whole rows and roles are not needed here)."""
    return [(row, name) for row, name in db.session.execute(
        select(Assignment, User.name)
        .join(User, User.id == Assignment.expert_id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Assignment.application_id == application_id,
               Assignment.status.in_(ACTIVE_ASSIGNMENT))
        .options(contains_eager(Assignment.review))
        .order_by(Assignment.id))]


def consensus_view(application_id: int, *, by: User) -> ConsensusView:
    """For the proposal's rapporteur or the call's officer; nobody else may know of it."""
    application, consensus = _application_and_consensus(application_id)
    named_team = _team(application_id)
    team = [row for row, _name in named_team]
    as_officer = by.is_staff_of(application.call.funder_id, Role.programme_officer)
    is_rapporteur = any(r.expert_id == by.id and r.is_rapporteur for r in team)
    if not (as_officer or is_rapporteur):
        raise NotFound(_("This consensus is not yours to see."))
    criteria = services.criteria_of(application.call)
    all_in = _all_in(team)
    # The rapporteur sees the others' reports only once all are in, and never their names.
    columns = []
    if as_officer or all_in:
        for number, (row, expert_name) in enumerate(named_team, start=1):
            label = expert_name if as_officer else (
                _("Expert %(number)s (you)", number=number) if row.expert_id == by.id
                else _("Expert %(number)s", number=number))
            review = row.review
            submitted = review is not None and review.status == ReviewStatus.SUBMITTED
            columns.append(ReviewColumn(
                label=label, is_rapporteur=row.is_rapporteur, status=_status(row),
                scores=review.scores if submitted else {},
                comments=review.comments if submitted else {}))
    proposal = None
    if all_in:
        proposal = consensus_proposal(criteria, [
            {code: Decimal(value) for code, value in r.review.scores.items()} for r in team])
    return ConsensusView(application=application, criteria=criteria, as_officer=as_officer,
                         is_rapporteur=is_rapporteur, reviews=columns, all_in=all_in,
                         proposal=proposal, consensus=consensus)


def save_consensus(application_id: int, *, by: User, scores: dict[str, str | None],
                   comments: dict[str, str], minority_views: str, submit: bool) -> Consensus:
    view = consensus_view(application_id, by=by)
    if not view.is_rapporteur:
        raise NotFound(_("Only the rapporteur writes the consensus report."))
    services.require_under_evaluation(view.application.call)
    if not view.all_in:
        raise Conflict(_("The consensus can be written once every expert has submitted a review."))
    consensus = view.consensus
    if consensus is not None and consensus.status != ConsensusStatus.DRAFT:
        raise Conflict(_("The consensus report has been submitted; the officer can return it."))
    checked_scores, checked_comments = services.read_scores(
        view.criteria.expert_criteria, scores, comments, complete=submit,
        min_comment=view.criteria.min_comment_length)
    labels = dispersed_labels(view) if submit else []
    if minority_views_refusal(labels, minority_views or ""):
        # The rule's reason, in the user's language.
        raise DomainError(ngettext(
            "The experts disagreed on the criterion %(criteria)s: record the minority views "
            "(at least %(minimum)s characters) before submitting.",
            "The experts disagreed on the criteria %(criteria)s: record the minority views "
            "(at least %(minimum)s characters) before submitting.",
            len(labels), criteria=", ".join(labels), minimum=MIN_MINORITY_VIEWS),
            field="minority_views")
    if consensus is None:
        consensus = Consensus(application_id=application_id,
                              call_id=view.application.call_id, status=ConsensusStatus.DRAFT)
        db.session.add(consensus)
    consensus.rapporteur_id = by.id
    consensus.scores, consensus.comments = checked_scores, checked_comments
    consensus.minority_views = (minority_views or "").strip()
    consensus.proposal = view.proposal.to_dict()
    if submit:
        consensus.status, consensus.submitted_at = ConsensusStatus.SUBMITTED, utcnow()
    db.session.flush()
    action = "evaluation.consensus_submitted" if submit else "evaluation.consensus_saved"
    audit.record(by, action, consensus, {"scores": checked_scores})
    return consensus


def dispersed_labels(view: ConsensusView) -> list[str]:
    """The labels of the criteria on which the experts' scores are flagged as dispersed."""
    if view.proposal is None:
        return []
    labels = {criterion.code: criterion.label for criterion in view.criteria.expert_criteria}
    return [labels[code] for code in view.proposal.dispersed_criteria]


def _submitted_consensus(application_id: int, by: User) -> Consensus:
    view = consensus_view(application_id, by=by)
    if not view.as_officer:
        raise NotFound(_("Only the call's officer decides on the consensus."))
    services.require_under_evaluation(view.application.call)
    if view.consensus is None or view.consensus.status != ConsensusStatus.SUBMITTED:
        raise Conflict(_("There is no submitted consensus report to decide on."))
    return view.consensus


def approve_consensus(application_id: int, *, by: User) -> Consensus:
    consensus = _submitted_consensus(application_id, by)
    consensus.status = ConsensusStatus.APPROVED
    consensus.approved_by_id, consensus.approved_at = by.id, utcnow()
    audit.record(by, "evaluation.consensus_approved", consensus)
    db.session.flush()
    return consensus


def return_consensus(application_id: int, *, by: User) -> Consensus:
    consensus = _submitted_consensus(application_id, by)
    consensus.status = ConsensusStatus.DRAFT
    audit.record(by, "evaluation.consensus_returned", consensus)
    db.session.flush()
    return consensus
