"""Budget arithmetic for applications: cost categories, indirect costs, funding rates (pure)."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

CENT = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")
# Far above any grant, far below the Money column's BigInteger cents limit (9.2e16).
MAX_AMOUNT = Decimal("999999999999.99")
DEFAULT_INDIRECT_RATE = Decimal("0.25")
DE_MINIMIS_CEILING = Decimal("300000")
DE_MINIMIS_YEARS = 3
# Indirect costs (category E) are computed from the direct ones and never entered.
INDIRECT_CATEGORY = "E"


class CostCategory(StrEnum):
    """Horizon Europe direct cost categories (reference.md §3)."""

    PERSONNEL = "A"
    SUBCONTRACTING = "B"
    TRAVEL = "C1"
    EQUIPMENT = "C2"
    OTHER_GOODS_WORKS_SERVICES = "C3"
    OTHER_DIRECT = "D"

    @property
    def label(self) -> str:
        return COST_CATEGORY_LABELS[self]


COST_CATEGORY_LABELS: dict[str, str] = {
    CostCategory.PERSONNEL: "A. Personnel costs",
    CostCategory.SUBCONTRACTING: "B. Subcontracting costs",
    CostCategory.TRAVEL: "C.1 Travel and subsistence",
    CostCategory.EQUIPMENT: "C.2 Equipment",
    CostCategory.OTHER_GOODS_WORKS_SERVICES: "C.3 Other goods, works and services",
    CostCategory.OTHER_DIRECT: "D. Other cost categories",
    INDIRECT_CATEGORY: "E. Indirect costs",
}


class ICTCategory(StrEnum):
    """ICT solution a budget line pays for (the seed call's categories)."""

    BROADBAND = "broadband"
    ONLINE_COMMUNICATION = "online_communication"
    WEB_CONTENT_MANAGEMENT = "web_content_management"
    E_COMMERCE = "e_commerce"
    CLOUD_SOFTWARE = "cloud_software"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ICT_CATEGORY_LABELS[self]


ICT_CATEGORY_LABELS: dict[str, str] = {
    ICTCategory.BROADBAND: "Broadband connectivity",
    ICTCategory.ONLINE_COMMUNICATION: "Online communication and collaboration",
    ICTCategory.WEB_CONTENT_MANAGEMENT: "Web content management",
    ICTCategory.E_COMMERCE: "E-commerce",
    ICTCategory.CLOUD_SOFTWARE: "Cloud software and services",
    ICTCategory.OTHER: "Other ICT solutions",
}


def to_cents(value: Decimal) -> Decimal:
    """Round to cents, half-up (0.005 -> 0.01)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# Plain digits, or digits grouped by commas in threes; an optional dot and decimals.
_AMOUNT_PATTERN = re.compile(r"(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")


def validate_amount(value: str | Decimal | int) -> Decimal:
    """Parse a money amount typed by a user (or given as Decimal/int) into cents.

    The dot is the only decimal separator; a comma may only group thousands
    ("12500.50" and "12,500.50" are accepted). "12 500,50" and "12,50" are refused
    rather than guessed, because "12,500" means 12.5 in half of Europe. Trailing
    zeros are fine ("1.500" is 1.50); a value that needs more than cents is refused.
    Messages are written for a form field.
    """
    if isinstance(value, bool | float) or not isinstance(value, str | Decimal | int):
        raise TypeError(f"Amounts are str, Decimal or int, not {type(value).__name__}.")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("Enter an amount.")
        if text.startswith("-"):
            raise ValueError("The amount cannot be negative.")
        if not _AMOUNT_PATTERN.fullmatch(text):
            raise ValueError(
                "Enter the amount in digits with a dot for cents, e.g. 12500.50 or 12,500.50."
            )
        number = Decimal(text.replace(",", ""))
    else:
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError("Enter a finite amount.")
        if number < 0:
            raise ValueError("The amount cannot be negative.")
    if number > MAX_AMOUNT:
        raise ValueError(f"The amount cannot exceed {MAX_AMOUNT:,}.")
    if number != number.quantize(CENT):
        raise ValueError("Use at most 2 decimals (cents).")
    return abs(number.quantize(CENT))  # negatives are refused above; abs() turns -0 into 0


def validate_rate(value: Decimal | str | int, name: str) -> Decimal:
    """A rate between 0 and 1 (floats refused: 0.7 is not exactly 0.7)."""
    if isinstance(value, bool | float) or not isinstance(value, str | Decimal | int):
        raise TypeError(f"{name} must be a Decimal, str or int, not {type(value).__name__}.")
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{name} must be a number between 0 and 1, not {value!r}.") from None
    if not rate.is_finite() or not Decimal(0) <= rate <= 1:
        raise ValueError(f"{name} must be between 0 and 1, not {value}.")
    return rate


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One entered budget line of a participant; amount in cents, never negative."""

    category: CostCategory
    amount: Decimal
    ict_category: ICTCategory
    open_source: bool
    description: str = ""

    def __post_init__(self) -> None:
        # Accept the stored string codes ("C1", "cloud_software") from services.
        object.__setattr__(self, "category", CostCategory(self.category))
        object.__setattr__(self, "ict_category", ICTCategory(self.ict_category))
        object.__setattr__(self, "amount", validate_amount(self.amount))


@dataclass(frozen=True, slots=True)
class FundingRates:
    """A call's funding rates: a default plus overrides per organisation type (PRC, HES...)."""

    default: Decimal = Decimal("1")
    by_org_type: Mapping[str, Decimal] | tuple[tuple[str, Decimal], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "default", validate_rate(self.default, "The default funding rate"))
        pairs = (
            self.by_org_type.items() if isinstance(self.by_org_type, Mapping) else self.by_org_type
        )
        # Stored as sorted pairs so the dataclass stays hashable and its repr stable.
        normalised = tuple(
            sorted(
                (org_type.strip().upper(), validate_rate(rate, f"The funding rate for {org_type}"))
                for org_type, rate in pairs
            )
        )
        object.__setattr__(self, "by_org_type", normalised)

    def to_dict(self) -> dict:
        """JSON-friendly form, e.g. {"default": "1", "by_org_type": {"PRC": "0.70"}}."""
        return {
            "default": str(self.default),
            "by_org_type": {org_type: str(rate) for org_type, rate in self.by_org_type},
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "FundingRates":
        return cls(data.get("default", "1"), dict(data.get("by_org_type", {})))


RESEARCH_ACTION_RATES = FundingRates()
# Innovation Actions fund profit-making entities at 70 %, non-profits stay at 100 %.
INNOVATION_ACTION_RATES = FundingRates(Decimal("1"), {"PRC": Decimal("0.70")})


def funding_rate_for(org_type: str, rates: FundingRates) -> Decimal:
    """The rate for an organisation type, else the call's default rate."""
    return dict(rates.by_org_type).get(org_type.strip().upper(), rates.default)


@dataclass(frozen=True, slots=True)
class ParticipantBudget:
    """One participant's budget; every amount in cents (ROUND_HALF_UP)."""

    by_category: dict[CostCategory, Decimal]
    by_ict_category: dict[ICTCategory, Decimal]
    direct: Decimal
    subcontracting: Decimal
    indirect_base: Decimal
    indirect_rate: Decimal
    indirect: Decimal
    eligible: Decimal
    funding_rate: Decimal
    requested: Decimal
    open_source_direct: Decimal

    def by_category_with_indirect(self) -> dict[str, Decimal]:
        """Category code -> amount including "E"; the budget a claim is checked against."""
        amounts: dict[str, Decimal] = {str(c): a for c, a in self.by_category.items()}
        return {**amounts, INDIRECT_CATEGORY: self.indirect}

    def to_dict(self) -> dict:
        return {
            "by_category": {str(c): str(a) for c, a in self.by_category.items()},
            "by_ict_category": {str(c): str(a) for c, a in self.by_ict_category.items()},
            **{
                name: str(getattr(self, name))
                for name in (
                    "direct", "subcontracting", "indirect_base", "indirect_rate", "indirect",
                    "eligible", "funding_rate", "requested", "open_source_direct",
                )
            },
        }


def participant_budget(
    lines: Iterable[BudgetLine],
    *,
    indirect_rate: Decimal = DEFAULT_INDIRECT_RATE,
    funding_rate: Decimal = Decimal("1"),
) -> ParticipantBudget:
    """Totals of one participant's lines.

    direct = all lines (A-D, subcontracting included); indirect base = direct
    minus subcontracting (B); indirect = base x indirect_rate; eligible = direct +
    indirect; requested = eligible x funding_rate. Both products round half-up to cents.
    """
    indirect_rate = validate_rate(indirect_rate, "The indirect cost rate")
    funding_rate = validate_rate(funding_rate, "The funding rate")
    by_category = dict.fromkeys(CostCategory, Decimal("0.00"))
    by_ict = dict.fromkeys(ICTCategory, Decimal("0.00"))
    open_source = Decimal("0.00")
    for line in lines:
        by_category[line.category] += line.amount
        by_ict[line.ict_category] += line.amount
        if line.open_source:
            open_source += line.amount
    direct = sum(by_category.values(), Decimal("0.00"))
    subcontracting = by_category[CostCategory.SUBCONTRACTING]
    indirect_base = direct - subcontracting
    indirect = to_cents(indirect_base * indirect_rate)
    eligible = direct + indirect
    return ParticipantBudget(
        by_category=by_category,
        by_ict_category=by_ict,
        direct=direct,
        subcontracting=subcontracting,
        indirect_base=indirect_base,
        indirect_rate=indirect_rate,
        indirect=indirect,
        eligible=eligible,
        funding_rate=funding_rate,
        requested=to_cents(eligible * funding_rate),
        open_source_direct=open_source,
    )


def share(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole as a fraction with 4 places, half-up; 0 when whole is 0."""
    if not whole:
        return Decimal("0.0000")
    return (part / whole).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ConsortiumBudget:
    """A consortium's budget: sums of the participants' cents, shares with 4 places."""

    participants: dict[str, ParticipantBudget]
    by_category: dict[CostCategory, Decimal]
    by_ict_category: dict[ICTCategory, Decimal]
    direct: Decimal
    subcontracting: Decimal
    indirect: Decimal
    eligible: Decimal
    requested: Decimal
    open_source_share: Decimal
    requested_shares: dict[str, Decimal]

    def to_dict(self) -> dict:
        return {
            "participants": {key: budget.to_dict() for key, budget in self.participants.items()},
            "by_category": {str(c): str(a) for c, a in self.by_category.items()},
            "by_ict_category": {str(c): str(a) for c, a in self.by_ict_category.items()},
            "direct": str(self.direct),
            "subcontracting": str(self.subcontracting),
            "indirect": str(self.indirect),
            "eligible": str(self.eligible),
            "requested": str(self.requested),
            "open_source_share": str(self.open_source_share),
            "requested_shares": {key: str(s) for key, s in self.requested_shares.items()},
        }


def consortium_budget(
    budgets: Mapping[str, ParticipantBudget]
    | Iterable[tuple[str, Sequence[BudgetLine], Decimal]],
    *,
    indirect_rate: Decimal = DEFAULT_INDIRECT_RATE,
) -> ConsortiumBudget:
    """Add up participants' budgets (given ready-made, or as (key, lines, funding_rate)).

    The open-source share is open-source direct spending over all direct spending
    (every line carries an ICT category); shares are 4-place fractions, half-up.
    """
    if isinstance(budgets, Mapping):
        participants = dict(budgets)
    else:
        participants = {}
        for key, lines, funding_rate in budgets:
            if key in participants:
                raise ValueError(f"Participant {key!r} appears twice.")
            participants[key] = participant_budget(
                lines, indirect_rate=indirect_rate, funding_rate=funding_rate
            )
    zero = Decimal("0.00")
    by_category = dict.fromkeys(CostCategory, zero)
    by_ict = dict.fromkeys(ICTCategory, zero)
    for budget in participants.values():
        for category, amount in budget.by_category.items():
            by_category[category] += amount
        for ict_category, amount in budget.by_ict_category.items():
            by_ict[ict_category] += amount
    values = participants.values()
    direct = sum((b.direct for b in values), zero)
    requested = sum((b.requested for b in values), zero)
    return ConsortiumBudget(
        participants=participants,
        by_category=by_category,
        by_ict_category=by_ict,
        direct=direct,
        subcontracting=sum((b.subcontracting for b in values), zero),
        indirect=sum((b.indirect for b in values), zero),
        eligible=sum((b.eligible for b in values), zero),
        requested=requested,
        open_source_share=share(sum((b.open_source_direct for b in values), zero), direct),
        requested_shares={key: share(b.requested, requested) for key, b in participants.items()},
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def de_minimis_headroom(
    previous_aid: Sequence[tuple[date, Decimal]],
    on: date,
    ceiling: Decimal = DE_MINIMIS_CEILING,
) -> Decimal:
    """De minimis aid still grantable on `on` (Regulation (EU) 2023/2831, rolling 3 years).

    Aid counts when granted after the same day three years earlier (29 February ->
    28 February) and on or before `on`; aid dated later has not been granted yet on
    `on`. Never negative; in cents.
    """
    window_start = _years_before(on, DE_MINIMIS_YEARS)
    counted = Decimal("0.00")
    for granted_on, amount in previous_aid:
        amount = validate_amount(amount)
        if window_start < granted_on <= on:
            counted += amount
    return max(validate_amount(ceiling) - counted, Decimal("0.00"))
