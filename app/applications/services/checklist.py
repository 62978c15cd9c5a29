"""The live checklist: a consortium's budget and eligibility report, computed from its rows."""

from dataclasses import dataclass
from decimal import Decimal

from app.applications.models import Application, Participant
from app.applications.rules.budget import (
    BudgetLine,
    ConsortiumBudget,
    ParticipantBudget,
    consortium_budget,
    participant_budget,
)
from app.applications.rules.eligibility import Member, check_eligibility
from app.applications.rules.eligibility_report import EligibilityReport
from app.applications.rules.submission import submit_blockers
from app.calls.models import Call
from app.calls.rules.finance import FundingRates, funding_rate_for
from app.calls.rules.lifecycle import CallKind


def funding_rates(call: Call) -> FundingRates:
    return FundingRates.from_dict(call.funding_rates or {})


def indirect_rate(call: Call) -> Decimal:
    return Decimal(call.indirect_rate or "0.25")


def counts(participant: Participant) -> bool:
    """Only accepted participants with an organisation are beneficiaries of the consortium."""
    return participant.is_accepted and participant.organisation is not None


def funding_rate_of(call: Call, participant: Participant) -> Decimal:
    if participant.organisation is None:
        return funding_rates(call).default
    return funding_rate_for(participant.organisation.org_type, funding_rates(call))


def pure_lines(participant: Participant) -> list[BudgetLine]:
    return [BudgetLine(category=row.category, amount=row.amount, ict_category=row.ict_category,
                       open_source=row.open_source, description=row.description)
            for row in participant.budget_lines]


def budget_of_participant(call: Call, participant: Participant) -> ParticipantBudget:
    return participant_budget(pure_lines(participant), indirect_rate=indirect_rate(call),
                              funding_rate=funding_rate_of(call, participant))


def budget_of(application: Application) -> ConsortiumBudget:
    """The consortium budget keyed by participant id (as text), beneficiaries only."""
    call = application.call
    return consortium_budget(
        {str(p.id): budget_of_participant(call, p) for p in application.participants if counts(p)},
        indirect_rate=indirect_rate(call))


def members_of(application: Application, budget: ConsortiumBudget) -> list[Member]:
    """Beneficiaries as eligibility members: keyed by organisation, linked by controller."""
    members = []
    for participant in application.participants:
        if not counts(participant):
            continue
        organisation = participant.organisation
        members.append(Member(
            key=str(organisation.id),
            name=organisation.short_name or organisation.name,
            country=organisation.country,
            org_type=organisation.org_type,
            is_sme=organisation.is_sme,
            fields_of_science=tuple(participant.fields_of_science or ()),
            role=participant.role,
            controller=str(organisation.controller_id) if organisation.controller_id else None,
            requested_amount=budget.participants[str(participant.id)].requested,
        ))
    return members


def rules_of(call: Call) -> dict:
    """The call's rules; the call's maximum per proposal applies unless the rules set their own."""
    rules = dict(call.eligibility_rules or {})
    if call.max_per_proposal_amount is not None:
        rules.setdefault("max_requested_per_proposal", str(call.max_per_proposal_amount))
    return rules


def eligibility_report(application: Application, budget: ConsortiumBudget) -> EligibilityReport:
    call = application.call
    return check_eligibility(members_of(application, budget), rules_of(call),
                             on=call.closes_at.date(), currency=call.currency)


@dataclass(frozen=True)
class Checklist:
    """What the application page shows and the submit guard reads."""

    report: dict
    budget: ConsortiumBudget
    blockers: list[str]

    @property
    def ready(self) -> bool:
        return not self.blockers


def blockers_of(application: Application, report: dict) -> list[str]:
    call = application.call
    return submit_blockers(
        report, call.required_attachments or [],
        {attachment.kind for attachment in application.current_attachments},
        needs_bid_price=call.kind == CallKind.TENDER,
        has_bid_price=application.bid_price_amount is not None)


def build_checklist(application: Application, *, store: bool = False) -> Checklist:
    """Recompute everything from the rows; `store` keeps the report on the application (saves)."""
    budget = budget_of(application)
    report = eligibility_report(application, budget).to_dict()
    if store and application.eligibility_report != report:
        application.eligibility_report = report
    return Checklist(report=report, budget=budget, blockers=blockers_of(application, report))
