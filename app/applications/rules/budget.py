"""Budget arithmetic for applications: cost categories, indirect costs, funding rates (pure)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.calls.rules.finance import (
    DEFAULT_INDIRECT_RATE,
    INDIRECT_CATEGORY,
    CostCategory,
    ICTCategory,
    to_cents,
    validate_amount,
    validate_rate,
)

SHARE_PLACES = Decimal("0.0001")
# The categories in their order, listed once: iterating an Enum walks its members anew each
# time, and every budget of a page's consortium starts from all of them.
_COST_CATEGORIES = tuple(CostCategory)
_ICT_CATEGORIES = tuple(ICTCategory)


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
    by_category = dict.fromkeys(_COST_CATEGORIES, Decimal("0.00"))
    by_ict = dict.fromkeys(_ICT_CATEGORIES, Decimal("0.00"))
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
    by_category = dict.fromkeys(_COST_CATEGORIES, zero)
    by_ict = dict.fromkeys(_ICT_CATEGORIES, zero)
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


