"""The ranking: consensus scores (and price points) through thresholds, ties and the budget."""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from flask_babel import gettext as _
from sqlalchemy import Row, and_, func, select
from sqlalchemy.orm import load_only

from app.accounts.models import User
from app.applications.models import Application, ApplicationStatus, Submission
from app.applications.rules.submitted_fields import country_codes
from app.calls.models import Call
from app.calls.rules.lifecycle import CallKind, CallStatus
from app.core import audit
from app.core.errors import Conflict, DomainError
from app.core.extensions import db
from app.core.formatting import counted
from app.evaluation.models import Consensus, ConsensusStatus, PanelDecision
from app.evaluation.rules.funding import FundingDecision, FundingLine, funding_line
from app.evaluation.rules.ranking import RankedEntry, RankingCandidate, rank
from app.evaluation.rules.scoring import (
    AwardCriteria,
    CriterionKind,
    ThresholdResult,
    TieBreak,
    passes_thresholds,
    price_scores,
    weighted_total,
)
from app.evaluation.services import ranking_inputs  # noqa: F401  (its flush listener)
from app.evaluation.services.calls import (
    EVALUATED_STATUSES,
    criteria_of,
    get_call_to_oversee,
    get_officer_call,
    require_under_evaluation,
)


@dataclass(frozen=True)
class RankingRow:
    application: Application
    entry: RankedEntry
    decision: FundingDecision
    scores: dict[str, Decimal]
    thresholds: ThresholdResult
    panel: PanelDecision | None
    dispersed: tuple[str, ...] = ()  # criteria the experts disagreed on (consensus flags)


@dataclass(frozen=True)
class RankingResult:
    call: Call
    criteria: AwardCriteria
    rows: list[RankingRow]  # ranked first, then those below the thresholds
    pending: list[Application]  # no approved consensus yet
    ineligible: list[Application]
    line: FundingLine
    problems: list[str] = field(default_factory=list)
    unscreened: list[Application] = field(default_factory=list)  # submitted, never screened

    @property
    def unresolved(self) -> list[list[RankingRow]]:
        tied = [r for r in self.rows if r.entry.unresolved_tie]
        return [list(group) for _, group in groupby(tied, key=lambda r: r.entry.position)]

    @property
    def panel_allowed(self) -> bool:
        return TieBreak.PANEL_DECISION in self.criteria.tie_breaks

    @property
    def last_funded_position(self) -> int | None:
        funded = [r.entry.position for r in self.rows if r.decision.outcome == "funded"]
        return max(funded) if funded else None

    def blockers(self) -> list[str]:
        """Why the results cannot be published yet (empty when they can)."""
        reasons = []
        if self.call.status != CallStatus.UNDER_EVALUATION:
            reasons.append("The call is not under evaluation.")
        if self.unscreened:
            # Publishing would leave them out of the ranking without any outcome.
            reasons.append(f"{len(self.unscreened)} submitted applications have no eligibility "
                           "decision yet (mark them eligible or ineligible on the applications "
                           "screen).")
        if self.pending:
            pending = len(self.pending)
            reasons.append(f"{counted(pending, 'proposal')} {'has' if pending == 1 else 'have'} "
                           "no approved consensus yet.")
        if self.line.tie_at_line:
            reasons.append("Proposals still tied straddle the funding line: record the "
                           "panel's decision.")
        if not self.rows:
            reasons.append("No proposal has been evaluated.")
        return reasons + self.problems


def _ranking_fields(call: Call) -> dict[int, Row]:
    """Of each application's counted submission (the last before the deadline), only what the
    ranking needs: columns copied from the snapshot at submit, never the snapshot itself."""
    latest = (
        select(Submission.application_id, func.max(Submission.number).label("number"))
        .join(Application, Application.id == Submission.application_id)
        .where(Application.call_id == call.id, Submission.submitted_at <= call.closes_at)
        .group_by(Submission.application_id).subquery())
    rows = db.session.execute(
        select(Submission.application_id, Submission.requested_amount, Submission.bid_price,
               Submission.strategic_area, Submission.countries, Submission.key_personnel_women,
               Submission.key_personnel_men)
        .join(latest, and_(Submission.application_id == latest.c.application_id,
                           Submission.number == latest.c.number)))
    return {row.application_id: row for row in rows}


def tendered_price(submission: Row | None) -> Decimal | None:
    """The bid price as submitted (the live application may have changed since)."""
    return None if submission is None else submission.bid_price


def _requested(call: Call, submission: Row) -> Decimal:
    price = tendered_price(submission)
    if call.kind == CallKind.TENDER and price is not None:
        return price
    return submission.requested_amount


def _candidate(application: Application, submission: Row, scores: dict[str, Decimal],
               criteria: AwardCriteria, requested: Decimal, panel: PanelDecision | None
               ) -> tuple[RankingCandidate, ThresholdResult]:
    area = submission.strategic_area or application.strategic_area
    thresholds = passes_thresholds(criteria, scores)
    candidate = RankingCandidate(
        key=str(application.id), scores=scores,
        weighted_total=weighted_total(criteria, scores), passed_thresholds=thresholds.passed,
        areas=(area,) if area else (), countries=country_codes(submission.countries),
        women=submission.key_personnel_women, men=submission.key_personnel_men,
        requested=requested, panel_position=panel.position if panel else None)
    return candidate, thresholds


def _price_points(criteria: AwardCriteria, applications: list[Application],
                  submissions: dict[int, Row], problems: list[str]) -> dict[int, Decimal]:
    price = next((c for c in criteria.criteria if c.kind is CriterionKind.PRICE), None)
    if price is None:
        return {}
    tendered = {a.id: tendered_price(submissions.get(a.id)) for a in applications}
    prices = {str(key): value for key, value in tendered.items()
              if value is not None and value > 0}
    for application in applications:
        if str(application.id) not in prices:
            problems.append(f"{application.acronym} has no tendered price: it scores 0 on "
                            f"{price.label}.")
    points = price_scores(prices, price.maximum)
    return {a.id: points.get(str(a.id), Decimal(0)) for a in applications}


def _applications(call: Call, statuses) -> list[Application]:
    """The call's applications in `statuses` with what the ranking shows and publishing
    changes (status, and the version it checks), not their stored reports."""
    return list(db.session.scalars(
        select(Application).where(Application.call_id == call.id,
                                  Application.status.in_(tuple(statuses)))
        .options(load_only(Application.acronym, Application.title, Application.status,
                           Application.strategic_area, Application.call_id,
                           Application.version))
        .order_by(Application.acronym, Application.id)))


def compute_ranking(call: Call) -> RankingResult:
    """The live ranking, from approved consensus reports only, in a fixed number of queries."""
    criteria = criteria_of(call)
    applications = _applications(call, EVALUATED_STATUSES)
    outside = _applications(call, (ApplicationStatus.INELIGIBLE, ApplicationStatus.SUBMITTED))
    ineligible = [a for a in outside if a.status == ApplicationStatus.INELIGIBLE]
    unscreened = [a for a in outside if a.status == ApplicationStatus.SUBMITTED]
    submissions = _ranking_fields(call)
    # Plain rows, not entities: thousands of ORM objects cost more than ranking them.
    approved = {c.application_id: c for c in db.session.execute(
        select(Consensus.application_id, Consensus.scores, Consensus.proposal).where(
            Consensus.call_id == call.id, Consensus.status == ConsensusStatus.APPROVED))}
    panels = {p.application_id: p for p in db.session.scalars(
        select(PanelDecision).where(PanelDecision.call_id == call.id))}
    problems: list[str] = []
    points = _price_points(criteria, applications, submissions, problems)
    price_codes = [c.code for c in criteria.criteria if c.kind is CriterionKind.PRICE]
    candidates, details, pending = [], {}, []
    for application in applications:
        consensus = approved.get(application.id)
        submission = submissions.get(application.id)
        if consensus is None or submission is None:
            pending.append(application)
            continue
        scores = {code: Decimal(value) for code, value in consensus.scores.items()}
        scores.update({code: points[application.id] for code in price_codes})
        requested = _requested(call, submission)
        candidate, thresholds = _candidate(application, submission, scores, criteria,
                                           requested, panels.get(application.id))
        candidates.append(candidate)
        dispersed = tuple(item["code"] for item in consensus.proposal.get("criteria", [])
                          if item.get("dispersed"))
        details[candidate.key] = (application, scores, thresholds, dispersed)
    entries = rank(candidates, criteria)
    line = funding_line(entries, call.budget_amount, ineligible=[str(a.id) for a in ineligible])
    rows = []
    for entry in entries:
        application, scores, thresholds, dispersed = details[entry.key]
        rows.append(RankingRow(application=application, entry=entry,
                               decision=line.decision(entry.key), scores=scores,
                               thresholds=thresholds, panel=panels.get(application.id),
                               dispersed=dispersed))
    return RankingResult(call=call, criteria=criteria, rows=rows, pending=pending,
                         ineligible=list(ineligible), line=line, problems=problems,
                         unscreened=list(unscreened))


def ranking_to_read(call_id: int, *, by: User) -> RankingResult:
    return compute_ranking(get_call_to_oversee(call_id, by=by))


def record_panel_decision(call_id: int, *, by: User, positions: dict[int, int | None],
                          reason: str) -> list[PanelDecision]:
    """Order proposals still tied after every rule, as the panel decided, with its reason."""
    call = get_officer_call(call_id, by=by)
    require_under_evaluation(call)
    result = compute_ranking(call)
    if not result.panel_allowed:
        raise Conflict(_("This call's tie-break rules do not include a panel decision."))
    group_ids = next((sorted(r.application.id for r in group) for group in result.unresolved
                      if {r.application.id for r in group} == set(positions)), None)
    if group_ids is None:
        raise DomainError(_("These proposals are not a group still tied."), field="positions")
    if sorted(p for p in positions.values() if p is not None) != list(
            range(1, len(group_ids) + 1)):
        raise DomainError(_("Give each proposal a different place from 1 to %(last)s.",
                            last=len(group_ids)), field="positions")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise DomainError(_("Record the panel's reason (at least 10 characters)."),
                          field="reason")
    existing = {p.application_id: p for p in db.session.scalars(
        select(PanelDecision).where(PanelDecision.application_id.in_(group_ids)))}
    decisions = []
    for application_id in group_ids:
        decision = existing.get(application_id) or PanelDecision(
            call_id=call.id, application_id=application_id)
        decision.position, decision.reason = positions[application_id], reason
        decision.decided_by_id = by.id
        db.session.add(decision)
        decisions.append(decision)
    audit.record(by, "evaluation.panel_decision", call,
                 {"positions": {str(k): v for k, v in positions.items()}, "reason": reason})
    db.session.flush()
    return decisions
