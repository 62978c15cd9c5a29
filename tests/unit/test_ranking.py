"""Ranking: weighted totals, each tie-break rule on its own, the greedy chain, unresolved ties."""

from decimal import Decimal as D

import pytest

from app.evaluation.rules.ranking import RankingCandidate, RankingOutcome, rank
from app.evaluation.rules.scoring import AwardCriteria, TieBreak

SCALE = {"max": 5, "step": "0.5", "threshold": 3}
CRITERIA = AwardCriteria.from_document(
    {
        "criteria": [
            {"code": "excellence", "label": "Excellence", "weight": 1, **SCALE},
            {"code": "impact", "label": "Impact", "weight": "1.5", **SCALE},
        ],
        "overall_threshold": 10,
        "tie_breaks": [
            "uncovered_area",
            "excellence_then_impact",
            "gender_balance",
            "new_countries_then_budget",
            "panel_decision",
        ],
    }
)
ALL_RULES = tuple(TieBreak)
SCORE_RULES = (TieBreak.EXCELLENCE_THEN_IMPACT, TieBreak.IMPACT_THEN_EXCELLENCE)


def full_chain(rule):
    """Every rule in the documented order; a call uses one of the two score rules, not both."""
    other_score_rule = set(SCORE_RULES) - {rule} if rule in SCORE_RULES else set(SCORE_RULES[1:])
    return [r for r in ALL_RULES if r not in other_score_rule]


def cand(key, total="10", excellence="4", impact="4", **fields):
    """A passing candidate; unless a test says otherwise every tie-break attribute is equal."""
    defaults = {
        "areas": ("ai",),
        "countries": ("IT",),
        "women": 1,
        "men": 1,
        "requested": D("100000"),
        "passed_thresholds": True,
    }
    return RankingCandidate(
        key=key,
        scores={"excellence": D(excellence), "impact": D(impact)},
        weighted_total=D(total),
        **{**defaults, **fields},
    )


def by_key(entries):
    return {entry.key: entry for entry in entries}


def test_orders_by_weighted_total_and_names_total_in_the_trail():
    entries = rank([cand("b", "11.5"), cand("a", "12"), cand("c", "9")], CRITERIA)
    assert [(e.key, e.position, e.trail) for e in entries] == [
        ("a", 1, "total"),
        ("b", 2, "total"),
        ("c", 3, "total"),
    ]
    assert entries[0].reason == "Highest weighted total (12)."
    assert "11.5 vs 12" in entries[1].reason
    assert all(e.outcome is RankingOutcome.RANKED and not e.unresolved_tie for e in entries)


def test_candidates_below_threshold_follow_unranked_whatever_their_total():
    failing = cand("top", "15", passed_thresholds=False)
    entries = rank([failing, cand("a", "11"), cand("weak", "8", passed_thresholds=False)], CRITERIA)
    assert [(e.key, e.position, e.outcome) for e in entries] == [
        ("a", 1, RankingOutcome.RANKED),
        ("top", None, RankingOutcome.BELOW_THRESHOLD),
        ("weak", None, RankingOutcome.BELOW_THRESHOLD),
    ]
    assert entries[1].trail == "below_threshold"


# Each case: candidates tied on total where ONLY this rule tells them apart, plus an optional
# higher-ranked proposal that sets what is already covered above. Expected: winner first.
ISOLATED_RULES = [
    pytest.param(
        TieBreak.UNCOVERED_AREA,
        [cand("same", areas=("ai",)), cand("new", areas=("ai", "health"))],
        cand("top", "14", areas=("ai",)),
        ["new", "same"],
        "strategic area",
        id="uncovered-area",
    ),
    pytest.param(
        TieBreak.EXCELLENCE_THEN_IMPACT,
        [
            cand("impactful", excellence="4", impact="5"),
            cand("excellent", excellence="4.5", impact="3"),
        ],
        None,
        ["excellent", "impactful"],
        "Excellence (4.5 vs 4)",
        id="excellence-first",
    ),
    pytest.param(
        TieBreak.EXCELLENCE_THEN_IMPACT,
        [cand("low", excellence="4", impact="3"), cand("high", excellence="4", impact="3.5")],
        None,
        ["high", "low"],
        "Impact (3.5 vs 3)",
        id="then-impact",
    ),
    pytest.param(
        TieBreak.IMPACT_THEN_EXCELLENCE,
        [
            cand("impactful", excellence="4", impact="5"),
            cand("excellent", excellence="4.5", impact="3"),
        ],
        None,
        ["impactful", "excellent"],
        "Impact (5 vs 3)",
        id="innovation-action-impact-first",
    ),
    pytest.param(
        TieBreak.IMPACT_THEN_EXCELLENCE,
        [cand("low", excellence="3", impact="4"), cand("high", excellence="3.5", impact="4")],
        None,
        ["high", "low"],
        "Excellence (3.5 vs 3)",
        id="innovation-action-then-excellence",
    ),
    pytest.param(
        TieBreak.GENDER_BALANCE,
        [cand("quarter", women=1, men=3), cand("even", women=2, men=2)],
        None,
        ["even", "quarter"],
        "50 % women vs 25 % women",
        id="gender-closer-to-half",
    ),
    pytest.param(
        TieBreak.GENDER_BALANCE,
        [cand("mostly-women", women=4, men=1), cand("mostly-men", women=1, men=3)],
        None,
        ["mostly-men", "mostly-women"],
        "25 % women vs 80 % women",
        id="gender-distance-either-side",
    ),
    pytest.param(
        TieBreak.GENDER_BALANCE,
        [cand("unknown", women=None, men=None), cand("all-men", women=0, men=5)],
        None,
        ["all-men", "unknown"],
        "0 % women vs unknown",
        id="gender-unknown-last",
    ),
    pytest.param(
        TieBreak.GENDER_BALANCE,
        [cand("nobody", women=0, men=0), cand("some", women=1, men=4)],
        None,
        ["some", "nobody"],
        "vs unknown",
        id="gender-no-key-persons-is-unknown",
    ),
    pytest.param(
        TieBreak.NEW_COUNTRIES_THEN_BUDGET,
        [cand("old", countries=("IT", "AT")), cand("fresh", countries=("IT", "SI", "HR"))],
        cand("top", "14", countries=("IT", "AT")),
        ["fresh", "old"],
        "more countries not present higher up (2 vs 0)",
        id="new-countries",
    ),
    pytest.param(
        TieBreak.NEW_COUNTRIES_THEN_BUDGET,
        [cand("dear", requested=D("200000")), cand("cheap", requested=D("150000"))],
        None,
        ["cheap", "dear"],
        "requests less (150000 vs 200000)",
        id="then-smaller-budget",
    ),
    pytest.param(
        TieBreak.PANEL_DECISION,
        [cand("second", panel_position=2), cand("first", panel_position=1)],
        None,
        ["first", "second"],
        "panel position 1 vs 2",
        id="panel-decision",
    ),
]


@pytest.mark.parametrize(("rule", "tied", "above", "order", "sentence"), ISOLATED_RULES)
@pytest.mark.parametrize("chain", ["only-this-rule", "full-chain"])
def test_each_tie_break_decides_a_tie_on_its_own(rule, tied, above, order, sentence, chain):
    tie_breaks = [rule] if chain == "only-this-rule" else full_chain(rule)
    candidates = tied + ([above] if above else [])
    entries = [e for e in rank(candidates, CRITERIA, tie_breaks) if e.key != "top"]
    assert [e.key for e in entries] == order
    loser = entries[1]
    assert loser.trail == rule.value
    # Every rule tried names itself: those before the deciding one found the two equal.
    assert loser.tried == tuple(r.value for r in tie_breaks[:tie_breaks.index(rule) + 1])
    assert sentence in loser.reason
    assert not loser.unresolved_tie
    assert loser.position == entries[0].position + 1


@pytest.mark.parametrize(("rule", "tied", "above", "order", "sentence"), ISOLATED_RULES)
def test_without_that_rule_the_same_tie_is_unresolved(rule, tied, above, order, sentence):
    # The two score rules look at the same scores, so both go when either is the one tested.
    left_out = SCORE_RULES if rule in SCORE_RULES else (rule,)
    other_rules = [r for r in ALL_RULES if r not in left_out]
    candidates = tied + ([above] if above else [])
    entries = [e for e in rank(candidates, CRITERIA, other_rules) if e.key != "top"]
    assert [e.position for e in entries] == [entries[0].position] * 2
    assert all(e.unresolved_tie for e in entries)
    assert entries[1].trail == "unresolved"
    assert entries[1].tried == tuple(r.value for r in other_rules)


def test_chain_order_decides_which_rule_wins():
    excellent = cand("excellent", excellence="5", impact="4", women=0, men=4)
    balanced = cand("balanced", excellence="4", impact="4", women=2, men=2)
    first = rank([excellent, balanced], CRITERIA, ["excellence_then_impact", "gender_balance"])
    second = rank([excellent, balanced], CRITERIA, ["gender_balance", "excellence_then_impact"])
    assert [(e.key, e.trail) for e in first] == [
        ("excellent", "total"),
        ("balanced", "excellence_then_impact"),
    ]
    assert [(e.key, e.trail) for e in second] == [
        ("balanced", "total"),
        ("excellent", "gender_balance"),
    ]


def test_chain_defaults_to_the_call_document():
    entries = rank([cand("b", excellence="4"), cand("a", excellence="4.5")], CRITERIA)
    assert [(e.key, e.trail) for e in entries] == [("a", "total"), ("b", "excellence_then_impact")]


def test_unresolved_tie_shares_the_position_and_numbering_skips():
    candidates = [cand("top", "14"), cand("y"), cand("x"), cand("low", "8")]
    entries = rank(candidates, CRITERIA, list(ALL_RULES))
    assert [(e.key, e.position, e.unresolved_tie, e.trail) for e in entries] == [
        ("top", 1, False, "total"),
        ("x", 2, True, "total"),
        ("y", 2, True, "unresolved"),
        ("low", 4, False, "total"),
    ]
    assert "record the panel's decision" in entries[2].reason


def test_panel_decides_only_when_every_tied_proposal_has_a_position():
    partial = rank([cand("a", panel_position=1), cand("b")], CRITERIA, ["panel_decision"])
    assert [e.unresolved_tie for e in partial] == [True, True]
    same = rank(
        [cand("a", panel_position=1), cand("b", panel_position=1)], CRITERIA, ["panel_decision"]
    )
    assert [e.position for e in same] == [1, 1]


def test_three_way_tie_partly_resolved():
    tied = [cand("a", excellence="5"), cand("c", excellence="4"), cand("b", excellence="4")]
    entries = rank(tied, CRITERIA, ["excellence_then_impact"])
    assert [(e.key, e.position, e.trail, e.unresolved_tie) for e in entries] == [
        ("a", 1, "total", False),
        ("b", 2, "excellence_then_impact", True),
        ("c", 2, "unresolved", True),
    ]


def test_uncovered_area_is_judged_against_what_is_ranked_above_at_each_step():
    # Nothing above: all cover a new area, so excellence picks "a". Then "health" is the only
    # area not yet covered, so "c" beats "b" despite its lower excellence.
    tied = [
        cand("a", excellence="5", areas=("ai",)),
        cand("b", excellence="4.5", areas=("ai",)),
        cand("c", excellence="4", areas=("health",)),
    ]
    entries = rank(tied, CRITERIA, ["uncovered_area", "excellence_then_impact"])
    assert [(e.key, e.position, e.trail) for e in entries] == [
        ("a", 1, "total"),
        ("c", 2, "excellence_then_impact"),
        ("b", 3, "uncovered_area"),
    ]


def test_new_countries_are_counted_against_what_is_ranked_above_at_each_step():
    tied = [
        cand("a", countries=("IT", "AT", "SI")),
        cand("b", countries=("IT", "AT"), requested=D(1)),
        cand("c", countries=("PL",), requested=D(900000)),
    ]
    entries = rank(tied, CRITERIA, ["new_countries_then_budget"])
    # Step 1: a brings 3 new. Step 2: b brings 0, c brings 1 -> c despite its budget.
    assert [(e.key, e.position) for e in entries] == [("a", 1), ("c", 2), ("b", 3)]
    assert entries[2].trail == "new_countries_then_budget"


def test_higher_total_groups_count_as_above_for_a_lower_tie():
    entries = rank(
        [cand("top", "14", areas=("health",)), cand("a", areas=("health",)), cand("b")],
        CRITERIA,
        ["uncovered_area"],
    )
    assert [e.key for e in entries] == ["top", "b", "a"]


def test_a_missing_criterion_makes_the_score_rule_skip_to_the_next():
    no_impact = [
        RankingCandidate("a", {"excellence": D(4)}, D(10), True, women=1, men=3),
        RankingCandidate("b", {"excellence": D(4)}, D(10), True, women=1, men=1),
    ]
    entries = rank(no_impact, CRITERIA, ["excellence_then_impact", "gender_balance"])
    assert [(e.key, e.trail) for e in entries] == [("b", "total"), ("a", "gender_balance")]
    no_scores = [RankingCandidate("a", {}, D(10), True), RankingCandidate("b", {}, D(10), True)]
    assert all(e.unresolved_tie for e in rank(no_scores, CRITERIA, ["impact_then_excellence"]))


@pytest.mark.parametrize(
    ("candidates", "tie_breaks", "message"),
    [
        pytest.param([cand("a"), cand("a")], None, "distinct key", id="duplicate-key"),
        pytest.param([cand("a")], ["coin_toss"], "coin_toss", id="unknown-rule"),
    ],
)
def test_rejects_bad_input(candidates, tie_breaks, message):
    with pytest.raises(ValueError, match=message):
        rank(candidates, CRITERIA, tie_breaks)


def test_entries_carry_requested_and_serialise():
    entry = rank([cand("a", "12.25", requested=D("123.45"))], CRITERIA)[0]
    assert entry.to_dict() == {
        "position": 1,
        "key": "a",
        "weighted_total": "12.25",
        "outcome": "ranked",
        "trail": "total",
        "reason": "Highest weighted total (12.25).",
        "unresolved_tie": False,
        "requested": "123.45",
        "tried": [],
    }


def test_order_does_not_depend_on_input_order():
    candidates = [cand(key, total) for key, total in (("d", "9"), ("b", "12"), ("a", "12"))]
    assert rank(candidates, CRITERIA) == rank(list(reversed(candidates)), CRITERIA)
