"""Award criteria, score validation, thresholds, totals, consensus proposals and price points."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from app.core.rules.messages import N_, Message

CENT = Decimal("0.01")


class CriterionKind(StrEnum):
    EXPERT = "expert"  # scored by experts, then agreed in the consensus report
    PRICE = "price"  # computed from the tendered price by formula


class ConsensusMethod(StrEnum):
    MEDIAN = "median"
    MEAN = "mean"


class TieBreak(StrEnum):
    """Tie-break rule codes a call lists, in order, in its award criteria (reference.md 2)."""

    UNCOVERED_AREA = "uncovered_area"
    EXCELLENCE_THEN_IMPACT = "excellence_then_impact"
    IMPACT_THEN_EXCELLENCE = "impact_then_excellence"  # Innovation Actions
    GENDER_BALANCE = "gender_balance"
    NEW_COUNTRIES_THEN_BUDGET = "new_countries_then_budget"
    PANEL_DECISION = "panel_decision"


def to_decimal(value: Any, what: str = "value") -> Decimal:
    """A finite Decimal from a Decimal, int, numeric string or float (via its shortest repr)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str | float):
        raise ValueError(f"{what} must be a number, not {value!r}.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{what} must be a number, not {value!r}.") from None
    if not number.is_finite():
        raise ValueError(f"{what} must be a finite number, not {value!r}.")
    return number


def plain(number: Decimal) -> str:
    """'3.5', '10', '0.25': a Decimal without exponent or trailing zeros, for messages."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    label: str
    kind: CriterionKind
    weight: Decimal
    minimum: Decimal
    maximum: Decimal
    step: Decimal
    threshold: Decimal | None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Criterion":
        """Parse one entry of the award criteria document; ValueError says what is wrong."""
        code = str(data.get("code") or "").strip()
        if not code:
            raise ValueError("Every criterion needs a code.")
        try:
            kind = CriterionKind(data.get("kind", CriterionKind.EXPERT))
        except ValueError:
            raise ValueError(f"Criterion {code}: unknown kind {data.get('kind')!r}.") from None
        raw_threshold = data.get("threshold")
        criterion = cls(
            code=code,
            label=str(data.get("label") or code),
            kind=kind,
            weight=to_decimal(data.get("weight", 1), f"Criterion {code} weight"),
            minimum=to_decimal(data.get("min", 0), f"Criterion {code} min"),
            maximum=to_decimal(data.get("max"), f"Criterion {code} max"),
            step=to_decimal(data.get("step"), f"Criterion {code} step"),
            threshold=(
                None
                if raw_threshold is None
                else to_decimal(raw_threshold, f"Criterion {code} threshold")
            ),
        )
        criterion._check()
        return criterion

    def _check(self) -> None:
        if self.weight < 0:
            raise ValueError(f"Criterion {self.code}: the weight cannot be negative.")
        if self.step <= 0:
            raise ValueError(f"Criterion {self.code}: the step must be greater than 0.")
        if self.minimum >= self.maximum:
            raise ValueError(f"Criterion {self.code}: min must be below max.")
        if self.threshold is not None and not self.minimum <= self.threshold <= self.maximum:
            raise ValueError(f"Criterion {self.code}: the threshold must lie between min and max.")

    def round_to_step(self, value: Decimal) -> Decimal:
        """Nearest point of the scale min, min+step, ..., halves rounded up, kept within max."""
        steps = ((value - self.minimum) / self.step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        rounded = self.minimum + steps * self.step
        # When max is not on the grid, rounding up could leave the scale.
        while rounded > self.maximum:
            rounded -= self.step
        return max(rounded, self.minimum)


@dataclass(frozen=True, slots=True)
class AwardCriteria:
    criteria: tuple[Criterion, ...]
    overall_threshold: Decimal | None = None
    experts_per_proposal: int = 3
    dispersion_limit: Decimal | None = None
    consensus_method: ConsensusMethod = ConsensusMethod.MEDIAN
    min_comment_length: int = 0
    tie_breaks: tuple[TieBreak, ...] = ()

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> "AwardCriteria":
        """Parse a call's award criteria document (numbers as strings or ints)."""
        criteria = tuple(Criterion.from_dict(entry) for entry in doc.get("criteria") or ())
        if not criteria:
            raise ValueError("Add at least one award criterion.")
        codes = [criterion.code for criterion in criteria]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"Criterion codes must be unique: {', '.join(duplicates)}.")
        try:
            tie_breaks = tuple(TieBreak(code) for code in doc.get("tie_breaks") or ())
            method = ConsensusMethod(doc.get("consensus_method", ConsensusMethod.MEDIAN))
        except ValueError as error:
            raise ValueError(f"Award criteria: {error}.") from None
        overall = doc.get("overall_threshold")
        dispersion = doc.get("dispersion_limit")
        experts = doc.get("experts_per_proposal", 3)
        comment_length = doc.get("min_comment_length", 0)
        whole_numbers = {"experts_per_proposal": experts, "min_comment_length": comment_length}
        for name, number in whole_numbers.items():
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise ValueError(f"Award criteria: {name} must be a whole number, not {number!r}.")
        return cls(
            criteria=criteria,
            overall_threshold=None if overall is None else to_decimal(overall, "overall_threshold"),
            experts_per_proposal=experts,
            dispersion_limit=(
                None if dispersion is None else to_decimal(dispersion, "dispersion_limit")
            ),
            consensus_method=method,
            min_comment_length=comment_length,
            tie_breaks=tie_breaks,
        )

    def criterion(self, code: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(code)

    @property
    def expert_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind is CriterionKind.EXPERT)


def validate_score(criterion: Criterion, value: Any) -> Decimal:
    """The score as a Decimal; ValueError with a message fit to show under the form field."""
    # Messages (app/core/rules/messages.py): the English as before, said again at the edge.
    try:
        score = to_decimal(value, "score")
    except ValueError:
        raise ValueError(Message(N_("Enter a number."))) from None
    low, high, step = criterion.minimum, criterion.maximum, criterion.step
    if not low <= score <= high:
        raise ValueError(Message(N_("Enter a score between %(low)s and %(high)s."),
                                 low=plain(low), high=plain(high)))
    if (score - low) % step:
        below = low + ((score - low) / step).to_integral_value(rounding=ROUND_FLOOR) * step
        raise ValueError(Message(
            N_("Scores go in steps of %(step)s from %(low)s: enter %(below)s or %(above)s."),
            step=plain(step), low=plain(low), below=plain(below), above=plain(below + step)))
    return score


def _checked_scores(criteria: AwardCriteria, scores: Mapping[str, Decimal]) -> None:
    known = {criterion.code for criterion in criteria.criteria}
    missing = sorted(known - set(scores))
    unknown = sorted(set(scores) - known)
    if missing:
        raise ValueError(f"Missing scores for: {', '.join(missing)}.")
    if unknown:
        raise ValueError(f"Scores for unknown criteria: {', '.join(unknown)}.")


def unweighted_total(criteria: AwardCriteria, scores: Mapping[str, Decimal]) -> Decimal:
    """Sum of the expert-scored criteria: the quality total the overall threshold applies to.

    Price points are left out: they are a formula on the tender, not a judgement of quality,
    so a cheap but weak tender cannot lift itself over the quality threshold.
    """
    _checked_scores(criteria, scores)
    return sum((scores[c.code] for c in criteria.expert_criteria), Decimal(0))


def weighted_total(criteria: AwardCriteria, scores: Mapping[str, Decimal]) -> Decimal:
    """Sum of score x weight over every criterion (price included); used for ranking only.

    Not rounded: rounding could turn different totals into false ties.
    """
    _checked_scores(criteria, scores)
    return sum((scores[c.code] * c.weight for c in criteria.criteria), Decimal(0))


@dataclass(frozen=True, slots=True)
class ThresholdResult:
    passed: bool
    failed_criteria: tuple[str, ...]
    total: Decimal
    overall_threshold: Decimal | None

    @property
    def overall_passed(self) -> bool:
        return self.overall_threshold is None or self.total >= self.overall_threshold

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed_criteria": list(self.failed_criteria),
            "total": str(self.total),
            "overall_threshold": (
                None if self.overall_threshold is None else str(self.overall_threshold)
            ),
        }


def passes_thresholds(criteria: AwardCriteria, scores: Mapping[str, Decimal]) -> ThresholdResult:
    """Each criterion's threshold and the overall one, on UNWEIGHTED scores (a score equal to
    the threshold passes). Weights never enter here: they change the order, not pass/fail."""
    total = unweighted_total(criteria, scores)
    failed = tuple(
        c.code
        for c in criteria.criteria
        if c.threshold is not None and scores[c.code] < c.threshold
    )
    overall_ok = criteria.overall_threshold is None or total >= criteria.overall_threshold
    return ThresholdResult(
        passed=not failed and overall_ok,
        failed_criteria=failed,
        total=total,
        overall_threshold=criteria.overall_threshold,
    )


@dataclass(frozen=True, slots=True)
class CriterionConsensus:
    code: str
    proposed: Decimal  # median or mean of the experts, rounded half-up to the step
    minimum: Decimal
    maximum: Decimal
    spread: Decimal
    dispersed: bool  # experts differ by more than the call's dispersion limit

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "proposed": plain(self.proposed),
            "min": plain(self.minimum),
            "max": plain(self.maximum),
            "spread": plain(self.spread),
            "dispersed": self.dispersed,
        }


@dataclass(frozen=True, slots=True)
class ConsensusProposal:
    criteria: tuple[CriterionConsensus, ...]
    method: ConsensusMethod
    expert_count: int

    @property
    def scores(self) -> dict[str, Decimal]:
        return {item.code: item.proposed for item in self.criteria}

    @property
    def dispersed_criteria(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.criteria if item.dispersed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": str(self.method),
            "expert_count": self.expert_count,
            "criteria": [item.to_dict() for item in self.criteria],
        }


def _median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def consensus_proposal(
    criteria: AwardCriteria,
    expert_scores: Sequence[Mapping[str, Decimal]],
    method: ConsensusMethod | str | None = None,
    dispersion_limit: Decimal | None = None,
) -> ConsensusProposal:
    """Proposed consensus scores for the expert-scored criteria, for the rapporteur to start from.

    Per criterion: the median (default) or mean of the individual scores, rounded to the
    criterion's step with halves rounded UP (median of 3 and 3.5 on a 0.5 scale -> 3.5), plus
    min, max, spread and a dispersion flag when max - min > limit. `method` and
    `dispersion_limit` default to the call's document; no limit means no flags.
    """
    if not expert_scores:
        raise ValueError("A consensus needs at least one expert's scores.")
    method = ConsensusMethod(method or criteria.consensus_method)
    limit = criteria.dispersion_limit if dispersion_limit is None else dispersion_limit
    results = []
    for criterion in criteria.expert_criteria:
        values = []
        for number, scores in enumerate(expert_scores, start=1):
            if criterion.code not in scores:
                raise ValueError(f"Expert {number} has no score for {criterion.code}.")
            values.append(validate_score(criterion, scores[criterion.code]))
        raw = _median(values) if method is ConsensusMethod.MEDIAN else sum(values) / len(values)
        low, high = min(values), max(values)
        results.append(
            CriterionConsensus(
                code=criterion.code,
                proposed=criterion.round_to_step(raw),
                minimum=low,
                maximum=high,
                spread=high - low,
                dispersed=limit is not None and high - low > limit,
            )
        )
    return ConsensusProposal(tuple(results), method, len(expert_scores))


def price_score(lowest_price: Decimal, price: Decimal, max_points: Decimal) -> Decimal:
    """lowest / price x max points, rounded to 2 decimals half-up; the lowest price gets max."""
    lowest_price, price = to_decimal(lowest_price, "price"), to_decimal(price, "price")
    max_points = to_decimal(max_points, "max points")
    if price <= 0 or lowest_price <= 0:
        raise ValueError("A tendered price must be greater than 0.")
    if lowest_price > price:
        raise ValueError("The lowest price cannot be higher than the price being scored.")
    return (lowest_price / price * max_points).quantize(CENT, rounding=ROUND_HALF_UP)


def price_scores(prices: Mapping[str, Decimal], max_points: Decimal) -> dict[str, Decimal]:
    """Price points for every tender of a call, against the lowest price among them."""
    if not prices:
        return {}
    lowest = min(to_decimal(price, "price") for price in prices.values())
    return {key: price_score(lowest, price, max_points) for key, price in prices.items()}
