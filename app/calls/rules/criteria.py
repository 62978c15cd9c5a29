"""A call's award-criteria document: validation and presets (pure)."""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from app.calls.rules.eligibility_rules import (
    Preset,
    freeze,
    read_decimal,
    whole_number_between,
)
from app.calls.rules.lifecycle import CallKind
from app.calls.rules.wording import plain_number
from app.core.rules.messages import N_, Message


class CriteriaError(ValueError):
    """The document has problems; `errors` maps "criteria.<index>.<key>" or a top-level key
    (index 0-based, as in the list) to a message for that form field."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.errors.items()))


class CriterionKind(StrEnum):
    EXPERT = "expert"  # scored by experts on the criterion's scale
    PRICE = "price"  # scored by formula: lowest price / this price x max


class ConsensusMethod(StrEnum):
    MEDIAN = "median"
    MEAN = "mean"


@dataclass(frozen=True, slots=True)
class TieBreak:
    label: str
    description: str


# Order and wording follow reference.md 2; ranking.py implements each code.
TIE_BREAKS: Mapping[str, TieBreak] = MappingProxyType(
    {
        "uncovered_area": TieBreak(
            "Part of the call not yet covered",
            "A proposal covering a part of the call that no higher-ranked proposal covers "
            "comes first.",
        ),
        "excellence_then_impact": TieBreak(
            "Excellence, then Impact",
            "The higher Excellence score comes first; if equal, the higher Impact score.",
        ),
        "impact_then_excellence": TieBreak(
            "Impact, then Excellence",
            "The higher Impact score comes first; if equal, the higher Excellence score.",
        ),
        "gender_balance": TieBreak(
            "Gender balance",
            "The proposal whose named key personnel are closer to 50/50 comes first.",
        ),
        "new_countries_then_budget": TieBreak(
            "Geographical diversity, then budget",
            "More countries not already funded higher up comes first; if equal, the lower "
            "requested grant.",
        ),
        "panel_decision": TieBreak(
            "Panel decision",
            "The panel orders the proposals still tied and records its reason.",
        ),
    }
)
# These tie-breaks read the scores of the criteria with these codes.
_TIE_BREAK_NEEDS = {
    "excellence_then_impact": ("excellence", "impact"),
    "impact_then_excellence": ("excellence", "impact"),
}

_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_CRITERIA = 20
# evaluation/scoring.price_score rounds price points to cents, half up.
PRICE_STEP = Decimal("0.01")
SCORE_PLACES = 2


def _score(value: Any) -> Decimal:
    number = read_decimal(value, places=SCORE_PLACES)
    if number < 0:
        raise ValueError(Message(N_("Enter 0 or more.")))
    return number


def _positive(value: Any) -> Decimal:
    number = read_decimal(value, places=SCORE_PLACES)
    if number <= 0:
        raise ValueError(Message(N_("Enter a number above zero.")))
    return number


def _text(value: Any, *, required: bool, longest: int) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(Message(N_("Enter a text.") if not required
                                 else N_("This field is required.")))
    if len(value.strip()) > longest:
        raise ValueError(Message(N_("Use at most %(longest)d characters."), longest=longest))
    return value.strip()


def _read_code(value: Any) -> str:
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise ValueError(Message(N_("Use lower-case letters, digits and underscores, starting "
                                    "with a letter.")))
    return value


def _choice(options: type[StrEnum], message: str) -> Callable[[Any], StrEnum]:
    def read(value: Any) -> StrEnum:
        if value not in tuple(options):
            raise ValueError(Message(message))
        return options(value)

    return read


_CRITERION_READERS = {
    "code": _read_code,
    "label": lambda value: _text(value, required=True, longest=200),
    "description": lambda value: _text(value, required=False, longest=2000),
    "kind": _choice(CriterionKind, N_("Choose expert or price.")),
    "weight": _positive,
    "min": _score,
    "max": _score,
    "step": _positive,
    "threshold": _score,
}
_CRITERION_DEFAULTS = {
    "description": "",
    "kind": CriterionKind.EXPERT,
    "weight": Decimal(1),
    "threshold": None,
}


def _read_criterion(raw: Any, prefix: str, errors: dict[str, str]) -> dict[str, Any] | None:
    """The criterion's readable values (Decimal numbers); broken ones are left out."""
    if not isinstance(raw, Mapping):
        errors[prefix] = Message(N_("Each criterion must be an object."))
        return None
    for key in raw:
        if key not in _CRITERION_READERS:
            errors[f"{prefix}.{key}"] = Message(N_("Unknown setting."))
    criterion: dict[str, Any] = {}
    for key, read in _CRITERION_READERS.items():
        if raw.get(key) is None and key in _CRITERION_DEFAULTS:
            criterion[key] = _CRITERION_DEFAULTS[key]
        elif raw.get(key) is None and key == "step" and criterion.get("kind") == "price":
            criterion[key] = PRICE_STEP
        elif raw.get(key) is None:
            errors[f"{prefix}.{key}"] = Message(N_("This field is required."))
            continue
        else:
            try:
                criterion[key] = read(raw[key])
            except ValueError as problem:  # the Message itself, not str() of the error
                errors[f"{prefix}.{key}"] = problem.args[0] if problem.args else str(problem)
    _check_scale(criterion, prefix, errors)
    return criterion


def _check_scale(criterion: Mapping[str, Any], prefix: str, errors: dict[str, str]) -> None:
    """Scale rules between the readable numbers (unreadable ones are absent and skipped)."""
    kind, threshold = criterion.get("kind"), criterion.get("threshold")
    low, high, step = (criterion.get(key) for key in ("min", "max", "step"))
    if kind is CriterionKind.PRICE:
        if low is not None and low != 0:
            errors[f"{prefix}.min"] = Message(
                N_("The price formula scores from 0; set the minimum to 0."))
        if step is not None and step != PRICE_STEP:
            errors[f"{prefix}.step"] = Message(
                N_("Price points are rounded to 0.01; set the step to 0.01."))
        if threshold is not None:
            errors[f"{prefix}.threshold"] = Message(N_("A price criterion has no threshold."))
    if low is None or high is None:
        return
    if low >= high:
        errors[f"{prefix}.max"] = Message(N_("The maximum must be above the minimum."))
    elif step is not None and (high - low) % step:
        errors.setdefault(
            f"{prefix}.step", Message(N_("The step must divide the range from minimum to maximum."))
        )
    elif step is not None and threshold is not None and kind is CriterionKind.EXPERT:
        if not low <= threshold <= high:
            errors[f"{prefix}.threshold"] = Message(
                N_("Choose a threshold between %(low)s and %(high)s."),
                low=plain_number(low), high=plain_number(high))
        elif (threshold - low) % step:
            errors[f"{prefix}.threshold"] = Message(
                N_("Use a score on the scale (steps of %(step)s)."), step=plain_number(step))


def _read_criteria(
    value: Any, call_kind: CallKind | None, errors: dict[str, str]
) -> tuple[list[dict[str, Any]], set[str]]:
    """The criteria given as objects, and every code given (for the tie-breaks)."""
    seen_codes: set[str] = set()
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        errors["criteria"] = Message(N_("Add at least one criterion."))
        return [], seen_codes
    if len(value) > MAX_CRITERIA:
        errors["criteria"] = Message(N_("Use at most %(count)d criteria."), count=MAX_CRITERIA)
        return [], seen_codes
    criteria = []
    has_price = False
    for index, raw in enumerate(value):
        prefix = f"criteria.{index}"
        criterion = _read_criterion(raw, prefix, errors)
        if criterion is None:
            continue
        code = raw.get("code")
        if isinstance(code, str) and code in seen_codes:
            errors[f"{prefix}.code"] = Message(N_("Another criterion already uses this code."))
        elif isinstance(code, str):
            seen_codes.add(code)
        if criterion.get("kind") is CriterionKind.PRICE:
            if call_kind == CallKind.GRANT:
                errors[f"{prefix}.kind"] = Message(N_("Grant calls have no price criterion."))
            elif has_price:
                errors[f"{prefix}.kind"] = Message(N_("Only one criterion can be scored on price."))
            has_price = True
        criteria.append(criterion)
    kinds = [criterion.get("kind") for criterion in criteria]
    if len(kinds) == len(value) and None not in kinds and CriterionKind.EXPERT not in kinds:
        errors["criteria"] = Message(N_("Add at least one criterion scored by experts."))
    return criteria, seen_codes


def _read_tie_breaks(value: Any, codes: set[str], errors: dict[str, str]) -> list[str]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        errors["tie_breaks"] = Message(N_("List the tie-breaks in order."))
        return []
    chain: list[str] = []
    for index, code in enumerate(value):
        key = f"tie_breaks.{index}"
        if not isinstance(code, str) or code not in TIE_BREAKS:
            errors[key] = Message(N_("Unknown tie-break."))
        elif code in chain:
            errors[key] = Message(N_("This tie-break is already in the list."))
        elif code in _TIE_BREAK_NEEDS and any(earlier in _TIE_BREAK_NEEDS for earlier in chain):
            errors[key] = Message(
                N_("Use either Excellence-then-Impact or Impact-then-Excellence."))
        elif code in _TIE_BREAK_NEEDS and not set(_TIE_BREAK_NEEDS[code]) <= codes:
            errors[key] = Message(N_("Needs criteria with the codes excellence and impact."))
        chain.append(code)
    if "panel_decision" in chain[:-1]:
        errors.setdefault(
            f"tie_breaks.{chain.index('panel_decision')}",
            Message(N_("The panel decision settles every tie, so it must come last.")),
        )
    return chain


def _stored(value: Any) -> Any:
    """Decimals as plain strings and enums as their values, so the document is JSON."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


# Top-level settings other than criteria and tie_breaks: reader and default.
_SETTINGS: Mapping[str, tuple[Callable[[Any], Any], Any]] = {
    "overall_threshold": (_score, None),
    "experts_per_proposal": (whole_number_between(1, 10), 3),
    "dispersion_limit": (_positive, None),
    "consensus_method": (_choice(ConsensusMethod, N_("Choose median or mean.")), "median"),
    "min_comment_length": (whole_number_between(0, 5000), 0),
}
_DOCUMENT_KEYS = ("criteria", *_SETTINGS, "tie_breaks")


def validate_criteria(
    doc: Mapping[str, Any], *, call_kind: CallKind | None = None
) -> dict[str, Any]:
    """The normalised document (every key present, numbers as plain decimal strings), or
    CriteriaError listing every problem at once. Pass `call_kind` to refuse price in grants.

    The overall threshold is unweighted and counts expert criteria only (reference.md 2)."""
    if not isinstance(doc, Mapping):
        raise CriteriaError({"criteria": Message(N_("The award criteria must be a JSON object."))})
    errors: dict[str, str] = {}
    for key in doc:
        if key not in _DOCUMENT_KEYS:
            errors[str(key)] = Message(N_("Unknown setting."))
    raw_criteria = doc.get("criteria")
    criteria, codes = _read_criteria(raw_criteria, call_kind, errors)
    settings: dict[str, Any] = {}
    for key, (read, default) in _SETTINGS.items():
        settings[key] = default
        if doc.get(key) is not None:
            try:
                settings[key] = read(doc[key])
            except ValueError as problem:  # the Message itself, not str() of the error
                errors[key] = problem.args[0] if problem.args else str(problem)
    overall = settings["overall_threshold"]
    maxima_known = all("max" in criterion and "kind" in criterion for criterion in criteria)
    if overall is not None and criteria and len(criteria) == len(raw_criteria) and maxima_known:
        expert_total = sum(c["max"] for c in criteria if c["kind"] is CriterionKind.EXPERT)
        if overall > expert_total:
            errors["overall_threshold"] = Message(
                N_("The expert criteria add up to at most %(total)s."),
                total=plain_number(expert_total))
    chain = _read_tie_breaks(doc.get("tie_breaks") or [], codes, errors)
    if errors:
        raise CriteriaError(errors)
    return {
        "criteria": [{key: _stored(value) for key, value in c.items()} for c in criteria],
        **{key: _stored(value) for key, value in settings.items()},
        "tie_breaks": chain,
    }


def _criterion(code: str, label: str, top: str, step: str, threshold: str | None, **extra: str):
    """A preset criterion scored from 0 (kind, weight and description default as on a form)."""
    scale = {"min": "0", "max": top, "step": step, "threshold": threshold}
    return {"code": code, "label": label, **scale, **extra}


def _horizon_europe(impact_weight: str, first_scores: str) -> dict[str, Any]:
    return {
        "criteria": [
            _criterion("excellence", "Excellence", "5", "0.5", "3"),
            _criterion("impact", "Impact", "5", "0.5", "3", weight=impact_weight),
            _criterion(
                "implementation", "Quality and efficiency of the implementation", "5", "0.5", "3"
            ),
        ],
        "overall_threshold": "10",
        "experts_per_proposal": 3,
        "dispersion_limit": "2",
        "consensus_method": "median",
        "min_comment_length": 20,
        "tie_breaks": [
            "uncovered_area",
            first_scores,
            "gender_balance",
            "new_countries_then_budget",
            "panel_decision",
        ],
    }


CRITERIA_PRESETS: Mapping[str, Preset] = MappingProxyType(
    {
        "horizon_europe_ria": Preset(
            "Horizon Europe – Research and Innovation Action",
            "Excellence, Impact and Implementation scored 0–5 in half points; thresholds 3 "
            "each and 10 overall; 3 experts.",
            freeze(_horizon_europe("1", "excellence_then_impact")),
        ),
        "horizon_europe_ia": Preset(
            "Horizon Europe – Innovation Action",
            "As for Research and Innovation Actions, but Impact counts 1.5 times for ranking "
            "and decides ties before Excellence.",
            freeze(_horizon_europe("1.5", "impact_then_excellence")),
        ),
        "tender_price_quality_70_30": Preset(
            "Tender – 70 % quality, 30 % price",
            "Technical merit (40) and delivery plan (30) scored by experts, price (30) by formula.",
            freeze(
                {
                    "criteria": [
                        _criterion("technical_merit", "Technical merit", "40", "1", "24"),
                        _criterion("delivery_plan", "Delivery plan", "30", "1", "18"),
                        _criterion("price", "Price", "30", "0.01", None, kind="price"),
                    ],
                    "overall_threshold": "42",
                    "experts_per_proposal": 3,
                    "dispersion_limit": "8",
                    "consensus_method": "median",
                    "min_comment_length": 20,
                    "tie_breaks": ["panel_decision"],
                }
            ),
        ),
    }
)

