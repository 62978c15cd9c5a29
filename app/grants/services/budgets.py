"""Budget rows of applications and grants turned into the pure budget arithmetic's dataclasses."""

from collections.abc import Iterable
from decimal import Decimal

from app.applications.models import Application, Participant
from app.applications.rules.budget import (
    BudgetLine,
    ConsortiumBudget,
    consortium_budget,
    participant_budget,
)
from app.calls.models import Call
from app.calls.rules.finance import FundingRates, funding_rate_for
from app.grants.models import Grant, GrantPlanLine
from app.grants.rules.agreement import PlanLine

ZERO = Decimal("0.00")


def indirect_rate_of(call: Call) -> Decimal:
    return Decimal(call.indirect_rate or "0.25")


def beneficiaries_of(application: Application) -> list[Participant]:
    """Participants that accepted with an organisation: only they can sign a grant. An
    organisation invited by name that never accepted is not one (ASVS level 2 review)."""
    return [p for p in application.participants
            if p.organisation is not None and p.accepted_at is not None]


def application_budget(application: Application) -> ConsortiumBudget:
    """The consortium's budget as the call computes it, keyed by participant id."""
    call = application.call
    rates = FundingRates.from_dict(call.funding_rates or {})
    return consortium_budget(
        [(str(p.id),
          [BudgetLine(row.category, row.amount, row.ict_category, row.open_source,
                      row.description) for row in p.budget_lines],
          funding_rate_for(p.organisation.org_type, rates))
         for p in beneficiaries_of(application)],
        indirect_rate=indirect_rate_of(call))


def plan_budget_by_category(grant: Grant, lines: Iterable[GrantPlanLine]) -> dict[str, Decimal]:
    """Category code -> planned amount, indirect costs ("E") included: what claims draw on."""
    by_beneficiary: dict[int, list[BudgetLine]] = {}
    for row in lines:
        by_beneficiary.setdefault(row.beneficiary_id, []).append(
            BudgetLine(row.category, row.amount, row.ict_category, row.open_source))
    totals: dict[str, Decimal] = {}
    for budget_lines in by_beneficiary.values():
        budget = participant_budget(budget_lines, indirect_rate=indirect_rate_of(grant.call))
        for code, amount in budget.by_category_with_indirect().items():
            totals[code] = totals.get(code, ZERO) + amount
    return totals


def plan_lines_of(lines: Iterable[GrantPlanLine]) -> list[PlanLine]:
    return [PlanLine(str(row.beneficiary_id), row.ict_category, row.open_source, row.amount)
            for row in lines]
