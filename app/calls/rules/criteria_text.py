"""A call's award criteria in plain language, for its page and its PDF (pure).

Each sentence is a Message (app/core/rules/messages.py): English here, said in the reader's
language at the edge (calls/views, the `translated` filter)."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from app.calls.rules.criteria import TIE_BREAKS, CriterionKind, validate_criteria
from app.calls.rules.wording import plain_number
from app.core.rules.messages import N_, Message, Nn_, Plural, Series

_CONSENSUS_METHODS = {"median": N_("median"), "mean": N_("mean")}


def _steps(step: Decimal) -> Message:
    if step == 1:
        return Message(N_("in whole points"))
    if step == Decimal("0.5"):
        return Message(N_("in half points"))
    return Message(N_("in steps of %(step)s"), step=plain_number(step))


def _scale_sentences(experts: list[dict], quality: bool) -> list[Message]:
    if len(experts) > 1 and len({(c["min"], c["max"], c["step"]) for c in experts}) == 1:
        c = experts[0]
        each = (N_("Each quality criterion is scored from %(min)s to %(max)s %(steps)s")
                if quality else N_("Each criterion is scored from %(min)s to %(max)s %(steps)s"))
        return [Message(each, min=c["min"], max=c["max"], steps=_steps(Decimal(c["step"])))]
    return [
        Message(N_("%(criterion)s is scored from %(min)s to %(max)s %(steps)s"),
                criterion=c["label"], min=c["min"], max=c["max"],
                steps=_steps(Decimal(c["step"])))
        for c in experts
    ]


def _threshold_sentence(experts: list[dict], overall: str | None,
                        quality: bool) -> Message | None:
    """The thresholds, one sentence of parts joined by "; " (the first part capitalised)."""
    gated = [c for c in experts if c["threshold"] is not None]
    shared = {(c["threshold"], c["max"]) for c in gated}
    if len(experts) > 1 and len(gated) == len(experts) and len(shared) == 1:
        each = (N_("Each quality criterion needs at least %(threshold)s of %(max)s") if quality
                else N_("Each criterion needs at least %(threshold)s of %(max)s"))
        parts = [Message(each, threshold=gated[0]["threshold"], max=gated[0]["max"])]
    else:
        # The sentence starts with the first criterion's label, capitalised.
        parts = [Message(N_("%(criterion)s needs at least %(threshold)s of %(max)s"),
                         criterion=c["label"][:1].upper() + c["label"][1:] if i == 0
                         else c["label"], threshold=c["threshold"], max=c["max"])
                 for i, c in enumerate(gated)]
    if overall is not None:
        total = plain_number(sum(Decimal(c["max"]) for c in experts))
        if parts:
            template = (N_("the quality total at least %(overall)s of %(total)s") if quality
                        else N_("the total at least %(overall)s of %(total)s"))
        else:
            template = (N_("The quality total needs at least %(overall)s of %(total)s")
                        if quality else N_("The total needs at least %(overall)s of %(total)s"))
        parts.append(Message(template, overall=overall, total=total))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Series(parts, "; ")


def _price_sentence(price: Mapping[str, str]) -> Message:
    return Message(
        N_("%(criterion)s is scored by formula: the lowest price offered divided by this "
           "tender's price, times %(max)s (rounded to 2 decimals), so the cheapest gets %(max)s"),
        criterion=price["label"], max=price["max"])


def _expert_sentences(document: Mapping[str, Any]) -> list[Message]:
    count = document["experts_per_proposal"]
    if count == 1:
        return [Message(N_("Each proposal is evaluated by 1 independent expert"))]
    method = document["consensus_method"]
    sentences: list[Message] = [Message(
        N_("Each proposal is evaluated by %(count)s independent experts; the consensus starts "
           "from the %(method)s of their scores"),
        count=count, method=Message(_CONSENSUS_METHODS.get(method, method)))]
    if document["dispersion_limit"] is not None:
        sentences.append(Message(
            N_("Scores that differ by more than %(limit)s points between experts are flagged "
               "for discussion"), limit=document["dispersion_limit"]))
    return sentences


def describe_criteria(doc: Mapping[str, Any]) -> list[Message]:
    """Plain-language sentences: criteria, scale, thresholds, weights, price formula, experts,
    consensus and the tie-break chain. Validates `doc` first (CriteriaError if invalid)."""
    document = validate_criteria(doc)
    criteria = document["criteria"]
    experts = [c for c in criteria if c["kind"] == CriterionKind.EXPERT]
    priced = [c for c in criteria if c["kind"] == CriterionKind.PRICE]
    quality = bool(priced)  # with a price, the expert criteria are the "quality" ones
    labels = "; ".join(c["label"] for c in criteria)
    sentences = [Plural(Nn_("Scored on %(num)d criterion: %(labels)s",
                            "Scored on %(num)d criteria: %(labels)s"),
                        len(criteria), labels=labels)]
    sentences += _scale_sentences(experts, quality)
    sentences.append(_threshold_sentence(experts, document["overall_threshold"], quality))
    sentences += [
        Message(N_("%(criterion)s counts %(weight)s times for ranking only"),
                criterion=c["label"], weight=c["weight"])
        for c in criteria
        if Decimal(c["weight"]) != 1
    ]
    sentences += [_price_sentence(c) for c in priced]
    sentences += _expert_sentences(document)
    if document["min_comment_length"]:
        sentences.append(Message(N_("Each score needs a comment of at least %(length)s "
                                    "characters"), length=document["min_comment_length"]))
    if document["tie_breaks"]:
        # Tie-break labels are marked in calls/labels.py TIE_BREAK_TEXTS.
        chain = Series([Message(N_("(%(position)d) %(rule)s"), position=position,
                                rule=Message(TIE_BREAKS[code].label))
                        for position, code in enumerate(document["tie_breaks"], start=1)], "; ")
        sentences.append(Message(N_("Ties are broken in this order: %(chain)s"), chain=chain))
    return [sentence for sentence in sentences if sentence]
