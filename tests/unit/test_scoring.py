"""Scoring rules: award criteria parsing, score scale, thresholds, totals, consensus, price."""

from decimal import Decimal as D

import pytest

from app.evaluation.rules.scoring import (
    AwardCriteria,
    ConsensusMethod,
    Criterion,
    CriterionKind,
    TieBreak,
    consensus_proposal,
    passes_thresholds,
    price_score,
    price_scores,
    unweighted_total,
    validate_score,
    weighted_total,
)

TENDER_DOC = {
    "criteria": [
        {"code": "excellence", "label": "Excellence", "kind": "expert", "weight": "1",
         "min": "0", "max": "5", "step": "0.5", "threshold": "3"},
        {"code": "impact", "label": "Impact", "kind": "expert", "weight": "1.5",
         "min": "0", "max": "5", "step": "0.5", "threshold": "3"},
        {"code": "price", "label": "Price", "kind": "price", "weight": "1",
         "min": "0", "max": "30", "step": "0.01", "threshold": None},
    ],
    "overall_threshold": "10", "experts_per_proposal": 3, "dispersion_limit": "2",
    "consensus_method": "median", "min_comment_length": 20,
    "tie_breaks": ["uncovered_area", "excellence_then_impact", "gender_balance",
                   "new_countries_then_budget", "panel_decision"],
}  # fmt: skip


def grant_doc(impact_weight="1.5", overall="10", **extra):
    """Horizon Europe defaults (reference.md 2): three criteria 0-5 by 0.5, 3 each, 10 overall."""
    return {
        "criteria": [
            {"code": code, "label": code.title(), "kind": "expert", "weight": weight,
             "min": 0, "max": 5, "step": "0.5", "threshold": 3}
            for code, weight in (("excellence", 1), ("impact", impact_weight),
                                 ("implementation", 1))
        ],
        "overall_threshold": overall,
        **extra,
    }  # fmt: skip


GRANT = AwardCriteria.from_document(grant_doc())
SCALE = GRANT.criterion("excellence")
PRICE = AwardCriteria.from_document(TENDER_DOC).criterion("price")


def test_parses_the_documented_shape():
    criteria = AwardCriteria.from_document(TENDER_DOC)
    assert [c.code for c in criteria.criteria] == ["excellence", "impact", "price"]
    impact = criteria.criterion("impact")
    assert (impact.weight, impact.minimum, impact.maximum, impact.step, impact.threshold) == (
        D("1.5"), D(0), D(5), D("0.5"), D(3),
    )  # fmt: skip
    assert criteria.criterion("price").kind is CriterionKind.PRICE
    assert criteria.criterion("price").threshold is None
    assert criteria.overall_threshold == D(10)
    assert criteria.dispersion_limit == D(2)
    assert criteria.experts_per_proposal == 3
    assert criteria.min_comment_length == 20
    assert criteria.consensus_method is ConsensusMethod.MEDIAN
    assert criteria.tie_breaks[0] is TieBreak.UNCOVERED_AREA
    assert [c.code for c in criteria.expert_criteria] == ["excellence", "impact"]


def test_integers_and_strings_parse_to_the_same_criterion():
    as_ints = Criterion.from_dict({"code": "x", "min": 0, "max": 5, "step": 1, "threshold": 3})
    as_strings = Criterion.from_dict(
        {"code": "x", "min": "0", "max": "5", "step": "1", "threshold": "3"}
    )
    assert as_ints == as_strings


def test_tie_break_codes_are_exactly_the_documented_strings():
    assert {t.value for t in TieBreak} == {
        "uncovered_area", "excellence_then_impact", "impact_then_excellence",
        "gender_balance", "new_countries_then_budget", "panel_decision",
    }  # fmt: skip


def _with(criterion_changes=None, **doc_changes):
    doc = grant_doc()
    doc["criteria"][0] = {**doc["criteria"][0], **(criterion_changes or {})}
    return {**doc, **doc_changes}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        pytest.param({"criteria": []}, "at least one", id="no-criteria"),
        pytest.param(_with({"code": ""}), "needs a code", id="no-code"),
        pytest.param(_with({"kind": "jury"}), "unknown kind", id="bad-kind"),
        pytest.param(_with({"step": "0"}), "step", id="zero-step"),
        pytest.param(_with({"min": 5, "max": 5}), "min must be below max", id="empty-scale"),
        pytest.param(_with({"threshold": 6}), "threshold", id="threshold-off-scale"),
        pytest.param(_with({"weight": "-1"}), "negative", id="negative-weight"),
        pytest.param(_with({"max": "five"}), "must be a number", id="word-for-number"),
        pytest.param(_with({"max": "NaN"}), "finite", id="nan"),
        pytest.param(_with({"code": "impact"}), "unique", id="duplicate-code"),
        pytest.param(_with(tie_breaks=["coin_toss"]), "coin_toss", id="unknown-tie-break"),
        pytest.param(_with(consensus_method="mode"), "mode", id="unknown-method"),
        pytest.param(_with(experts_per_proposal="3"), "whole number", id="experts-as-string"),
        pytest.param(_with(min_comment_length=-1), "whole number", id="negative-comment"),
    ],
)
def test_rejects_malformed_documents(doc, message):
    with pytest.raises(ValueError, match=message):
        AwardCriteria.from_document(doc)


@pytest.mark.parametrize(
    ("criterion", "value", "expected"),
    [
        pytest.param(SCALE, 0, D(0), id="zero"),
        pytest.param(SCALE, D("0.5"), D("0.5"), id="half"),
        pytest.param(SCALE, "3", D(3), id="string"),
        pytest.param(SCALE, "4.5", D("4.5"), id="string-half"),
        pytest.param(SCALE, 5, D(5), id="top"),
        pytest.param(SCALE, "5.0", D(5), id="top-with-decimals"),
        pytest.param(PRICE, "12.34", D("12.34"), id="price-cent-step"),
        pytest.param(PRICE, "30", D(30), id="price-max"),
    ],
)
def test_accepts_scores_on_the_scale(criterion, value, expected):
    assert validate_score(criterion, value) == expected


@pytest.mark.parametrize(
    ("criterion", "value", "message"),
    [
        pytest.param(SCALE, D("5.5"), "Enter a score between 0 and 5.", id="above-max"),
        pytest.param(SCALE, D("-0.5"), "Enter a score between 0 and 5.", id="below-min"),
        pytest.param(SCALE, 6, "Enter a score between 0 and 5.", id="integer-above"),
        pytest.param(SCALE, D("2.25"), "steps of 0.5 from 0: enter 2 or 2.5", id="quarter"),
        pytest.param(SCALE, "4.9", "enter 4.5 or 5", id="near-top"),
        pytest.param(SCALE, "0.1", "enter 0 or 0.5", id="near-bottom"),
        pytest.param(PRICE, "12.345", "steps of 0.01 from 0: enter 12.34 or 12.35", id="mills"),
        pytest.param(SCALE, "abc", "Enter a number.", id="word"),
        pytest.param(SCALE, "", "Enter a number.", id="blank"),
        pytest.param(SCALE, None, "Enter a number.", id="none"),
        pytest.param(SCALE, True, "Enter a number.", id="bool"),
        pytest.param(SCALE, "NaN", "Enter a number.", id="nan"),
        pytest.param(SCALE, "Infinity", "Enter a number.", id="infinity"),
    ],
)
def test_rejects_scores_off_the_scale(criterion, value, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        validate_score(criterion, value)


def test_step_counts_from_the_minimum_not_from_zero():
    odd = Criterion.from_dict({"code": "x", "min": 1, "max": 10, "step": 3, "threshold": None})
    assert validate_score(odd, 4) == D(4)
    with pytest.raises(ValueError, match="enter 1 or 4"):
        validate_score(odd, 3)


def scores(excellence, impact, implementation):
    return {"excellence": D(excellence), "impact": D(impact), "implementation": D(implementation)}


@pytest.mark.parametrize(
    ("marks", "passed", "failed", "total"),
    [
        pytest.param(("4", "3", "3"), True, (), "10", id="exactly-at-both-thresholds"),
        pytest.param(("5", "5", "5"), True, (), "15", id="full-marks"),
        pytest.param(("3", "3", "3"), False, (), "9", id="each-ok-overall-fails"),
        pytest.param(("3", "3", "3.5"), False, (), "9.5", id="half-point-short-overall"),
        pytest.param(("2.5", "5", "5"), False, ("excellence",), "12.5", id="excellence-fails"),
        pytest.param(("5", "2.5", "5"), False, ("impact",), "12.5", id="impact-fails"),
        pytest.param(("0", "0", "5"), False, ("excellence", "impact"), "5", id="two-fail"),
    ],
)
def test_thresholds_per_criterion_and_overall(marks, passed, failed, total):
    result = passes_thresholds(GRANT, scores(*marks))
    assert (result.passed, result.failed_criteria, result.total) == (passed, failed, D(total))
    assert result.overall_threshold == D(10)


@pytest.mark.parametrize(
    "marks",
    [("4", "3", "3"), ("3", "3", "3"), ("2.5", "5", "5"), ("3", "4", "3"), ("5", "2.5", "5")],
    ids=["pass-boundary", "overall-fail", "excellence-fail", "impact-high", "impact-fail"],
)
def test_weights_never_change_pass_or_fail(marks):
    weighted = AwardCriteria.from_document(grant_doc(impact_weight="1.5"))
    unweighted = AwardCriteria.from_document(grant_doc(impact_weight="1"))
    assert passes_thresholds(weighted, scores(*marks)) == passes_thresholds(
        unweighted, scores(*marks)
    )


def test_impact_weight_changes_the_order_but_not_pass_fail():
    strong_excellence = scores("4", "3", "3")  # 4 + 3 x 1.5 + 3 = 11.5
    strong_impact = scores("3", "4", "3")  # 3 + 4 x 1.5 + 3 = 12
    assert unweighted_total(GRANT, strong_excellence) == unweighted_total(GRANT, strong_impact)
    assert weighted_total(GRANT, strong_excellence) == D("11.5")
    assert weighted_total(GRANT, strong_impact) == D("12")
    assert passes_thresholds(GRANT, strong_excellence).passed
    assert passes_thresholds(GRANT, strong_impact).passed


def test_a_high_weighted_total_does_not_rescue_a_failed_criterion():
    lopsided = scores("2.5", "5", "5")  # weighted 2.5 + 7.5 + 5 = 15
    assert weighted_total(GRANT, lopsided) == D(15)
    assert not passes_thresholds(GRANT, lopsided).passed


def test_price_counts_in_the_weighted_total_but_not_the_quality_total():
    tender = AwardCriteria.from_document(TENDER_DOC)
    marks = {"excellence": D(5), "impact": D(4), "price": D("20.00")}
    assert unweighted_total(tender, marks) == D(9)
    assert weighted_total(tender, marks) == D(5) + D(6) + D(20)
    result = passes_thresholds(tender, marks)
    assert (result.passed, result.failed_criteria, result.total) == (False, (), D(9))


@pytest.mark.parametrize(
    ("marks", "message"),
    [
        pytest.param({"excellence": D(3), "impact": D(3)}, "Missing scores", id="missing"),
        pytest.param({**scores(3, 3, 4), "ethics": D(1)}, "unknown criteria", id="unknown"),
    ],
)
def test_totals_need_exactly_the_call_criteria(marks, message):
    for function in (unweighted_total, weighted_total, passes_thresholds):
        with pytest.raises(ValueError, match=message):
            function(GRANT, marks)


def test_no_overall_threshold_means_only_criteria_thresholds():
    criteria = AwardCriteria.from_document(grant_doc(overall=None))
    assert passes_thresholds(criteria, scores(3, 3, 3)).passed


def experts(*rows):
    return [{"excellence": D(e), "impact": D(i), "implementation": D(m)} for e, i, m in rows]


@pytest.mark.parametrize(
    ("method", "values", "proposed"),
    [
        pytest.param("median", ("3", "4", "5"), "4", id="median-odd"),
        pytest.param("median", ("3", "3.5"), "3.5", id="median-even-half-up"),
        pytest.param("median", ("2", "3", "4", "5"), "3.5", id="median-even-on-step"),
        pytest.param("median", ("1", "1", "5"), "1", id="median-ignores-outlier"),
        pytest.param("mean", ("3", "3", "4"), "3.5", id="mean-3.33-rounds-up"),
        pytest.param("mean", ("3", "3", "3.5"), "3", id="mean-3.17-rounds-down"),
        pytest.param("mean", ("3", "3.5"), "3.5", id="mean-exact-half-up"),
        pytest.param("mean", ("1", "1", "1", "1.5"), "1", id="mean-1.125"),
        pytest.param("mean", ("1", "1", "5"), "2.5", id="mean-follows-outlier"),
        pytest.param("mean", ("5", "5", "5"), "5", id="mean-top"),
    ],
)
def test_consensus_proposal_rounds_half_up_to_the_step(method, values, proposed):
    rows = [(value, 3, 3) for value in values]
    result = consensus_proposal(GRANT, experts(*rows), method=method)
    assert result.scores["excellence"] == D(proposed)
    assert result.method == method
    assert result.expert_count == len(values)


@pytest.mark.parametrize(
    ("values", "limit", "spread", "dispersed"),
    [
        pytest.param(("3", "4", "5"), "2", "2", False, id="at-limit"),
        pytest.param(("2.5", "4", "5"), "2", "2.5", True, id="over-limit"),
        pytest.param(("1", "5", "5"), "2", "4", True, id="far-apart"),
        pytest.param(("4", "4", "4"), "0", "0", False, id="agreement"),
        pytest.param(("4", "4", "4.5"), "0", "0.5", True, id="zero-limit"),
        pytest.param(("1", "5", "5"), None, "4", True, id="call-default-2"),
    ],
)
def test_dispersion_flag_when_experts_differ_by_more_than_the_limit(
    values, limit, spread, dispersed
):
    rows = [(3, value, 3) for value in values]
    result = consensus_proposal(
        GRANT_WITH_LIMIT, experts(*rows), dispersion_limit=None if limit is None else D(limit)
    )
    impact = result.criteria[1]
    assert impact.code == "impact"
    assert (impact.minimum, impact.maximum) == (D(min(values, key=D)), D(max(values, key=D)))
    assert impact.spread == D(spread)
    assert impact.dispersed is dispersed
    assert result.dispersed_criteria == (("impact",) if dispersed else ())


GRANT_WITH_LIMIT = AwardCriteria.from_document(grant_doc(dispersion_limit="2"))


def test_no_dispersion_limit_means_no_flags():
    result = consensus_proposal(GRANT, experts((0, 0, 0), (5, 5, 5)))
    assert result.dispersed_criteria == ()
    assert [item.spread for item in result.criteria] == [D(5)] * 3


def test_consensus_method_defaults_to_the_call_document():
    mean_call = AwardCriteria.from_document(grant_doc(consensus_method="mean"))
    rows = experts((1, 3, 3), (1, 3, 3), (5, 3, 3))
    assert consensus_proposal(mean_call, rows).scores["excellence"] == D("2.5")
    assert consensus_proposal(GRANT, rows).scores["excellence"] == D(1)


def test_consensus_covers_only_expert_criteria():
    tender = AwardCriteria.from_document(TENDER_DOC)
    result = consensus_proposal(tender, [{"excellence": D(4), "impact": D(3)}])
    assert set(result.scores) == {"excellence", "impact"}
    assert result.to_dict()["criteria"][0] == {
        "code": "excellence", "proposed": "4", "min": "4", "max": "4",
        "spread": "0", "dispersed": False,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        pytest.param([], "at least one", id="no-experts"),
        pytest.param([{"excellence": D(3), "impact": D(3)}], "Expert 1 has no score", id="gap"),
        pytest.param(experts((3, 3, 3), ("5.5", 3, 3)), "between 0 and 5", id="off-scale"),
        pytest.param(experts((3, 3, 3), ("2.25", 3, 3)), "steps of 0.5", id="off-step"),
    ],
)
def test_consensus_rejects_incomplete_or_invalid_scores(rows, message):
    with pytest.raises(ValueError, match=message):
        consensus_proposal(GRANT, rows)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("6.4", "6"), ("7.4", "7"), ("7.5", "8"), ("9.9", "9"), ("0.4", "1")],
    ids=["round-down-low", "round-down", "half-up", "max-off-grid", "clamp-to-min"],
)
def test_round_to_step_stays_on_the_scale(value, expected):
    # Scale 1, 2, ..., 9: max 9.5 is not on the grid, min 1 is.
    criterion = Criterion.from_dict({"code": "x", "min": 1, "max": "9.5", "step": 1})
    assert criterion.round_to_step(D(value)) == D(expected)


@pytest.mark.parametrize(
    ("lowest", "price", "max_points", "expected"),
    [
        pytest.param("100", "100", "30", "30.00", id="lowest-gets-max"),
        pytest.param("100", "200", "30", "15.00", id="double-price-half-points"),
        pytest.param("100", "300", "30", "10.00", id="triple-price"),
        pytest.param("100", "150", "30", "20.00", id="one-and-a-half"),
        pytest.param("1", "3", "10", "3.33", id="thirds-down"),
        pytest.param("2", "3", "10", "6.67", id="thirds-up"),
        pytest.param("1", "8", "1", "0.13", id="exact-half-cent-rounds-up"),
        pytest.param("1", "16", "1", "0.06", id="0.0625"),
        pytest.param("99999.99", "100000.00", "30", "30.00", id="nearly-lowest"),
    ],
)
def test_price_score_formula(lowest, price, max_points, expected):
    assert price_score(D(lowest), D(price), D(max_points)) == D(expected)


@pytest.mark.parametrize(
    ("lowest", "price", "message"),
    [("100", "0", "A tendered price must be greater than 0."),
     ("100", "-5", "A tendered price must be greater than 0."),
     ("0", "100", "A tendered price must be greater than 0."),
     ("200", "100", "The lowest price cannot be higher than the price being scored.")],
    ids=["zero-price", "negative-price", "zero-lowest", "lowest-above-price"],
)
def test_price_score_rejects_impossible_prices(lowest, price, message):
    with pytest.raises(ValueError, match=message):
        price_score(D(lowest), D(price), D(30))


def test_price_scores_use_the_lowest_tender():
    points = price_scores({"a": D(200), "b": D(100), "c": D(400)}, D(30))
    assert points == {"a": D("15.00"), "b": D("30.00"), "c": D("7.50")}
    assert price_scores({}, D(30)) == {}
