"""Grant agreement arithmetic: dates, reporting periods, beneficiary amounts, ICT plan (pure)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from app.applications.rules.budget import share
from app.calls.rules.finance import validate_amount
from app.core.rules.messages import N_, Message
from app.grants.rules.payments import add_months, split_between_beneficiaries

ZERO = Decimal("0.00")
RATE_PLACES = Decimal("0.000001")


class AgreementError(ValueError):
    """A grant agreement that cannot be; `field` names the form field concerned."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def default_end_date(start: date, duration_months: int) -> date:
    """The last day of a project of `duration_months` starting on `start`."""
    return add_months(start, duration_months) - timedelta(days=1)


def duration_in_months(start: date, end: date) -> int:
    """Whole months from `start` to the day after `end` (1 Jan - 31 Dec is 12 months)."""
    if end < start:
        raise AgreementError(Message(N_("The end date must not be before the start date.")),
                             field="end_date")
    after_end = end + timedelta(days=1)
    months = (after_end.year - start.year) * 12 + after_end.month - start.month
    if add_months(start, months) > after_end:
        months -= 1
    if months < 1:
        raise AgreementError(Message(N_("A grant lasts at least one month.")), field="end_date")
    return months


@dataclass(frozen=True, slots=True)
class ReportingPeriod:
    number: int
    start: date
    end: date
    is_final: bool


def reporting_periods(start: date, duration_months: int,
                      interim_count: int) -> tuple[ReportingPeriod, ...]:
    """interim_count + 1 periods ending where payments.payment_schedule puts the interims.

    Period k ends the day before month duration*k//(count+1); the last one is the final.
    """
    count = interim_count + 1
    bounds = [start] + [add_months(start, duration_months * k // count) for k in range(1, count)]
    bounds.append(add_months(start, duration_months))
    return tuple(
        ReportingPeriod(k + 1, bounds[k], bounds[k + 1] - timedelta(days=1), k + 1 == count)
        for k in range(count)
    )


def period_not_started(period: ReportingPeriod, today: date) -> str | None:
    """Why a claim for `period` cannot be submitted yet, or None once the period has begun:
    costs of a period are claimed once it runs, never ahead of it."""
    if today < period.start:
        return (f"Reporting period {period.number} starts on {period.start:%d %b %Y}: its "
                "claim can be submitted from that day.")
    return None


def check_awarded(awarded: Decimal, requested: Decimal) -> Decimal:
    """The awarded grant: positive, in cents, and never more than was requested."""
    try:
        awarded = validate_amount(awarded)
    except ValueError as error:
        raise AgreementError(error.args[0], field="awarded_amount") from None
    if awarded <= 0:
        raise AgreementError(Message(N_("The awarded amount must be positive.")),
                             field="awarded_amount")
    if awarded > requested:
        raise AgreementError(Message(
            N_("The awarded amount cannot exceed the requested %(amount)s."),
            amount=f"{requested:,.2f}"), field="awarded_amount")
    return awarded


def beneficiary_amounts(awarded: Decimal, requested: Mapping[str, Decimal],
                        entered: Mapping[str, Decimal | None] | None = None) -> dict[str, Decimal]:
    """Each beneficiary's share of the grant.

    Without entered amounts, the grant is split in proportion to what each requested
    (cents by largest remainder, so the parts add up exactly). Entered amounts must be
    given for everyone, stay within each one's request and add up to the grant.
    """
    if not requested:
        raise AgreementError(Message(N_("The proposal has no beneficiary with a budget.")))
    if not entered or all(value is None for value in entered.values()):
        if not any(requested.values()):
            raise AgreementError(Message(N_("No beneficiary requested any funding.")))
        return split_between_beneficiaries(awarded, requested)
    amounts: dict[str, Decimal] = {}
    for key, asked in requested.items():
        value = entered.get(key)
        if value is None:
            raise AgreementError(Message(N_("Enter an amount for every beneficiary, or none.")),
                                 field=f"beneficiary_{key}")
        try:
            value = validate_amount(value)
        except ValueError as error:
            raise AgreementError(error.args[0], field=f"beneficiary_{key}") from None
        if value > asked:
            raise AgreementError(Message(N_("More than the %(amount)s this beneficiary requested."),
                                         amount=f"{asked:,.2f}"), field=f"beneficiary_{key}")
        amounts[key] = value
    total = sum(amounts.values(), ZERO)
    if total != awarded:
        raise AgreementError(Message(
            N_("The beneficiaries' amounts add up to %(total)s, not the awarded %(awarded)s."),
            total=f"{total:,.2f}", awarded=f"{awarded:,.2f}"), field="awarded_amount")
    return amounts


def effective_funding_rate(awarded: Decimal, eligible: Decimal) -> Decimal:
    """Grant over eligible costs, rounded down so a claim can never earn more than awarded."""
    if eligible <= 0:
        return Decimal("1")
    return min((awarded / eligible).quantize(RATE_PLACES, rounding=ROUND_DOWN), Decimal("1"))


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One planned cost of a beneficiary; the pure twin of a GrantPlanLine row."""

    beneficiary: str
    ict_category: str
    open_source: bool
    amount: Decimal


@dataclass(frozen=True, slots=True)
class IctPlanRow:
    ict_category: str
    amount: Decimal
    open_source_amount: Decimal
    open_source_share: Decimal


def ict_plan(lines: Iterable[PlanLine]) -> tuple[tuple[IctPlanRow, ...], IctPlanRow]:
    """The ICT-investment plan by ICT category, sorted by code, and its total row."""
    totals: dict[str, list[Decimal]] = {}
    for line in lines:
        amount, open_source = totals.setdefault(line.ict_category, [ZERO, ZERO])
        totals[line.ict_category] = [amount + line.amount,
                                     open_source + (line.amount if line.open_source else ZERO)]
    rows = tuple(IctPlanRow(code, amount, open_amount, share(open_amount, amount))
                 for code, (amount, open_amount) in sorted(totals.items()))
    amount = sum((row.amount for row in rows), ZERO)
    open_amount = sum((row.open_source_amount for row in rows), ZERO)
    return rows, IctPlanRow("total", amount, open_amount, share(open_amount, amount))
