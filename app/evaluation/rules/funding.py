"""Funding line: walk the ranked list against the call budget; reserve list and promotions."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from app.evaluation.rules.ranking import RankedEntry, RankingOutcome
from app.evaluation.rules.scoring import CENT, to_decimal


class FundingOutcome(StrEnum):
    FUNDED = "funded"
    RESERVE = "reserve"
    REJECTED = "rejected"  # below the thresholds
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"  # was funded or on the reserve list, then withdrew


@dataclass(frozen=True, slots=True)
class FundingDecision:
    key: str
    position: int | None
    outcome: FundingOutcome
    requested: Decimal
    awarded: Decimal  # the requested grant when funded, else 0
    reserve_rank: int | None  # 1-based order on the reserve list
    remaining_after: Decimal  # budget left once everything down to this entry is funded
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "position": self.position,
            "outcome": str(self.outcome),
            "requested": str(self.requested),
            "awarded": str(self.awarded),
            "reserve_rank": self.reserve_rank,
            "remaining_after": str(self.remaining_after),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class FundingLine:
    decisions: tuple[FundingDecision, ...]
    budget: Decimal
    funded_total: Decimal
    remaining: Decimal
    # Entries of one unresolved tie that ended up on both sides of the line: the officer must
    # record the panel's decision before these outcomes can be published.
    tie_at_line: tuple[str, ...]

    @property
    def funded_keys(self) -> tuple[str, ...]:
        return self._keys(FundingOutcome.FUNDED)

    @property
    def reserve_keys(self) -> tuple[str, ...]:
        reserve = [d for d in self.decisions if d.outcome is FundingOutcome.RESERVE]
        return tuple(d.key for d in sorted(reserve, key=lambda d: d.reserve_rank or 0))

    def _keys(self, outcome: FundingOutcome) -> tuple[str, ...]:
        return tuple(d.key for d in self.decisions if d.outcome is outcome)

    def decision(self, key: str) -> FundingDecision:
        for decision in self.decisions:
            if decision.key == key:
                return decision
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "budget": str(self.budget),
            "funded_total": str(self.funded_total),
            "remaining": str(self.remaining),
            "tie_at_line": list(self.tie_at_line),
            "decisions": [decision.to_dict() for decision in self.decisions],
        }


def _cents(value: Any, what: str) -> Decimal:
    amount = to_decimal(value, what).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError(f"The {what} cannot be negative.")
    return amount


def funding_line(
    entries: Sequence[RankedEntry], budget: Decimal, ineligible: Iterable[str] = ()
) -> FundingLine:
    """Walk the ranking top down and fund each proposal while the remaining budget covers its
    requested grant (design 5).

    Policy: a proposal that does not fit is NOT funded partially and does NOT stop the walk:
    it goes onto the reserve list, and lower-ranked proposals that still fit are funded. Every
    ranked proposal not funded is on the reserve list, in ranking order. Below-threshold
    entries are rejected; `ineligible` keys are listed last as ineligible. Amounts are
    quantized to cents, half-up.
    """
    budget = _cents(budget, "budget")
    ranked = sorted(
        (e for e in entries if e.outcome is RankingOutcome.RANKED), key=lambda e: e.position or 0
    )
    remaining = budget
    decisions = []
    for entry in ranked:
        requested = _cents(entry.requested, "requested grant")
        if requested <= remaining:
            reason = f"Funded: the budget left ({remaining}) covers the request ({requested})."
            remaining -= requested
            outcome = FundingOutcome.FUNDED
        else:
            outcome = FundingOutcome.RESERVE
            reason = f"Reserve: the request ({requested}) exceeds the budget left ({remaining})."
        decisions.append(_decision(entry.key, entry.position, outcome, requested, reason))
    for entry in entries:
        if entry.outcome is RankingOutcome.BELOW_THRESHOLD:
            requested = _cents(entry.requested, "requested grant")
            reason = "Rejected: below the evaluation thresholds."
            decisions.append(_decision(entry.key, None, FundingOutcome.REJECTED, requested, reason))
    seen = {d.key for d in decisions}
    for key in ineligible:
        if key in seen:
            raise ValueError(f"{key} is both ranked and ineligible.")
        reason = "Ineligible: not evaluated."
        decisions.append(_decision(key, None, FundingOutcome.INELIGIBLE, Decimal("0.00"), reason))
    return _line(decisions, budget)


def promote_after_withdrawal(
    line: FundingLine, withdrawn_key: str, budget: Decimal | None = None
) -> FundingLine:
    """Mark `withdrawn_key` withdrawn and, if it was funded, spend the freed money on the
    reserve list: walking it in order, each reserve whose request fits what is left is funded
    (the same fit-or-skip policy as the funding line). Proposals already funded stay funded.
    `budget` defaults to the line's; pass a new one if the call budget changed.
    """
    budget = line.budget if budget is None else _cents(budget, "budget")
    withdrawn = line.decision(withdrawn_key)
    if withdrawn.outcome not in (FundingOutcome.FUNDED, FundingOutcome.RESERVE):
        raise ValueError(f"Only a funded or reserve proposal can withdraw ({withdrawn.outcome}).")
    decisions = [
        replace(
            d,
            outcome=FundingOutcome.WITHDRAWN,
            awarded=Decimal("0.00"),
            reserve_rank=None,
            reason="Withdrawn by the applicant.",
        )
        if d.key == withdrawn_key
        else d
        for d in line.decisions
    ]
    remaining = budget - sum((d.awarded for d in decisions), Decimal("0.00"))
    if remaining < 0:
        raise ValueError("The budget no longer covers the proposals already funded.")
    for index in sorted(_reserve_indexes(decisions), key=lambda i: decisions[i].reserve_rank):
        decision = decisions[index]
        if decision.requested <= remaining:
            remaining -= decision.requested
            decisions[index] = replace(
                decision,
                outcome=FundingOutcome.FUNDED,
                reason=f"Funded from the reserve list after {withdrawn_key} withdrew.",
            )
    return _line(decisions, budget)


def _reserve_indexes(decisions: Sequence[FundingDecision]) -> list[int]:
    return [i for i, d in enumerate(decisions) if d.outcome is FundingOutcome.RESERVE]


def _decision(
    key: str, position: int | None, outcome: FundingOutcome, requested: Decimal, reason: str
) -> FundingDecision:
    return FundingDecision(
        key=key,
        position=position,
        outcome=outcome,
        requested=requested,
        awarded=requested if outcome is FundingOutcome.FUNDED else Decimal("0.00"),
        reserve_rank=None,
        remaining_after=Decimal("0.00"),
        reason=reason,
    )


def _line(decisions: list[FundingDecision], budget: Decimal) -> FundingLine:
    """Fill in awarded amounts, running remaining budget and reserve ranks."""
    spent = Decimal("0.00")
    reserve_rank = 0
    final = []
    for decision in decisions:
        funded = decision.outcome is FundingOutcome.FUNDED
        spent += decision.requested if funded else 0
        rank = None
        if decision.outcome is FundingOutcome.RESERVE:
            reserve_rank += 1
            rank = reserve_rank
        final.append(
            replace(
                decision,
                awarded=decision.requested if funded else Decimal("0.00"),
                reserve_rank=rank,
                remaining_after=budget - spent,
            )
        )
    return FundingLine(tuple(final), budget, spent, budget - spent, _tie_at_line(final))


def _tie_at_line(decisions: Sequence[FundingDecision]) -> tuple[str, ...]:
    # Ranked entries share a position only when a tie stayed unresolved (see ranking.rank).
    live = (FundingOutcome.FUNDED, FundingOutcome.RESERVE)
    groups: dict[int, list[FundingDecision]] = {}
    for decision in decisions:
        if decision.position is not None and decision.outcome in live:
            groups.setdefault(decision.position, []).append(decision)
    return tuple(
        d.key for group in groups.values() if len({d.outcome for d in group}) > 1 for d in group
    )
