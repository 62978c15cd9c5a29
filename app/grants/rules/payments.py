"""Grant payment rules: schedules, claim assessment, splits and the overpayment guard (pure)."""

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import accumulate

from app.calls.rules.finance import (
    CENT,
    INDIRECT_CATEGORY,
    CostCategory,
    PaymentModel,
    percent_text,
    plain_data,
    to_cents,
    validate_amount,
    validate_rate,
)
from app.core.rules.messages import N_, Message

ZERO = Decimal("0.00")


def _amount(value: Decimal | str | int, name: str) -> Decimal:
    try:
        return validate_amount(value)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def _ceiling_amount(awarded: Decimal, ceiling_rate: Decimal) -> Decimal:
    # Rounded down: rounding up would let payments pass the ceiling by a cent.
    return (awarded * ceiling_rate).quantize(CENT, rounding=ROUND_DOWN)


def add_months(start: date, months: int) -> date:
    """`start` moved by whole months, the day clamped to the month's end (31 Jan + 1 -> 28 Feb)."""
    years, month_index = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month_index + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


class InstallmentKind(StrEnum):
    """When in the grant's life a payment is made."""

    PREFINANCING = "prefinancing"
    INTERIM = "interim"
    FINAL = "final"


@dataclass(frozen=True, slots=True)
class PlannedInstallment:
    """One planned payment. `sequence` is the 1-based order within the schedule;
    `retention` is the amount withheld (pre-financing) or released (final)."""

    kind: InstallmentKind
    sequence: int
    amount: Decimal
    due_offset_months: int
    due_date: date
    retention: Decimal
    condition: str

    def to_dict(self) -> dict:
        return plain_data(self)


def payment_schedule(
    awarded: Decimal, model: PaymentModel, *, start: date, duration_months: int
) -> tuple[PlannedInstallment, ...]:
    """Pre-financing, interim payments and final balance; amounts add up exactly to `awarded`.

    Cumulative gross targets (pre-financing, then after each interim) are rounded
    half-up to cents and clamped to the ceiling (rounded down), so rounding never
    drifts and never passes the ceiling. The final balance takes the remainder and
    the released retention. Interim k is due at the end of reporting period k of
    interim_count + 1 equal periods (months rounded down); the final at the end.
    """
    awarded = _amount(awarded, "Awarded amount")
    if awarded <= 0:
        raise ValueError("The awarded amount must be positive.")
    count = model.interim_count
    if isinstance(duration_months, bool) or not isinstance(duration_months, int):
        raise TypeError("The duration is a whole number of months.")
    if duration_months < count + 1:
        raise ValueError(
            f"A {duration_months}-month project cannot have {count + 1} reporting periods."
        )
    ceiling = _ceiling_amount(awarded, model.ceiling_rate)
    gross_prefinancing = awarded * model.prefinancing_rate
    if model.interim_rates:
        cumulative = accumulate(model.interim_rates, initial=model.prefinancing_rate)
        exact_targets = [awarded * rate for rate in cumulative]
    else:
        room = awarded * (model.ceiling_rate - model.prefinancing_rate)
        exact_targets = [gross_prefinancing]
        exact_targets += [gross_prefinancing + room * k / count for k in range(1, count + 1)]
    targets = [min(to_cents(target), ceiling) for target in exact_targets]
    retention = min(to_cents(awarded * model.retention_rate), targets[0])

    def planned(kind, sequence, amount, offset, retention_part, condition):
        return PlannedInstallment(
            kind, sequence, amount, offset, add_months(start, offset), retention_part, condition
        )

    installments = [
        planned(InstallmentKind.PREFINANCING, 1, targets[0] - retention, 0, retention,
                "At signature, less the retention"),
    ]
    for k in range(1, count + 1):
        installments.append(
            planned(InstallmentKind.INTERIM, k + 1, targets[k] - targets[k - 1],
                    duration_months * k // (count + 1), ZERO,
                    f"After approval of periodic report {k}")
        )
    installments.append(
        planned(InstallmentKind.FINAL, count + 2, awarded - targets[-1] + retention,
                duration_months, retention,
                "After approval of the final report; releases the retention")
    )
    return tuple(installments)


class CutReason(StrEnum):
    """Why a claim was paid less than claimed."""

    NO_CATEGORY_BUDGET = "no_category_budget"
    OVER_CATEGORY_BUDGET = "over_category_budget"
    CEILING = "ceiling"
    GRANT_EXHAUSTED = "grant_exhausted"
    OFFICER_DECISION = "officer_decision"


@dataclass(frozen=True, slots=True)
class Cut:
    """A reduction: of claimed costs when `category` is set, else of the EU contribution."""

    category: str | None
    amount: Decimal
    reason: CutReason
    message: str

    def to_dict(self) -> dict:
        return plain_data(self)


@dataclass(frozen=True, slots=True)
class ClaimAssessment:
    """What a claim is worth; all amounts in cents. `payable` is the cash to pay now.

    `final_grant` (final claims only) is the grant the project earned in total;
    `recovery` is what the beneficiaries owe back when they were paid more. The
    released retention is already inside `payable` (or offsets `recovery`).
    """

    is_final: bool
    claimed_by_category: dict[str, Decimal]
    accepted_by_category: dict[str, Decimal]
    accepted_costs: Decimal
    funding_rate: Decimal
    contribution: Decimal
    computed_payable: Decimal
    payable: Decimal
    final_grant: Decimal | None
    retention_released: Decimal
    recovery: Decimal
    cuts: tuple[Cut, ...]

    def to_dict(self) -> dict:
        return plain_data(self)


def claim_payable(
    eligible_costs_by_category: Mapping[str, Decimal],
    budget_by_category: Mapping[str, Decimal],
    already_accepted_by_category: Mapping[str, Decimal],
    funding_rate: Decimal,
    *,
    awarded: Decimal,
    already_paid: Decimal,
    is_final: bool = False,
    ceiling_rate: Decimal = Decimal("0.90"),
    retention_withheld: Decimal = ZERO,
    indirect_rate: Decimal | None = None,
    cut_before: Decimal = ZERO,
    officer_amount: Decimal | None = None,
    officer_reason: str = "",
) -> ClaimAssessment:
    """Assess one claim of costs by category (codes "A".."D", "E" for indirect costs).

    Costs are capped per category by the budget left after earlier accepted claims.
    With `indirect_rate`, indirect costs are computed on the accepted direct costs
    less subcontracting and capped by budget "E" (and may not be claimed).
    `already_paid` is the cash paid so far; the ceiling counts it plus the retention.
    Interim: accepted costs x funding rate (half-up), capped by the ceiling. Final:
    the grant earned by all accepted costs (capped by `awarded`) less the cash paid,
    which releases the retention, or a recovery when negative. An officer may pay
    less than computed, never more. `cut_before` is what officers cut at earlier claims:
    it stays cut, so the final balance earns that much less.
    """
    funding_rate = validate_rate(funding_rate, "The funding rate")
    ceiling_rate = validate_rate(ceiling_rate, "The ceiling rate")
    awarded = _amount(awarded, "Awarded amount")
    already_paid = _amount(already_paid, "Already paid")
    retention_withheld = _amount(retention_withheld, "Retention withheld")
    cut_before = _amount(cut_before, "Cut before")
    claimed = {str(c): _amount(v, f"Claimed {c}") for c, v in eligible_costs_by_category.items()}
    budget = {str(c): _amount(v, f"Budget {c}") for c, v in budget_by_category.items()}
    earlier = {str(c): _amount(v, f"Accepted {c}")
               for c, v in already_accepted_by_category.items()}
    cuts: list[Cut] = []
    accepted: dict[str, Decimal] = {}

    def accept(category: str, amount: Decimal) -> None:
        remaining = max(budget.get(category, ZERO) - earlier.get(category, ZERO), ZERO)
        accepted[category] = min(amount, remaining)
        if amount > remaining:
            if category in budget:
                reason = CutReason.OVER_CATEGORY_BUDGET
                message = f"Category {category}: only {remaining:,.2f} of its budget is left."
            else:
                reason = CutReason.NO_CATEGORY_BUDGET
                message = f"Category {category} has no budget in this grant."
            cuts.append(Cut(category, amount - remaining, reason, message))

    for category, amount in claimed.items():
        accept(category, amount)
    if indirect_rate is not None:
        if INDIRECT_CATEGORY in claimed:
            raise ValueError(Message(
                N_("Indirect costs are computed from the direct costs, not claimed.")))
        indirect_rate = validate_rate(indirect_rate, "The indirect cost rate")
        base = sum((a for c, a in accepted.items() if c != CostCategory.SUBCONTRACTING), ZERO)
        claimed[INDIRECT_CATEGORY] = to_cents(base * indirect_rate)
        accept(INDIRECT_CATEGORY, claimed[INDIRECT_CATEGORY])

    accepted_costs = sum(accepted.values(), ZERO)
    contribution = to_cents(accepted_costs * funding_rate)
    final_grant = None
    recovery = released = ZERO
    if is_final:
        earned = to_cents((sum(earlier.values(), ZERO) + accepted_costs) * funding_rate)
        earned = max(earned - cut_before, ZERO)
        final_grant = min(earned, awarded)
        if earned > awarded:
            cuts.append(Cut(None, earned - awarded, CutReason.GRANT_EXHAUSTED,
                            f"The grant is limited to the awarded {awarded:,.2f}."))
        balance = final_grant - already_paid
        computed, recovery, released = max(balance, ZERO), max(-balance, ZERO), retention_withheld
    else:
        ceiling = _ceiling_amount(awarded, ceiling_rate)
        room = max(ceiling - already_paid - retention_withheld, ZERO)
        computed = min(contribution, room)
        if computed < contribution:
            at_ceiling = ceiling < awarded
            cuts.append(Cut(
                None, contribution - computed,
                CutReason.CEILING if at_ceiling else CutReason.GRANT_EXHAUSTED,
                f"Pre-financing and interim payments are limited to {percent_text(ceiling_rate)}"
                f" of the grant ({ceiling:,.2f}); {room:,.2f} is left." if at_ceiling
                else f"Only {room:,.2f} of the grant is left.",
            ))
    payable = computed
    if officer_amount is not None:
        payable = _amount(officer_amount, "Accepted amount")
        if payable > computed:
            raise ValueError(Message(
                N_("The accepted amount cannot exceed the computed %(amount)s."),
                amount=f"{computed:,.2f}"))
        if payable < computed:
            cuts.append(Cut(None, computed - payable, CutReason.OFFICER_DECISION,
                            officer_reason or "Reduced by the finance officer."))
    return ClaimAssessment(
        is_final=is_final,
        claimed_by_category=claimed,
        accepted_by_category=accepted,
        accepted_costs=accepted_costs,
        funding_rate=funding_rate,
        contribution=contribution,
        computed_payable=computed,
        payable=payable,
        final_grant=final_grant,
        retention_released=released,
        recovery=recovery,
        cuts=tuple(cuts),
    )


def split_between_beneficiaries(
    amount: Decimal, shares: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Split `amount` in proportion to `shares` (any non-negative weights), in cents.

    Largest remainder: everyone gets the rounded-down cents of their exact part, and
    the cents left go one each to the largest fractions, ties to the smaller key.
    The parts add up exactly to `amount`; the result keeps the order of `shares`.
    """
    cents = int(_amount(amount, "Amount") * 100)
    weights = {key: Fraction(_weight(key, w)) for key, w in shares.items()}
    total = sum(weights.values(), Fraction(0))
    if not total:
        raise ValueError("At least one beneficiary needs a positive share.")
    exact = {key: cents * weight / total for key, weight in weights.items()}
    parts = {key: int(part) for key, part in exact.items()}  # int() floors non-negatives
    left = cents - sum(parts.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - parts[k]), k))[:left]:
        parts[key] += 1
    return {key: Decimal(part).scaleb(-2) for key, part in parts.items()}


def _weight(key: str, weight: Decimal | str | int) -> Decimal:
    if isinstance(weight, bool | float) or not isinstance(weight, str | Decimal | int):
        raise TypeError(f"The share of {key} must be a Decimal, str or int.")
    try:
        weight = Decimal(weight)
    except ArithmeticError:
        raise ValueError(f"The share of {key} must be a number, not {weight!r}.") from None
    if not weight.is_finite() or weight < 0:
        raise ValueError(f"The share of {key} must be a finite number, 0 or more.")
    return weight


class OverpaymentError(ValueError):
    """A disbursement that is not positive or would pay more than the awarded grant."""


def check_disbursement(awarded: Decimal, already_disbursed: Decimal, amount: Decimal) -> None:
    """Refuse a disbursement unless 0 < amount and already_disbursed + amount <= awarded."""
    awarded = _amount(awarded, "Awarded amount")
    already_disbursed = _amount(already_disbursed, "Already disbursed")
    if isinstance(amount, Decimal | int) and Decimal(amount).is_finite() and amount <= 0:
        raise OverpaymentError(f"A disbursement must be a positive amount, not {amount}.")
    amount = _amount(amount, "Disbursement")
    if amount == 0:  # "0" typed as text
        raise OverpaymentError(f"A disbursement must be a positive amount, not {amount}.")
    total = already_disbursed + amount
    if total > awarded:
        remaining = max(awarded - already_disbursed, ZERO)
        raise OverpaymentError(
            f"Paying {amount:,.2f} would bring disbursements to {total:,.2f}, above the awarded"
            f" {awarded:,.2f}; at most {remaining:,.2f} can still be paid."
        )
