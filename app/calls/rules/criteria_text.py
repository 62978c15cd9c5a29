"""A call's award criteria in plain language, for its page and its PDF (pure)."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from app.calls.rules.criteria import TIE_BREAKS, CriterionKind, validate_criteria
from app.calls.rules.wording import plain_number


def _steps(step: Decimal) -> str:
    if step == 1:
        return "in whole points"
    if step == Decimal("0.5"):
        return "in half points"
    return f"in steps of {plain_number(step)}"


def _scale_sentences(experts: list[dict], noun: str) -> list[str]:
    if len(experts) > 1 and len({(c["min"], c["max"], c["step"]) for c in experts}) == 1:
        subjects = [f"Each {noun}"]
    else:
        subjects = [c["label"] for c in experts]
    return [
        f"{subject} is scored from {c['min']} to {c['max']} {_steps(Decimal(c['step']))}"
        for subject, c in zip(subjects, experts, strict=False)
    ]


def _threshold_sentence(experts: list[dict], overall: str | None, noun: str) -> str | None:
    gated = [c for c in experts if c["threshold"] is not None]
    shared = {(c["threshold"], c["max"]) for c in gated}
    if len(experts) > 1 and len(gated) == len(experts) and len(shared) == 1:
        parts = [f"each {noun} needs at least {gated[0]['threshold']} of {gated[0]['max']}"]
    else:
        parts = [f"{c['label']} needs at least {c['threshold']} of {c['max']}" for c in gated]
    if overall is not None:
        total = plain_number(sum(Decimal(c["max"]) for c in experts))
        which = "the total" if noun == "criterion" else "the quality total"
        verb = "at least" if parts else "needs at least"
        parts.append(f"{which} {verb} {overall} of {total}")
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] or None


def _price_sentence(price: Mapping[str, str]) -> str:
    top = price["max"]
    return (
        f"{price['label']} is scored by formula: the lowest price offered divided by this "
        f"tender's price, times {top} (rounded to 2 decimals), so the cheapest gets {top}"
    )


def _expert_sentences(document: Mapping[str, Any]) -> list[str]:
    count = document["experts_per_proposal"]
    if count == 1:
        return ["Each proposal is evaluated by 1 independent expert"]
    sentences = [
        f"Each proposal is evaluated by {count} independent experts; the consensus starts "
        f"from the {document['consensus_method']} of their scores"
    ]
    if document["dispersion_limit"] is not None:
        sentences.append(
            f"Scores that differ by more than {document['dispersion_limit']} points between "
            "experts are flagged for discussion"
        )
    return sentences


def describe_criteria(doc: Mapping[str, Any]) -> list[str]:
    """Plain-language sentences: criteria, scale, thresholds, weights, price formula, experts,
    consensus and the tie-break chain. Validates `doc` first (CriteriaError if invalid)."""
    document = validate_criteria(doc)
    criteria = document["criteria"]
    experts = [c for c in criteria if c["kind"] == CriterionKind.EXPERT]
    priced = [c for c in criteria if c["kind"] == CriterionKind.PRICE]
    noun = "quality criterion" if priced else "criterion"
    criteria_noun = "criterion" if len(criteria) == 1 else "criteria"
    labels = "; ".join(c["label"] for c in criteria)
    sentences = [f"Scored on {len(criteria)} {criteria_noun}: {labels}"]
    sentences += _scale_sentences(experts, noun)
    sentences.append(_threshold_sentence(experts, document["overall_threshold"], noun))
    sentences += [
        f"{c['label']} counts {c['weight']} times for ranking only"
        for c in criteria
        if Decimal(c["weight"]) != 1
    ]
    sentences += [_price_sentence(c) for c in priced]
    sentences += _expert_sentences(document)
    if document["min_comment_length"]:
        length = document["min_comment_length"]
        sentences.append(f"Each score needs a comment of at least {length} characters")
    if document["tie_breaks"]:
        chain = "; ".join(
            f"({position}) {TIE_BREAKS[code].label}"
            for position, code in enumerate(document["tie_breaks"], start=1)
        )
        sentences.append(f"Ties are broken in this order: {chain}")
    return [sentence for sentence in sentences if sentence]
