"""The live checklist: a consortium's budget and eligibility report, computed from its rows."""

from dataclasses import dataclass
from decimal import Decimal

from app.accounts.models import ControlStatus, Organisation
from app.applications.models import Application, Participant, ParticipantRole
from app.applications.rules.budget import (
    BudgetLine,
    ConsortiumBudget,
    ParticipantBudget,
    consortium_budget,
    participant_budget,
)
from app.applications.rules.eligibility import Member, RuleSet, compile_rules
from app.applications.rules.eligibility_report import EligibilityReport
from app.applications.rules.submission import submit_blockers
from app.calls.models import Call
from app.calls.rules.countries import association_day
from app.calls.rules.finance import FundingRates, funding_rate_for
from app.calls.rules.lifecycle import CallKind


def funding_rates(call: Call) -> FundingRates:
    return FundingRates.from_dict(call.funding_rates or {})


def indirect_rate(call: Call) -> Decimal:
    return Decimal(call.indirect_rate or "0.25")


NON_FUNDED_ROLES = frozenset({ParticipantRole.ASSOCIATED_PARTNER, ParticipantRole.SUBCONTRACTOR})


def counts(participant: Participant) -> bool:
    """Only accepted participants with an organisation are in the consortium (and, by their
    role and country, beneficiaries or not)."""
    return participant.is_accepted and participant.organisation is not None


def ruleset_of(call: Call) -> RuleSet:
    """The call's rules, compiled for its deadline's day in the call's own time zone."""
    return compile_rules(rules_of(call), on=association_day(call.closes_at, call.timezone))


def receives_funding(call: Call, participant: Participant, *,
                     rules: RuleSet | None = None) -> bool:
    """Associated partners, subcontractors and (unless the call funds them) organisations
    outside the call's eligible countries request no grant (Regulation 2021/695 Art. 23).
    `rules`: the call's, when the caller has them already."""
    organisation = participant.organisation
    if organisation is None:
        return participant.role not in NON_FUNDED_ROLES
    return (rules or ruleset_of(call)).funds(organisation.country, participant.role)


def funding_rate_of(call: Call, participant: Participant, *, rules: RuleSet | None = None,
                    rates: FundingRates | None = None) -> Decimal:
    if not receives_funding(call, participant, rules=rules):
        return Decimal("0")
    rates = rates or funding_rates(call)
    if participant.organisation is None:
        return rates.default
    return funding_rate_for(participant.organisation.org_type, rates)


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
    # The call's rules, rates and indirect rate read once, not once per participant.
    rules, rates, indirect = ruleset_of(call), funding_rates(call), indirect_rate(call)
    return consortium_budget(
        {str(p.id): participant_budget(
            pure_lines(p), indirect_rate=indirect,
            funding_rate=funding_rate_of(call, p, rules=rules, rates=rates))
         for p in application.participants if counts(p)},
        indirect_rate=indirect)


def controller_of(organisation: Organisation) -> tuple[str | None, bool]:
    """(controller key, whether it is a public owner) as the eligibility engine reads them."""
    if organisation.control_status == ControlStatus.NONE or organisation.controller_id is None:
        return None, False
    return (str(organisation.controller_id),
            organisation.control_status == ControlStatus.PUBLIC_OWNER)


def members_of(application: Application, budget: ConsortiumBudget) -> list[Member]:
    """Accepted participants as eligibility members: keyed by organisation, linked by
    controller, with their role (associated partners and subcontractors count for nothing)."""
    members = []
    for participant in application.participants:
        if not counts(participant):
            continue
        organisation = participant.organisation
        controller, public_owner = controller_of(organisation)
        members.append(Member(
            key=str(organisation.id),
            name=organisation.short_name or organisation.name,
            country=organisation.country,
            org_type=organisation.org_type,
            is_sme=organisation.is_sme,
            fields_of_science=tuple(participant.fields_of_science or ()),
            role=participant.role,
            controller=controller,
            public_owner=public_owner,
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
    return ruleset_of(call).check(members_of(application, budget), currency=call.currency)


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
