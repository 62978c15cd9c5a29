"""Demo evaluation of the closed call: experts, declarations, reviews and approved consensus."""

from decimal import Decimal

from sqlalchemy import select

from app.accounts.models import Invitation, Role, User
from app.applications.models import ApplicationStatus
from app.calls.models import Call
from app.calls.rules.lifecycle import CallAction, CallStatus
from app.core.database import utcnow
from app.core.extensions import db
from app.evaluation.models import ConsensusStatus, ReviewStatus
from app.evaluation.rules.scoring import plain
from app.evaluation.services import calls as services
from app.evaluation.services.assignment import assign_call, declare, list_team
from app.evaluation.services.consensus import approve_consensus, consensus_view, save_consensus
from app.evaluation.services.profiles import profile_for
from app.evaluation.services.reviews import save_review

DEMO_CALL = "CADSES-ICT-2026-09"
OFFICER = "officer@demo.opencall.eu"
# Each expert's country and Frascati fields (the demo call is about web content for tourism).
EXPERTS = {
    "expert@demo.opencall.eu": ("IT", ["1.2", "5.2"]),
    "expert2@demo.opencall.eu": ("DE", ["1.2", "2.2"]),
    "expert3@demo.opencall.eu": ("SI", ["5.2", "5.8"]),
}
# Consensus targets (excellence, impact, implementation), by proposal in id order: the 2nd and
# 3rd tie on 12.5 and are separated by a tie-break rule; the 5th fails the Impact threshold.
TARGETS = (
    ("5", "4.5", "4.5"),
    ("4.5", "4", "4"),
    ("4", "4.5", "4"),
    ("3.5", "3.5", "3.5"),
    ("3", "2.5", "3"),
    ("4", "3.5", "3"),
)
COMMENTS = {
    "excellence": "Clear objectives and a credible, interdisciplinary approach.",
    "impact": "Convincing path to uptake by tourism firms; measurable indicators.",
    "implementation": "Work plan and resources are coherent; risks are identified.",
}


def _users(emails) -> dict[str, User]:
    rows = db.session.scalars(select(User).where(User.email.in_(list(emails))))
    return {user.email: user for user in rows}


def _prepare_experts(call: Call, experts: dict[str, User], officer: User) -> None:
    for email, (country, fields) in EXPERTS.items():
        profile = profile_for(experts[email])
        if not profile.fields_of_science:
            profile.country, profile.fields_of_science = country, fields
            profile.keywords = "web content management, tourism, SMEs"
        invited = db.session.scalar(select(Invitation.id).where(
            Invitation.email == email, Invitation.funder_id == call.funder_id))
        if invited is None:
            db.session.add(Invitation(email=email, role=Role.evaluator, funder_id=call.funder_id,
                                      invited_by_id=officer.id, accepted_at=utcnow()))
    db.session.flush()


def _expert_scores(target: tuple[str, ...], expert_number: int, proposal_number: int) -> dict:
    scores = dict(zip(("excellence", "impact", "implementation"), target, strict=True))
    if expert_number == 2 and proposal_number == 0:
        scores["excellence"] = "2.5"  # far from the others: the consensus page flags it
    elif expert_number == 2 and scores["implementation"] != "0":
        scores["implementation"] = str(Decimal(scores["implementation"]) - Decimal("0.5"))
    return scores


def _review(call: Call, application, number: int, officer: User) -> None:
    team = sorted(list_team(application.id),
                  key=lambda row: list(EXPERTS).index(row.expert.email)
                  if row.expert.email in EXPERTS else len(EXPERTS))
    target = TARGETS[number % len(TARGETS)]
    for expert_number, row in enumerate(team):
        if row.status == "assigned":
            declare(row.id, by=row.expert, has_conflict=False)
        if row.review is None or row.review.status != ReviewStatus.SUBMITTED:
            save_review(
                row.id, by=row.expert, submit=True,
                scores=_expert_scores(target, expert_number, number), comments=COMMENTS)
    rapporteur = next(row.expert for row in team if row.is_rapporteur)
    view = consensus_view(application.id, by=rapporteur)
    if view.consensus is None or view.consensus.status == ConsensusStatus.DRAFT:
        minority = ("One expert scored Excellence much lower, doubting the novelty of the "
                    "approach." if view.proposal.dispersed_criteria else "")
        save_consensus(
            application.id, by=rapporteur, submit=True, minority_views=minority,
            scores={code: plain(value) for code, value in view.proposal.scores.items()},
            comments=COMMENTS)
        view = consensus_view(application.id, by=rapporteur)
    if view.consensus.status == ConsensusStatus.SUBMITTED:
        approve_consensus(application.id, by=officer)


def seed_evaluation() -> Call | None:
    """Evaluate the submitted proposals of the closed demo call, up to approved consensus.

    Works from whatever submitted applications exist on the call (none: nothing to do);
    running it again changes nothing. Results are left for the officer to publish.
    """
    call = db.session.scalar(select(Call).where(Call.reference == DEMO_CALL))
    people = _users([OFFICER, *EXPERTS])
    if call is None or len(people) < 1 + len(EXPERTS):
        return None
    if call.status not in (CallStatus.PUBLISHED, CallStatus.UNDER_EVALUATION):
        return call
    officer = people[OFFICER]
    submitted = services.counted_submissions(call)
    applications = [a for a in services.evaluated_applications(
        call, (ApplicationStatus.SUBMITTED, *services.EVALUATED_STATUSES)) if a.id in submitted]
    if not applications:
        return None
    for application in applications:
        if application.status == ApplicationStatus.SUBMITTED:
            application.status = ApplicationStatus.ELIGIBLE
            application.eligibility_decided_by_id = officer.id
            application.eligibility_decision_reason = "Demo: every eligibility check passed."
    if call.status == CallStatus.PUBLISHED:
        services.change_call_status(call, CallAction.START_EVALUATION, by=officer)
    _prepare_experts(call, people, officer)
    assign_call(call, by=officer, notify=False)
    for number, application in enumerate(sorted(applications, key=lambda a: a.id)):
        _review(call, application, number, officer)
    db.session.commit()
    return call
