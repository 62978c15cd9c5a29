"""Award-criteria document: validation of every setting, presets and the plain-language text."""

from decimal import Decimal

import pytest

from app.calls.rules.criteria import (
    CRITERIA_PRESETS,
    TIE_BREAKS,
    CriteriaError,
    validate_criteria,
)
from app.calls.rules.criteria_text import describe_criteria
from app.calls.rules.lifecycle import CallKind

REFERENCE_CHAIN = ["uncovered_area", "excellence_then_impact", "gender_balance",
                   "new_countries_then_budget", "panel_decision"]  # fmt: skip


def criterion(code="excellence", label=None, **settings):
    scale = {"min": "0", "max": "5", "step": "0.5", "threshold": "3"}
    return {"code": code, "label": label or code.title(), **scale, **settings}


def document(*criteria, **settings):
    chosen = list(criteria) or [criterion("excellence"), criterion("impact")]
    return {"criteria": chosen, **settings}


def errors_of(doc, **options):
    # The message lists "field: problem" pairs; the tests below check each pair.
    with pytest.raises(CriteriaError, match=r"^[a-z_][a-z_0-9.]*: \S") as raised:
        validate_criteria(doc, **options)
    assert isinstance(raised.value, ValueError)
    return raised.value.errors


def test_minimal_document_gets_every_default():
    doc = {"criteria": [{"code": "quality", "label": " Quality ", "min": 0, "max": 10,
                         "step": 1}]}  # fmt: skip
    assert validate_criteria(doc) == {
        "criteria": [
            {"code": "quality", "label": "Quality", "description": "", "kind": "expert",
             "weight": "1", "min": "0", "max": "10", "step": "1", "threshold": None}
        ],
        "overall_threshold": None,
        "experts_per_proposal": 3,
        "dispersion_limit": None,
        "consensus_method": "median",
        "min_comment_length": 0,
        "tie_breaks": [],
    }  # fmt: skip


def test_validation_is_idempotent_and_json_friendly():
    once = validate_criteria(CRITERIA_PRESETS["tender_price_quality_70_30"].document)
    assert validate_criteria(once) == once
    values = [*once.values(), *(v for c in once["criteria"] for v in c.values())]
    assert all(type(v) in (str, int, list, type(None)) for v in values)


# (criterion key, given, stored)
CRITERION_VALID = [
    ("code", "excellence", "excellence"),
    ("code", "a1_b2", "a1_b2"),
    ("code", "x" * 40, "x" * 40),
    ("label", "Quality and efficiency of the implementation",
     "Quality and efficiency of the implementation"),
    ("label", "  Impact  ", "Impact"),
    ("description", "Clarity of the objectives.", "Clarity of the objectives."),
    ("description", "", ""),
    ("kind", "expert", "expert"),
    ("weight", "1.5", "1.5"),
    ("weight", 2, "2"),
    ("weight", "1.00", "1"),
    ("weight", Decimal("0.25"), "0.25"),
    ("min", "0.0", "0"),
    ("max", "5.00", "5"),
    ("step", "1", "1"),
    ("step", "0.25", "0.25"),
    ("step", "0.1", "0.1"),
    ("threshold", "0", "0"),
    ("threshold", "5", "5"),
    ("threshold", "2.5", "2.5"),
    ("threshold", None, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "given", "stored"),
    [pytest.param(*case, id=f"{case[0]}={case[1]!r}") for case in CRITERION_VALID],
)
def test_each_criterion_setting_accepts_and_normalises(key, given, stored):
    result = validate_criteria(document({**criterion("excellence"), key: given}))
    assert result["criteria"][0][key] == stored


# (criterion key, given, exact message)
CRITERION_INVALID = [
    ("code", "Excellence", "Use lower-case letters, digits and underscores, starting with a "
                           "letter."),
    ("code", "1st", "Use lower-case letters, digits and underscores, starting with a letter."),
    ("code", "with-dash", "Use lower-case letters, digits and underscores, starting with a "
                          "letter."),
    ("code", "x" * 41, "Use lower-case letters, digits and underscores, starting with a "
                       "letter."),
    ("code", 7, "Use lower-case letters, digits and underscores, starting with a letter."),
    ("label", "   ", "This field is required."),
    ("label", 5, "This field is required."),
    ("label", "L" * 201, "Use at most 200 characters."),
    ("description", "D" * 2001, "Use at most 2000 characters."),
    ("description", ["x"], "Enter a text."),
    ("kind", "jury", "Choose expert or price."),
    ("weight", "0", "Enter a number above zero."),
    ("weight", "-1", "Enter a number above zero."),
    ("weight", "1.125", "Use at most 2 decimal places."),
    ("weight", 1.5, "Enter a number."),
    ("min", "-1", "Enter 0 or more."),
    ("min", "low", "Enter a number."),
    ("max", "5.001", "Use at most 2 decimal places."),
    ("step", "0", "Enter a number above zero."),
    ("step", "-0.5", "Enter a number above zero."),
    ("threshold", "-1", "Enter 0 or more."),
    ("threshold", True, "Enter a number."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "given", "message"),
    [pytest.param(*case, id=f"{case[0]}={case[1]!r}"[:40]) for case in CRITERION_INVALID],
)
def test_each_criterion_setting_rejects_bad_values(key, given, message):
    doc = document({**criterion("excellence"), key: given}, criterion("impact"))
    assert errors_of(doc) == {f"criteria.0.{key}": message}


@pytest.mark.parametrize("key", ["code", "label", "min", "max", "step"])
def test_required_criterion_settings(key):
    incomplete = criterion("excellence")
    incomplete.pop(key)
    assert errors_of(document(incomplete)) == {f"criteria.0.{key}": "This field is required."}


# (criterion settings, key that has the error, exact message)
SCALE_ERRORS = [
    ({"min": "5", "max": "5"}, "max", "The maximum must be above the minimum."),
    ({"min": "6", "max": "5"}, "max", "The maximum must be above the minimum."),
    ({"step": "2"}, "step", "The step must divide the range from minimum to maximum."),
    ({"min": "1", "max": "5", "step": "3"}, "step",
     "The step must divide the range from minimum to maximum."),
    ({"threshold": "5.5"}, "threshold", "Choose a threshold between 0 and 5."),
    ({"min": "1", "threshold": "0.5"}, "threshold", "Choose a threshold between 1 and 5."),
    ({"threshold": "2.75"}, "threshold", "Use a score on the scale (steps of 0.5)."),
    ({"min": "1", "max": "10", "step": "3", "threshold": "5"}, "threshold",
     "Use a score on the scale (steps of 3)."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("settings", "key", "message"),
    [pytest.param(*case, id="-".join(f"{k}={v}" for k, v in case[0].items()))
     for case in SCALE_ERRORS],
)  # fmt: skip
def test_scale_rules(settings, key, message):
    assert errors_of(document(criterion("excellence", **settings))) == {
        f"criteria.0.{key}": message
    }


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({"min": "1", "max": "10", "step": "3", "threshold": "7"}, id="offset-grid"),
        pytest.param({"min": "0", "max": "100", "step": "0.01", "threshold": "50.25"},
                     id="fine-grid"),
        pytest.param({"min": "0", "max": "1", "step": "1", "threshold": "1"}, id="pass-fail"),
    ],
)  # fmt: skip
def test_scales_that_fit(settings):
    assert validate_criteria(document(criterion("excellence", **settings)))


def price(**settings):
    return {"code": "price", "label": "Price", "kind": "price", "min": "0", "max": "30",
            "step": "0.01", **settings}  # fmt: skip


@pytest.mark.parametrize(
    ("criteria", "options", "expected"),
    [
        pytest.param([criterion(), price(threshold="10")], {},
                     {"criteria.1.threshold": "A price criterion has no threshold."},
                     id="price-threshold"),
        pytest.param([criterion(), price(min="5")], {},
                     {"criteria.1.min": "The price formula scores from 0; set the minimum to 0."},
                     id="price-minimum"),
        pytest.param([criterion(), price(), price(code="cost")], {},
                     {"criteria.2.kind": "Only one criterion can be scored on price."},
                     id="two-prices"),
        pytest.param([criterion(), price()], {"call_kind": CallKind.GRANT},
                     {"criteria.1.kind": "Grant calls have no price criterion."},
                     id="price-in-grant"),
        pytest.param([criterion(), price()], {"call_kind": "grant"},
                     {"criteria.1.kind": "Grant calls have no price criterion."},
                     id="price-in-grant-as-string"),
        pytest.param([criterion(), price(step="0.1")], {},
                     {"criteria.1.step": "Price points are rounded to 0.01; set the step to 0.01."},
                     id="price-step"),
        pytest.param([criterion(), price(step="7")], {},
                     {"criteria.1.step": "Price points are rounded to 0.01; set the step to 0.01."},
                     id="price-step-off-range"),
        pytest.param([price()], {},
                     {"criteria": "Add at least one criterion scored by experts."},
                     id="price-only"),
    ],
)  # fmt: skip
def test_price_criterion_rules(criteria, options, expected):
    assert errors_of(document(*criteria), **options) == expected


def test_price_step_defaults_to_cents():
    without_step = {key: value for key, value in price().items() if key != "step"}
    assert validate_criteria(document(criterion(), without_step))["criteria"][1]["step"] == "0.01"


def test_expert_step_has_no_default():
    without_step = {key: value for key, value in criterion().items() if key != "step"}
    assert errors_of(document(without_step)) == {"criteria.0.step": "This field is required."}


@pytest.mark.parametrize("call_kind", [None, CallKind.TENDER])
def test_price_is_fine_in_tenders_and_when_kind_unknown(call_kind):
    result = validate_criteria(document(criterion(), price()), call_kind=call_kind)
    assert result["criteria"][1] == {
        "code": "price", "label": "Price", "description": "", "kind": "price", "weight": "1",
        "min": "0", "max": "30", "step": "0.01", "threshold": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        pytest.param(None, "Add at least one criterion.", id="missing"),
        pytest.param([], "Add at least one criterion.", id="empty"),
        pytest.param("excellence", "Add at least one criterion.", id="string"),
        pytest.param({"code": "x"}, "Add at least one criterion.", id="object"),
        pytest.param([criterion(f"c{i}") for i in range(21)], "Use at most 20 criteria.",
                     id="twenty-one"),
    ],
)  # fmt: skip
def test_criteria_list_shape(criteria, message):
    assert errors_of({"criteria": criteria}) == {"criteria": message}


def test_a_criterion_must_be_an_object():
    assert errors_of(document(criterion(), "impact")) == {
        "criteria.1": "Each criterion must be an object."
    }


def test_duplicate_codes_are_flagged_on_the_later_one():
    doc = document(criterion("impact"), criterion("excellence"), criterion("impact"))
    assert errors_of(doc) == {"criteria.2.code": "Another criterion already uses this code."}


def test_unknown_keys_at_both_levels():
    doc = document(criterion("excellence", points="5"), criterion("impact"), panel=True)
    assert errors_of(doc) == {"criteria.0.points": "Unknown setting.", "panel": "Unknown setting."}


@pytest.mark.parametrize("doc", [pytest.param([], id="list"), pytest.param(None, id="none")])
def test_document_must_be_an_object(doc):
    assert list(errors_of(doc)) == ["criteria"]


# (top-level key, given, stored)
SETTINGS_VALID = [
    ("overall_threshold", "10", "10"),
    ("overall_threshold", "0", "0"),
    ("overall_threshold", "9.5", "9.5"),
    ("overall_threshold", None, None),
    ("experts_per_proposal", 1, 1),
    ("experts_per_proposal", "10", 10),
    ("dispersion_limit", "2", "2"),
    ("dispersion_limit", "1.50", "1.5"),
    ("dispersion_limit", None, None),
    ("consensus_method", "median", "median"),
    ("consensus_method", "mean", "mean"),
    ("min_comment_length", 0, 0),
    ("min_comment_length", 5000, 5000),
    ("tie_breaks", [], []),
    ("tie_breaks", None, []),
    ("tie_breaks", REFERENCE_CHAIN, REFERENCE_CHAIN),
    ("tie_breaks", ("panel_decision",), ["panel_decision"]),
]


@pytest.mark.parametrize(
    ("key", "given", "stored"),
    [pytest.param(*case, id=f"{case[0]}={case[1]!r}"[:50]) for case in SETTINGS_VALID],
)
def test_each_setting_accepts_and_normalises(key, given, stored):
    assert validate_criteria(document(**{key: given}))[key] == stored


# (top-level key, given, exact message)
SETTINGS_INVALID = [
    ("overall_threshold", "-1", "Enter 0 or more."),
    ("overall_threshold", "ten", "Enter a number."),
    ("overall_threshold", "10.5", "The expert criteria add up to at most 10."),
    ("experts_per_proposal", 0, "Enter a whole number from 1 to 10."),
    ("experts_per_proposal", 11, "Enter a whole number from 1 to 10."),
    ("experts_per_proposal", "three", "Enter a whole number."),
    ("dispersion_limit", "0", "Enter a number above zero."),
    ("dispersion_limit", "2.125", "Use at most 2 decimal places."),
    ("consensus_method", "average", "Choose median or mean."),
    ("consensus_method", "Median", "Choose median or mean."),
    ("min_comment_length", -1, "Enter a whole number from 0 to 5000."),
    ("min_comment_length", 5001, "Enter a whole number from 0 to 5000."),
    ("tie_breaks", "panel_decision", "List the tie-breaks in order."),
]


@pytest.mark.parametrize(
    ("key", "given", "message"),
    [pytest.param(*case, id=f"{case[0]}={case[1]!r}") for case in SETTINGS_INVALID],
)
def test_each_setting_rejects_bad_values(key, given, message):
    assert errors_of(document(**{key: given})) == {key: message}


def test_overall_threshold_counts_expert_maxima_only():
    doc = document(criterion("quality", max="40", step="1", threshold=None), price())
    assert validate_criteria({**doc, "overall_threshold": "40"})["overall_threshold"] == "40"
    assert errors_of({**doc, "overall_threshold": "41"}) == {
        "overall_threshold": "The expert criteria add up to at most 40."
    }


def test_overall_threshold_is_not_checked_against_unreadable_maxima():
    doc = document(criterion("excellence", max="many"), criterion("impact"))
    assert errors_of({**doc, "overall_threshold": "100"}) == {"criteria.0.max": "Enter a number."}


def test_tie_break_catalogue_is_exactly_the_reference_list():
    assert list(TIE_BREAKS) == [
        "uncovered_area", "excellence_then_impact", "impact_then_excellence", "gender_balance",
        "new_countries_then_budget", "panel_decision",
    ]  # fmt: skip
    for tie_break in TIE_BREAKS.values():
        assert tie_break.label and tie_break.description.endswith(".")


@pytest.mark.parametrize("code", list(TIE_BREAKS))
def test_every_tie_break_is_accepted_alone(code):
    assert validate_criteria(document(tie_breaks=[code]))["tie_breaks"] == [code]


@pytest.mark.parametrize(
    ("chain", "criteria", "expected"),
    [
        pytest.param(["coin_toss"], None, {"tie_breaks.0": "Unknown tie-break."}, id="unknown"),
        pytest.param([3], None, {"tie_breaks.0": "Unknown tie-break."}, id="not-a-code"),
        pytest.param(["gender_balance", "gender_balance"], None,
                     {"tie_breaks.1": "This tie-break is already in the list."}, id="repeated"),
        pytest.param(["excellence_then_impact", "impact_then_excellence"], None,
                     {"tie_breaks.1":
                      "Use either Excellence-then-Impact or Impact-then-Excellence."},
                     id="both-score-orders"),
        pytest.param(["panel_decision", "gender_balance"], None,
                     {"tie_breaks.0": "The panel decision settles every tie, so it must come "
                                      "last."}, id="panel-not-last"),
        pytest.param(["impact_then_excellence"], [criterion("excellence"), criterion("quality")],
                     {"tie_breaks.0": "Needs criteria with the codes excellence and impact."},
                     id="impact-criterion-missing"),
        pytest.param(["excellence_then_impact"], [criterion("merit")],
                     {"tie_breaks.0": "Needs criteria with the codes excellence and impact."},
                     id="both-criteria-missing"),
    ],
)  # fmt: skip
def test_tie_break_chain_rules(chain, criteria, expected):
    doc = document(*(criteria or []), tie_breaks=chain)
    assert errors_of(doc) == expected


def test_score_tie_break_counts_a_criterion_whose_scale_is_broken():
    doc = document(criterion("excellence", step="2"), criterion("impact"),
                   tie_breaks=["excellence_then_impact"])  # fmt: skip
    assert list(errors_of(doc)) == ["criteria.0.step"]


def test_all_errors_are_reported_at_once():
    doc = {
        "criteria": [criterion("Bad", step="0"), criterion("impact", threshold="9"),
                     criterion("impact"), price(threshold="1")],
        "overall_threshold": "x",
        "experts_per_proposal": 0,
        "dispersion_limit": "-2",
        "consensus_method": "mode",
        "min_comment_length": "long",
        "tie_breaks": ["panel_decision", "best"],
        "deadline": "tomorrow",
    }  # fmt: skip
    assert set(errors_of(doc, call_kind="grant")) == {
        "criteria.0.code", "criteria.0.step", "criteria.1.threshold", "criteria.2.code",
        "criteria.3.threshold", "criteria.3.kind", "overall_threshold", "experts_per_proposal",
        "dispersion_limit", "consensus_method", "min_comment_length", "tie_breaks.0",
        "tie_breaks.1", "deadline",
    }  # fmt: skip


def test_error_text_lists_every_field():
    with pytest.raises(CriteriaError, match=r"experts_per_proposal: .*consensus_method: "):
        validate_criteria(document(experts_per_proposal=0, consensus_method="x"))


def test_presets_are_the_documented_ones_and_validate():
    assert set(CRITERIA_PRESETS) == {
        "horizon_europe_ria", "horizon_europe_ia", "tender_price_quality_70_30"
    }  # fmt: skip
    for preset in CRITERIA_PRESETS.values():
        assert preset.label and preset.description
        assert validate_criteria(preset.document)


def test_grant_presets_validate_for_grants_and_tender_preset_for_tenders():
    for code in ("horizon_europe_ria", "horizon_europe_ia"):
        assert validate_criteria(CRITERIA_PRESETS[code].document, call_kind=CallKind.GRANT)
    tender = CRITERIA_PRESETS["tender_price_quality_70_30"].document
    assert validate_criteria(tender, call_kind=CallKind.TENDER)


def _scores(preset_code):
    doc = validate_criteria(CRITERIA_PRESETS[preset_code].document)
    table = {c["code"]: (c["label"], c["weight"], c["min"], c["max"], c["step"], c["threshold"])
             for c in doc["criteria"]}  # fmt: skip
    return doc, table


def test_horizon_europe_ria_preset_follows_general_annex_d():
    doc, table = _scores("horizon_europe_ria")
    assert table == {
        "excellence": ("Excellence", "1", "0", "5", "0.5", "3"),
        "impact": ("Impact", "1", "0", "5", "0.5", "3"),
        "implementation": ("Quality and efficiency of the implementation", "1", "0", "5", "0.5",
                           "3"),
    }  # fmt: skip
    assert (doc["overall_threshold"], doc["experts_per_proposal"]) == ("10", 3)
    assert doc["tie_breaks"] == REFERENCE_CHAIN


def test_horizon_europe_ia_preset_weights_impact_for_ranking():
    doc, table = _scores("horizon_europe_ia")
    assert table["impact"] == ("Impact", "1.5", "0", "5", "0.5", "3")
    assert table["excellence"][1] == table["implementation"][1] == "1"
    assert doc["overall_threshold"] == "10"
    assert doc["tie_breaks"] == [
        "uncovered_area", "impact_then_excellence", "gender_balance",
        "new_countries_then_budget", "panel_decision",
    ]  # fmt: skip


def test_tender_preset_is_seventy_quality_thirty_price():
    doc, table = _scores("tender_price_quality_70_30")
    kinds = {c["code"]: c["kind"] for c in doc["criteria"]}
    assert [code for code, kind in kinds.items() if kind == "price"] == ["price"]
    quality_points = sum(Decimal(table[code][3]) for code in kinds if kinds[code] == "expert")
    assert quality_points == 70
    assert table["price"][3] == "30" and table["price"][5] is None
    assert all(table[code][5] is not None for code in kinds if kinds[code] == "expert")


def test_preset_documents_are_read_only():
    preset = CRITERIA_PRESETS["horizon_europe_ria"]
    read_only = "object does not support item assignment"
    with pytest.raises(TypeError, match=read_only):
        preset.document["experts_per_proposal"] = 5  # type: ignore[index]
    with pytest.raises(TypeError, match=read_only):
        preset.document["criteria"][0]["weight"] = "2"  # type: ignore[index]


def test_describe_horizon_europe_ria():
    assert describe_criteria(CRITERIA_PRESETS["horizon_europe_ria"].document) == [
        "Scored on 3 criteria: Excellence; Impact; Quality and efficiency of the implementation",
        "Each criterion is scored from 0 to 5 in half points",
        "Each criterion needs at least 3 of 5; the total at least 10 of 15",
        "Each proposal is evaluated by 3 independent experts; the consensus starts from the "
        "median of their scores",
        "Scores that differ by more than 2 points between experts are flagged for discussion",
        "Each score needs a comment of at least 20 characters",
        "Ties are broken in this order: (1) Part of the call not yet covered; (2) Excellence, "
        "then Impact; (3) Gender balance; (4) Geographical diversity, then budget; "
        "(5) Panel decision",
    ]


def test_describe_horizon_europe_ia_weight_and_chain():
    sentences = describe_criteria(CRITERIA_PRESETS["horizon_europe_ia"].document)
    assert "Impact counts 1.5 times for ranking only" in sentences
    assert sentences[-1].startswith(
        "Ties are broken in this order: (1) Part of the call not yet covered; (2) Impact, then "
        "Excellence;"
    )


def test_describe_tender():
    assert describe_criteria(CRITERIA_PRESETS["tender_price_quality_70_30"].document) == [
        "Scored on 3 criteria: Technical merit; Delivery plan; Price",
        "Technical merit is scored from 0 to 40 in whole points",
        "Delivery plan is scored from 0 to 30 in whole points",
        "Technical merit needs at least 24 of 40; Delivery plan needs at least 18 of 30; "
        "the quality total at least 42 of 70",
        "Price is scored by formula: the lowest price offered divided by this tender's price, "
        "times 30 (rounded to 2 decimals), so the cheapest gets 30",
        "Each proposal is evaluated by 3 independent experts; the consensus starts from the "
        "median of their scores",
        "Scores that differ by more than 8 points between experts are flagged for discussion",
        "Each score needs a comment of at least 20 characters",
        "Ties are broken in this order: (1) Panel decision",
    ]


def test_describe_minimal_document():
    doc = {"criteria": [{"code": "quality", "label": "Quality", "min": "0", "max": "10",
                         "step": "1"}]}  # fmt: skip
    assert describe_criteria(doc) == [
        "Scored on 1 criterion: Quality",
        "Quality is scored from 0 to 10 in whole points",
        "Each proposal is evaluated by 3 independent experts; the consensus starts from the "
        "median of their scores",
    ]


# (document, sentence that must appear)
FEATURES = [
    (document(criterion("a", step="0.25")), "A is scored from 0 to 5 in steps of 0.25"),
    (document(criterion("a", min="1", max="4", step="1"), criterion("b", min="1", max="4",
                                                                     step="1")),
     "Each criterion is scored from 1 to 4 in whole points"),
    (document(criterion("a"), criterion("b", max="10", step="1", threshold="6")),
     "A needs at least 3 of 5; B needs at least 6 of 10"),
    (document(criterion("a"), criterion("b", threshold=None)), "A needs at least 3 of 5"),
    (document(criterion("a", threshold=None), criterion("b", threshold=None),
              overall_threshold="7"), "The total needs at least 7 of 10"),
    (document(criterion("a", threshold=None), price(), overall_threshold="4"),
     "The quality total needs at least 4 of 5"),
    (document(criterion("a"), criterion("b"), price()),
     "Each quality criterion needs at least 3 of 5"),
    (document(criterion("a", weight="2"), price(weight="0.5")),
     "A counts 2 times for ranking only"),
    (document(criterion("a"), price(weight="0.5")), "Price counts 0.5 times for ranking only"),
    (document(criterion("a"), price(label="Total cost", max="20")),
     "Total cost is scored by formula: the lowest price offered divided by this tender's "
     "price, times 20 (rounded to 2 decimals), so the cheapest gets 20"),
    (document(consensus_method="mean"),
     "Each proposal is evaluated by 3 independent experts; the consensus starts from the mean "
     "of their scores"),
    (document(experts_per_proposal=5),
     "Each proposal is evaluated by 5 independent experts; the consensus starts from the "
     "median of their scores"),
    (document(experts_per_proposal=1), "Each proposal is evaluated by 1 independent expert"),
    (document(dispersion_limit="1.5"),
     "Scores that differ by more than 1.5 points between experts are flagged for discussion"),
    (document(min_comment_length=50), "Each score needs a comment of at least 50 characters"),
    (document(tie_breaks=["gender_balance", "new_countries_then_budget"]),
     "Ties are broken in this order: (1) Gender balance; (2) Geographical diversity, then "
     "budget"),
]  # fmt: skip


@pytest.mark.parametrize(("doc", "sentence"), [pytest.param(*case, id=case[1][:45])
                                               for case in FEATURES])  # fmt: skip
def test_describe_each_feature(doc, sentence):
    assert sentence in describe_criteria(doc)


# (document, text that must NOT appear in any sentence)
SILENT = [
    (document(), "counts"),
    (document(), "Ties"),
    (document(), "comment"),
    (document(), "flagged"),
    (document(experts_per_proposal=1, dispersion_limit="2"), "flagged"),
    (document(experts_per_proposal=1), "consensus"),
    (document(criterion("a", threshold=None)), "needs at least"),
    (document(), "formula"),
]


@pytest.mark.parametrize(("doc", "absent"), [pytest.param(*case, id=f"no-{case[1]}-{i}")
                                             for i, case in enumerate(SILENT)])  # fmt: skip
def test_describe_leaves_out_what_is_not_set(doc, absent):
    assert not any(absent in sentence for sentence in describe_criteria(doc))


def test_describe_refuses_an_invalid_document():
    with pytest.raises(CriteriaError,
                       match="experts_per_proposal: Enter a whole number from 1 to 10."):
        describe_criteria(document(experts_per_proposal=0))
