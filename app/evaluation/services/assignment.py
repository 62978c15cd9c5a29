"""Assigning experts to proposals, conflict declarations, reassignment and rapporteurs."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import Row, select
from sqlalchemy.orm import load_only, selectinload

from app.accounts.models import User
from app.applications.models import Application, ApplicationStatus, Submission
from app.calls.models import Call
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.core.links import public_url
from app.core.mail import send_mail
from app.core.paging import paginate_rows
from app.evaluation.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    AssignmentStatus,
    Consensus,
    ConsensusStatus,
    Review,
)
from app.evaluation.rules.assignment import Proposal, assign, detect_conflicts
from app.evaluation.services import calls as services
from app.evaluation.services.profiles import (
    as_account_expert,
    as_expert,
    consortium_memberships,
    controllers_of,
    expert_pool,
    profiles_by_user,
)

MY_ASSIGNMENTS_PER_PAGE = 50
CALL_PAGE_PER_PAGE = 25
REASON_LABELS = {
    "declared": "declared by the expert",
    "same_organisation": "same organisation as a participant",
    "same_controller": "same group as a participant (common controller)",
    "recent_affiliation": "affiliated with a participant in the last 3 years",
    "same_country": "same country as a participant (call rule)",
}
CONSORTIUM_MEMBER = "member of the consortium (coordinator, contact or creator)"
ACCOUNT_LABELS = {
    "same_organisation": "the account's organisation is a participant",
    "same_controller": "the account's organisation is in a participant's group",
}


def as_proposal(submission: Submission) -> Proposal:
    """The pure rules' view of a proposal, read from the snapshot that counts."""
    organisations, controllers, countries, fields = [], [], [], set()
    for participant in submission.snapshot.get("participants", []):
        organisation = participant.get("organisation") or {}
        if organisation.get("id") is not None:
            organisations.append(str(organisation["id"]))
        if organisation.get("controller_id") is not None:
            controllers.append(str(organisation["controller_id"]))
        if organisation.get("country"):
            countries.append(organisation["country"])
        fields.update(participant.get("fields_of_science") or ())
    return Proposal(key=str(submission.application_id), organisations=tuple(organisations),
                    controllers=tuple(controllers), countries=tuple(sorted(set(countries))),
                    fields_of_science=tuple(sorted(fields)))


def run_assignment(call_id: int, *, by: User, notify: bool = True) -> dict:
    """The officer's run: fill every eligible proposal up to k conflict-free experts."""
    call = services.get_officer_call(call_id, by=by)
    return assign_call(call, by=by, notify=notify)


def assign_call(call: Call, *, by: User | None, notify: bool = True) -> dict:
    services.require_under_evaluation(call)
    criteria = services.criteria_of(call)
    settings = services.settings_for(call)
    submissions = services.counted_submissions(call)
    applications = [a for a in services.evaluated_applications(
        call, (ApplicationStatus.ELIGIBLE, ApplicationStatus.UNDER_EVALUATION))
        if a.id in submissions]
    users = expert_pool(call)
    profiles = profiles_by_user(u.id for u in users)
    controllers = controllers_of(
        [p.organisation_id for p in profiles.values()]
        + [u.organisation_id for u in users])
    experts = [as_expert(u, profiles.get(u.id), controllers) for u in users]
    proposals = [as_proposal(submissions[a.id]) for a in applications]
    today = utcnow().date()
    imposed = _imposed_conflicts(users, profiles, controllers, proposals, today)
    rows = db.session.scalars(select(Assignment).where(Assignment.call_id == call.id)).all()
    by_pair = {(str(r.expert_id), str(r.application_id)): r for r in rows}
    pool = {e.key for e in experts}
    keys = {p.key for p in proposals}
    # Assignments of experts who left the pool stay as they are: nobody removes them silently.
    existing = [pair for pair, r in by_pair.items()
                if r.is_active and pair[0] in pool and pair[1] in keys]
    declared = {pair for pair, r in by_pair.items() if r.status == AssignmentStatus.CONFLICT}
    # Conflicts the profile cannot show count as declared ones: nobody may evaluate them.
    declared |= set(imposed)
    plan = assign(experts, proposals, criteria.experts_per_proposal, on=today,
                  declared_conflicts=declared,
                  same_country_is_conflict=settings.same_country_is_conflict, existing=existing)
    for dropped in plan.dropped:
        row = by_pair[dropped.expert, dropped.proposal]
        row.status, row.is_rapporteur = AssignmentStatus.REMOVED, False
    new_rows = []
    for item in plan.assignments:
        if item.kept:
            continue
        row = by_pair.get((item.expert, item.proposal))
        if row is None:
            row = Assignment(call_id=call.id, application_id=int(item.proposal),
                             expert_id=int(item.expert))
            db.session.add(row)
        row.status, row.field_match = AssignmentStatus.ASSIGNED, item.field_match
        row.declared_at = None
        new_rows.append(row)
    db.session.flush()
    for application in applications:
        assigned = plan.experts_for(str(application.id))
        if application.status == ApplicationStatus.ELIGIBLE and assigned:
            application.status = ApplicationStatus.UNDER_EVALUATION
    _ensure_rapporteurs(call)
    names = {str(u.id): u.name for u in users}
    acronyms = {str(a.id): a.acronym for a in applications}
    settings.last_run = _run_report(plan, experts, proposals, names, acronyms, today,
                                    settings.same_country_is_conflict, imposed)
    audit.record(by, "evaluation.assignment_run", call, {
        "new": len(new_rows), "dropped": len(plan.dropped), "shortfalls": len(plan.shortfalls)})
    if notify:
        _notify_experts(call, new_rows)
    db.session.flush()
    return settings.last_run


def _imposed_conflicts(users, profiles, controllers, proposals, today: date
                       ) -> dict[tuple[str, str], list[str]]:
    """(expert, proposal) conflicts beyond the profile, with their labels: the expert is in the
    consortium, or the account's own organisation (or its group) takes part."""
    imposed: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pair in consortium_memberships((u.id for u in users), (int(p.key) for p in proposals)):
        imposed[pair].append(CONSORTIUM_MEMBER)
    for user in users:
        account = as_account_expert(user, profiles.get(user.id), controllers)
        if account is None:
            continue
        for proposal in proposals:
            for reason in detect_conflicts(account, proposal, today):
                if reason in ACCOUNT_LABELS:
                    imposed[account.key, proposal.key].append(ACCOUNT_LABELS[reason])
    return dict(imposed)


def _labels(reasons, imposed: list[str]) -> list[str]:
    return imposed + [REASON_LABELS[r] for r in reasons if not (imposed and r == "declared")]


def _run_report(plan, experts, proposals, names, acronyms, today: date, same_country: bool,
                imposed: dict[tuple[str, str], list[str]]) -> dict:
    conflicts = []
    for proposal in proposals:
        for expert in experts:
            reasons = detect_conflicts(expert, proposal, today, same_country)
            extra = imposed.get((expert.key, proposal.key), [])
            if reasons or extra:
                conflicts.append({"application": acronyms[proposal.key],
                                  "expert": names[expert.key],
                                  "reasons": _labels(reasons, extra)})
    return {
        "at": utcnow().isoformat(),
        "experts": len(experts),
        "proposals": len(proposals),
        "assignments": len(plan.assignments),
        "shortfalls": [{"application": acronyms[s.proposal], "assigned": s.assigned,
                        "needed": s.needed, "reason": s.reason} for s in plan.shortfalls],
        "dropped": [{"application": acronyms[d.proposal], "expert": names[d.expert],
                     "reasons": _labels(d.reasons, imposed.get((d.expert, d.proposal), []))}
                    for d in plan.dropped],
        "conflicts": conflicts,
    }


def _notify_experts(call: Call, rows: list[Assignment]) -> None:
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        counts[row.expert_id] += 1
    if not counts:
        return
    link = public_url("evaluation.my_evaluations")
    for user in db.session.scalars(select(User).where(User.id.in_(counts))):
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            send_mail(user.email, _("New proposals to evaluate: %(reference)s",
                                    reference=call.reference),
                      ngettext("Hello %(name)s,\n\nyou have %(num)d new proposal to evaluate in "
                               "the call %(reference)s – %(title)s.\nBefore reading it, declare "
                               "whether you have a conflict of interest:\n%(link)s\n",
                               "Hello %(name)s,\n\nyou have %(num)d new proposals to evaluate in "
                               "the call %(reference)s – %(title)s.\nBefore reading each one, "
                               "declare whether you have a conflict of interest:\n%(link)s\n",
                               counts[user.id], name=user.name, reference=call.reference,
                               title=call.title, link=link))


def _ensure_rapporteurs(call: Call) -> None:
    """Every proposal with experts has one active rapporteur; the first assigned by default."""
    rows = db.session.scalars(select(Assignment).where(
        Assignment.call_id == call.id, Assignment.status.in_(ACTIVE_ASSIGNMENT))
        .order_by(Assignment.application_id, Assignment.id)).all()
    teams: dict[int, list[Assignment]] = defaultdict(list)
    for row in rows:
        teams[row.application_id].append(row)
    for team in teams.values():
        if not any(r.is_rapporteur for r in team):
            accepted = [r for r in team if r.status == AssignmentStatus.ACCEPTED]
            (accepted or team)[0].is_rapporteur = True


def get_own_assignment(assignment_id: int, *, by: User) -> Assignment:
    """The expert's own active assignment; anything else is invisible to them (404)."""
    row = db.session.get(Assignment, assignment_id)
    if row is None or row.expert_id != by.id or not row.is_active:
        raise NotFound(_("This proposal is not assigned to you."))
    return row


def declare(assignment_id: int, *, by: User, has_conflict: bool, reason: str = "") -> Assignment:
    """The expert's declaration: no conflict opens the proposal; a conflict ends the assignment
    and hands the proposal to another expert."""
    row = get_own_assignment(assignment_id, by=by)
    services.require_under_evaluation(row.call)
    if row.status != AssignmentStatus.ASSIGNED:
        raise Conflict(_("You have already declared for this proposal."))
    row.declared_at = utcnow()
    if not has_conflict:
        row.status = AssignmentStatus.ACCEPTED
        audit.record(by, "evaluation.no_conflict_declared", row)
        db.session.flush()
        return row
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise DomainError(_("Say in a sentence what the conflict is (at least 10 characters)."),
                          field="reason")
    row.status, row.conflict_reason, row.is_rapporteur = AssignmentStatus.CONFLICT, reason, False
    audit.record(by, "evaluation.conflict_declared", row, {"reason": reason})
    db.session.flush()
    assign_call(row.call, by=by)
    return row


def set_rapporteur(application_id: int, assignment_id: int, *, by: User) -> Assignment:
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(_("This proposal does not exist."))
    services.get_officer_call(application.call_id, by=by)
    services.require_under_evaluation(application.call)
    team = db.session.scalars(select(Assignment).where(
        Assignment.application_id == application_id,
        Assignment.status.in_(ACTIVE_ASSIGNMENT))).all()
    chosen = next((r for r in team if r.id == assignment_id), None)
    if chosen is None:
        raise DomainError(_("Choose one of the experts assigned to this proposal."),
                          field="assignment_id")
    consensus = db.session.scalar(select(Consensus).where(
        Consensus.application_id == application_id))
    if consensus is not None and consensus.status == ConsensusStatus.APPROVED:
        raise Conflict(_("The consensus is approved; the rapporteur can no longer change."))
    for row in team:
        row.is_rapporteur = row is chosen
    if consensus is not None:
        consensus.rapporteur_id = chosen.expert_id
    audit.record(by, "evaluation.rapporteur_chosen", application,
                 {"expert_id": chosen.expert_id})
    db.session.flush()
    return chosen


def call_overview(call: Call) -> list[dict]:
    """One row per proposal in evaluation: its experts, their progress and the consensus."""
    return _overview_rows(call, services.evaluated_applications(call))


@dataclass(frozen=True, slots=True)
class ProposalRow:
    """A row of the call page: the proposal (id, acronym, title, status), its assignments
    (id, application_id, status, is_rapporteur, conflict_reason, expert_name, review_status),
    the active ones among them, and its consensus's status (None without one)."""

    application: Row
    assignments: list[Row]
    active: list[Row]
    consensus_status: str | None


def call_overview_page(call: Call, *, page: int = 1):
    """A page of the call's proposals in evaluation and their rows, in a fixed number of
    queries whatever the page's size: only the page's assignments and consensus are read, as
    plain rows of the columns shown (ORM objects cost more than the page's HTML)."""
    applications = paginate_rows(
        select(Application.id, Application.acronym, Application.title, Application.status)
        .where(Application.call_id == call.id,
               Application.status.in_(services.EVALUATED_STATUSES))
        .order_by(Application.acronym, Application.id),
        page=page, per_page=CALL_PAGE_PER_PAGE)
    ids = [a.id for a in applications.items]
    if not ids:
        return applications, []
    by_application: dict[int, list[Row]] = defaultdict(list)
    for row in db.session.execute(
            select(Assignment.id, Assignment.application_id, Assignment.status,
                   Assignment.is_rapporteur, Assignment.conflict_reason,
                   User.name.label("expert_name"), Review.status.label("review_status"))
            .join(User, User.id == Assignment.expert_id)
            .outerjoin(Review, Review.assignment_id == Assignment.id)
            .where(Assignment.call_id == call.id, Assignment.application_id.in_(ids))
            .order_by(Assignment.id)):
        by_application[row.application_id].append(row)
    consensus = dict(db.session.execute(
        select(Consensus.application_id, Consensus.status)
        .where(Consensus.call_id == call.id, Consensus.application_id.in_(ids))).all())
    return applications, [
        ProposalRow(application=a, assignments=by_application[a.id],
                    active=[r for r in by_application[a.id] if r.status in ACTIVE_ASSIGNMENT],
                    consensus_status=consensus.get(a.id))
        for a in applications.items]


def _overview_rows(call: Call, applications) -> list[dict]:
    ids = [a.id for a in applications]
    rows = db.session.scalars(
        select(Assignment).where(Assignment.call_id == call.id,
                                 Assignment.application_id.in_(ids))
        .options(selectinload(Assignment.expert).load_only(User.name),
                 selectinload(Assignment.review).load_only(Review.status))
        .order_by(Assignment.id)).all() if ids else []
    consensus = {c.application_id: c for c in db.session.scalars(
        select(Consensus).where(Consensus.call_id == call.id,
                                Consensus.application_id.in_(ids))
        .options(load_only(Consensus.application_id, Consensus.status)))} if ids else {}
    by_application: dict[int, list[Assignment]] = defaultdict(list)
    for row in rows:
        by_application[row.application_id].append(row)
    return [{"application": a, "assignments": by_application[a.id],
             "active": [r for r in by_application[a.id] if r.is_active],
             "consensus": consensus.get(a.id)} for a in applications]


def list_team(application_id: int) -> list[Assignment]:
    """The proposal's active assignments, with their experts and reviews."""
    return list(db.session.scalars(
        select(Assignment).where(Assignment.application_id == application_id,
                                 Assignment.status.in_(ACTIVE_ASSIGNMENT))
        .options(selectinload(Assignment.review), selectinload(Assignment.expert))
        .order_by(Assignment.id)))


def list_my_assignments(*, by: User, page: int = 1):
    """A page of the expert's active assignments as plain rows of the columns the list shows
    (id, application_id, status, is_rapporteur, call_reference, acronym, title,
    review_status), in one SELECT and its count."""
    return paginate_rows(
        select(Assignment.id, Assignment.application_id, Assignment.status,
               Assignment.is_rapporteur, Call.reference.label("call_reference"),
               Application.acronym, Application.title, Review.status.label("review_status"))
        .join(Call, Call.id == Assignment.call_id)
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Assignment.expert_id == by.id, Assignment.status.in_(ACTIVE_ASSIGNMENT))
        .order_by(Assignment.call_id.desc(), Assignment.id),
        page=page, per_page=MY_ASSIGNMENTS_PER_PAGE)
