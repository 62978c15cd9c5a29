"""Publishing results: freeze the ranking, set outcomes, tell coordinators; applicants' view."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.applications.models import (
    Application,
    ApplicationStatus,
    Participant,
    ParticipantRole,
)
from app.calls.models import Call
from app.calls.rules.lifecycle import CallAction, CallStatus
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.core.links import public_url
from app.core.mail import send_mail
from app.core.pdf import render_pdf
from app.evaluation.models import Consensus, Ranking
from app.evaluation.rules.funding import FundingOutcome
from app.evaluation.rules.scoring import AwardCriteria, plain
from app.evaluation.services import calls as services
from app.evaluation.services.ranking import RankingResult, compute_ranking

OUTCOME_STATUS = {
    FundingOutcome.FUNDED: ApplicationStatus.FUNDED,
    FundingOutcome.RESERVE: ApplicationStatus.RESERVE,
    FundingOutcome.REJECTED: ApplicationStatus.REJECTED,
}
OUTCOME_SENTENCES = {
    "funded": _l("Your proposal is above the funding line: it is selected for funding."),
    "reserve": _l("Your proposal passed the thresholds but is below the funding line: it is on "
                  "the reserve list and may be funded if money becomes available."),
    "rejected": _l("Your proposal did not reach every threshold: it is not ranked and will not "
                   "be funded."),
    "ineligible": _l("Your proposal was found ineligible and was not evaluated."),
}


def ranking_entries(result: RankingResult) -> list[dict]:
    entries = []
    for row in result.rows:
        entry, decision = row.entry, row.decision
        entries.append({
            "application_id": row.application.id, "acronym": row.application.acronym,
            "title": row.application.title, "position": entry.position,
            "weighted_total": plain(entry.weighted_total),
            "quality_total": plain(row.thresholds.total), "passed": row.thresholds.passed,
            "failed_criteria": list(row.thresholds.failed_criteria),
            "scores": {code: plain(value) for code, value in row.scores.items()},
            "trail": entry.trail, "reason": entry.reason, "tried": list(entry.tried),
            "unresolved_tie": entry.unresolved_tie, "outcome": str(decision.outcome),
            "requested": str(decision.requested), "awarded": str(decision.awarded),
            "reserve_rank": decision.reserve_rank,
            "panel_reason": row.panel.reason if row.panel else None,
            "dispersed": list(row.dispersed),
        })
    for application in result.ineligible:
        entries.append({"application_id": application.id, "acronym": application.acronym,
                        "title": application.title, "position": None, "outcome": "ineligible",
                        "scores": {}, "trail": "ineligible",
                        "reason": "Ineligible: not evaluated."})
    return entries


def publish_results(call_id: int, *, by: User, confirmed: bool) -> Ranking:
    """Freeze the ranking, give each proposal its outcome, publish and tell the coordinators."""
    call = services.get_officer_call(call_id, by=by)
    if not confirmed:
        raise DomainError(_("Tick the box to confirm: published results cannot be changed."),
                          field="confirm")
    result = compute_ranking(call)
    blockers = result.blockers()
    if blockers:
        raise Conflict(" ".join(blockers))
    services.change_call_status(call, CallAction.PUBLISH_RESULTS, by=by)
    ranking = Ranking(call_id=call.id, entries=ranking_entries(result), published_by_id=by.id,
                      published_at=utcnow(), summary={
                          "currency": call.currency, "budget": str(result.line.budget),
                          "funded_total": str(result.line.funded_total),
                          "remaining": str(result.line.remaining),
                          "last_funded_position": result.last_funded_position,
                          "ranked": sum(1 for row in result.rows if row.entry.position),
                          "award_criteria": call.award_criteria})
    db.session.add(ranking)
    for row in result.rows:
        row.application.status = OUTCOME_STATUS[row.decision.outcome]
    db.session.flush()
    audit.record(by, "evaluation.results_published", call, {
        "funded": list(result.line.funded_keys), "reserve": list(result.line.reserve_keys),
        "funded_total": str(result.line.funded_total)})
    _tell_coordinators(call, [row.application for row in result.rows])
    return ranking


def _coordinator_user(application: Application) -> User:
    coordinator = next((p for p in application.participants
                        if p.role == ParticipantRole.COORDINATOR and p.contact_user), None)
    return coordinator.contact_user if coordinator else application.created_by


def _tell_coordinators(call: Call, applications: list[Application]) -> None:
    ids = [a.id for a in applications]
    loaded = db.session.scalars(select(Application).where(Application.id.in_(ids)).options(
        selectinload(Application.participants).selectinload(Participant.contact_user),
        selectinload(Application.created_by)))
    for application in loaded:
        link = public_url("evaluation.result", application_id=application.id)
        recipient = _coordinator_user(application)
        # In the coordinator's language, whoever pressed "publish".
        with force_locale(recipient.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            send_mail(recipient.email,
                      _("Evaluation results: %(acronym)s (%(reference)s)",
                        acronym=application.acronym, reference=call.reference),
                      _("Hello,\n\nthe results of the call %(reference)s – %(title)s are "
                        "published.\n\n%(outcome)s\n\nRead the consensus scores and comments "
                        "and download the evaluation summary report here:\n%(link)s\n",
                        reference=call.reference, title=call.title,
                        outcome=OUTCOME_SENTENCES[application.status], link=link))


def frozen_ranking(call: Call) -> Ranking | None:
    return db.session.scalar(select(Ranking).where(Ranking.call_id == call.id))


@dataclass(frozen=True)
class Outcome:
    """What a consortium member may read about its proposal."""

    application: Application
    published: bool
    entry: dict | None = None
    criteria: AwardCriteria | None = None
    consensus: Consensus | None = None
    summary: dict | None = None

    @property
    def sentence(self) -> str:
        return OUTCOME_SENTENCES.get(self.entry["outcome"], "") if self.entry else ""


def outcome_for_member(application_id: int, *, by: User) -> Outcome:
    application = db.session.get(Application, application_id)
    if application is None or not services.is_consortium_member(application, by):
        raise NotFound(_("This proposal is not one of yours."))
    ranking = frozen_ranking(application.call)
    published = ranking is not None and application.call.status in _PUBLISHED
    entry = ranking.entry_for(application.id) if published else None
    if entry is None:
        return Outcome(application=application, published=False)
    consensus = db.session.scalar(select(Consensus).where(
        Consensus.application_id == application.id))
    return Outcome(application=application, published=True, entry=entry,
                   criteria=AwardCriteria.from_document(ranking.summary["award_criteria"]),
                   consensus=consensus, summary=ranking.summary)


@dataclass(frozen=True)
class MemberResult:
    """One of the user's proposals on "My results"; `entry` is its place in the frozen
    ranking once the call's results are published, so the page shows the outcome at once."""

    application: Application
    entry: dict | None = None

    @property
    def published(self) -> bool:
        return self.entry is not None

    @property
    def sentence(self) -> str:
        return OUTCOME_SENTENCES.get(self.entry["outcome"], "") if self.entry else ""


_PUBLISHED = (CallStatus.RESULTS_PUBLISHED, CallStatus.ARCHIVED)


def list_member_results(*, by: User) -> list[MemberResult]:
    """The user's submitted proposals, each with its outcome once its results are published."""
    applications = db.session.scalars(
        services.member_applications_query(by)
        .where(Application.status != ApplicationStatus.DRAFT)
        .options(selectinload(Application.call)).order_by(Application.id.desc())).all()
    rankings = {ranking.call_id: ranking for ranking in db.session.scalars(select(Ranking).where(
        Ranking.call_id.in_({a.call_id for a in applications})))}
    return [MemberResult(a, rankings[a.call_id].entry_for(a.id)
                         if a.call_id in rankings and a.call.status in _PUBLISHED else None)
            for a in applications]


def summary_pdf(application_id: int, *, by: User) -> tuple[str, bytes]:
    """The evaluation summary report: consensus scores and comments, thresholds, the line."""
    outcome = outcome_for_member(application_id, by=by)
    if not outcome.published:
        raise NotFound(_("The results of this call are not published yet."))
    pdf = render_pdf("pdf/evaluation_summary.html", outcome=outcome,
                     call=outcome.application.call, generated_at=utcnow())
    return f"evaluation-summary-{outcome.application.acronym}.pdf", pdf
